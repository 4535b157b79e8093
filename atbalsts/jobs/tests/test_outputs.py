"""A job's file: written under a random name outside any public URL, downloaded only by the
user who started the job (404 for anybody else), listed on "Mani fona darbi", deleted by the
sweep after JOBS_OUTPUT_KEEP_DAYS."""

import datetime as dt
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from atbalsts.core.audit import AuditEventType
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.jobs import outputs
from atbalsts.jobs.models import Job, JobStatus
from atbalsts.jobs.outputs import output_delete, output_open, output_write
from atbalsts.jobs.services import JobFailed, job_create, run_job, sweep

DBS = ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DBS)


@pytest.fixture(autouse=True)
def _outputs(settings, tmp_path):
    settings.JOBS_OUTPUT_DIR = tmp_path / "job-output"
    return settings.JOBS_OUTPUT_DIR


def _done(user, **fields):
    return Job.objects.create(
        kind="reporting.extract",
        actor_id=user.pk,
        title="Izvilkums",
        status=JobStatus.DONE,
        finished_at=timezone.now(),
        **fields,
    )


def test_a_file_is_written_under_a_random_name_and_read_back(head, _outputs):
    job = _done(head)
    output_write(job, "../../etc/izvilkums\n.csv", [b"a,b\r\n", b"1,2\r\n"])
    job.refresh_from_db()
    assert job.output_name == "izvilkums.csv"  # no directories, no control characters
    assert outputs.NAME.fullmatch(job.output_file)
    assert [p.name for p in _outputs.iterdir()] == [job.output_file]
    with output_open(job) as handle:
        assert handle.read() == b"a,b\r\n1,2\r\n"

    first = job.output_file
    output_write(job, "otrs.pdf", b"%PDF")  # writing again replaces the file
    assert [p.name for p in _outputs.iterdir()] == [job.output_file] != [first]

    output_delete(job)
    job.refresh_from_db()
    assert job.output_file == "" and job.output_name == "otrs.pdf"
    assert list(_outputs.iterdir()) == []
    with pytest.raises(FileNotFoundError):
        output_open(job)


def test_a_file_that_fails_half_way_leaves_nothing(head, _outputs):
    job = _done(head)

    def chunks():
        yield b"first"
        raise OSError("disk full")

    with pytest.raises(OSError):
        output_write(job, "x.csv", chunks())
    assert list(_outputs.iterdir()) == []
    job.refresh_from_db()
    assert job.output_file == ""


def test_only_the_user_who_started_the_job_downloads_its_file(
    client, head, make_user, balvi, admin_user
):
    job = _done(head)
    output_write(job, "izvilkums-balvi.csv", b"\xef\xbb\xbfa;b\r\n")
    url = reverse("jobs:download", args=[job.pk])
    assert url == f"/darbi/{job.pk}/fails/"

    response = client.get(url)
    assert response.status_code == 302 and "/account/login" in response["Location"]

    for other in (make_user(Role.HEAD, balvi), admin_user):
        client.force_login(other)
        assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(event_type=AuditEventType.JOB_OUTPUT_DOWNLOADED)

    client.force_login(head)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xef\xbb\xbfa;b\r\n"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="izvilkums-balvi.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(event_type=AuditEventType.JOB_OUTPUT_DOWNLOADED)
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        head.pk,
        "jobs.job",
        str(job.pk),
    )
    assert client.get(reverse("jobs:download", args=[job.pk + 999])).status_code == 404


def test_no_download_before_the_job_is_done_or_after_its_file_was_deleted(client, head):
    running = Job.objects.create(kind="reporting.extract", actor_id=head.pk, status="running")
    output_write(running, "x.xlsx", b"PK")
    client.force_login(head)
    assert client.get(reverse("jobs:download", args=[running.pk])).status_code == 404
    done = _done(head)
    output_write(done, "x.xlsx", b"PK")
    response = client.get(reverse("jobs:download", args=[done.pk]))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    output_delete(done)
    assert client.get(reverse("jobs:download", args=[done.pk])).status_code == 404


def test_the_page_lists_only_the_users_own_jobs_newest_first(client, head, make_user, balvi):
    other = make_user(Role.HEAD, balvi)
    older = _done(head, created_at=timezone.now() - dt.timedelta(hours=1))
    output_write(older, "pirmais.csv", b"x")
    Job.objects.create(kind="bundle.import", actor_id=head.pk, title="jauns.xlsx")
    Job.objects.create(kind="bundle.import", actor_id=other.pk, title="svesais.xlsx")
    Job.objects.create(
        kind="reporting.extract",
        actor_id=head.pk,
        status=JobStatus.FAILED,
        message="Darbs pārtrūka: apstrādes process apstājās.",
    )
    client.force_login(head)
    response = client.get(reverse("jobs:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mani fona darbi" in page
    assert "svesais.xlsx" not in page
    assert page.index("Darbs pārtrūka") < page.index("jauns.xlsx") < page.index("pirmais.csv")
    assert "Datu komplekta imports" in page and "Pseidonimizēts izvilkums" in page
    assert reverse("jobs:download", args=[older.pk]) in page
    assert f'href="{reverse("jobs:list")}"' in page  # the top navigation links it
    assert page.count('hx-trigger="every 2s"') == 1  # only the unfinished job polls


def test_a_running_job_is_polled_until_it_ends(client, head, make_user, balvi):
    job = Job.objects.create(
        kind="bundle.import", actor_id=head.pk, status=JobStatus.RUNNING, done=5, total=20
    )
    client.force_login(head)
    url = reverse("jobs:detail", args=[job.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert "<html" not in fragment and 'hx-trigger="every 2s"' in fragment
    assert 'value="5"' in fragment and "5 no 20" in fragment

    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, finished_at=timezone.now())
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and "pabeigts" in fragment
    assert "<html" in client.get(url).content.decode()  # the page of its own

    client.force_login(make_user(Role.HEAD, balvi))
    assert client.get(url).status_code == 404
    assert client.get(reverse("jobs:detail", args=[999999])).status_code == 404


def test_starting_a_job_is_audited(head, balvi, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = job_create(actor=head, kind="bundle.import", title="a.xlsx", municipality=balvi)
    event = AuditEvent.objects.get(event_type=AuditEventType.JOB_CREATED)
    assert (event.actor_id, event.subject_id, event.municipality_id) == (
        head.pk,
        str(job.pk),
        balvi.pk,
    )
    assert event.extra_data == {"kind": "bundle.import", "title": "a.xlsx"}


def test_a_failed_job_leaves_no_file(head, _outputs):
    job = Job.objects.create(kind="reporting.extract", actor_id=head.pk)

    def work(job, progress):
        output_write(job, "half.csv", b"half")
        raise JobFailed("Neizdevās.")

    run_job(job.pk, work)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.output_file == ""
    assert list(_outputs.iterdir()) == []


def test_the_sweep_deletes_files_older_than_the_days_kept(head, settings, _outputs):
    settings.JOBS_OUTPUT_KEEP_DAYS = 7
    old = _done(head, created_at=timezone.now() - dt.timedelta(days=9))
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    recent = _done(head)
    output_write(old, "vecs.csv", b"old")
    output_write(recent, "jauns.csv", b"new")
    orphan = _outputs / ("0" * 32 + outputs.PART)  # a worker died while writing it
    orphan.write_bytes(b"x")
    long_ago = (timezone.now() - dt.timedelta(days=30)).timestamp()
    os.utime(orphan, (long_ago, long_ago))

    assert sweep() == 0  # no job was marked failed…
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.output_file == "" and recent.output_file  # …but the old file went
    assert [p.name for p in _outputs.iterdir()] == [recent.output_file]
