"""The import page with the import as a background job: the htmx form, the job's progress
fragment and page, the list of the user's imports and the municipality's recent runs."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from atbalsts.bundle.example import csv_files, xlsx_bundle
from atbalsts.bundle.models import ImportRun, RunStatus
from atbalsts.core.roles import Role
from atbalsts.jobs.models import Job, JobStatus
from atbalsts.jobs.tests.conftest import run_queued
from atbalsts.people.models import Client

from .conftest import counts, edit, example

pytestmark = pytest.mark.django_db(databases=["default", "jobs"])

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.JOBS_UPLOAD_DIR = tmp_path / "uploads"


def _upload(sheets=None):
    return [SimpleUploadedFile(n, c) for n, c in csv_files(sheets or example())]


def _job(user, **fields):
    return Job.objects.create(kind="bundle.import", actor_id=user.pk, title="b.xlsx", **fields)


def _status(job):
    return reverse("bundle:job_status", args=[job.pk])


# --- the form ----------------------------------------------------------------------------------


def test_the_form_posts_in_the_background(client, head):
    client.force_login(head)
    page = client.get(reverse("bundle:import")).content.decode()
    assert 'hx-post="/import/"' in page
    assert 'hx-indicator="#import-uploading"' in page
    assert "Augšupielādē failus" in page
    assert "Jūsu importu vēl nav." in page


def test_the_htmx_post_answers_at_once_with_the_jobs_progress(
    client, head, accountant, django_capture_on_commit_callbacks
):
    client.force_login(head)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bundle:import"), {"bundle": _upload()}, **HTMX)

    assert response.status_code == 202
    job = Job.objects.get()
    page = response.content.decode()
    assert page.startswith('<div id="bundle-panel"')
    assert "<html" not in page
    assert f'hx-get="{_status(job)}" hx-trigger="every 1s"' in page
    assert "Gaida, kad sāksies apstrāde" in page
    assert 'aria-live="polite"' in page
    assert 'id="import-jobs" hx-swap-oob="true"' in page
    assert 'id="import-runs" hx-swap-oob="true"' in page
    assert 'id="bundle-form"' in page  # a fresh form for the next bundle
    assert Client.objects.count() == 0  # the worker imports it, not the request
    assert set(job.params) >= {"municipality_id"} and "approver_id" not in job.params


def test_a_form_error_over_htmx_is_shown_on_the_field(client, head):
    client.force_login(head)

    response = client.post(reverse("bundle:import"), {}, **HTMX)

    assert response.status_code == 400
    assert 'class="error" role="alert">Šis lauks ir nepieciešams.' in response.content.decode()
    response = client.post(reverse("bundle:import"), {})  # no JS
    assert response.status_code == 400
    assert Job.objects.count() == 0


# --- the job's progress ------------------------------------------------------------------------


def test_the_status_shows_rows_done_of_total_and_the_phase(client, head):
    client.force_login(head)
    job = _job(head, status=JobStatus.RUNNING, phase="writing", done=120, total=500)

    page = client.get(_status(job)).content.decode()

    assert "Saglabā rindas" in page
    assert "120 no 500 rindām" in page
    assert 'max="500" value="120"' in page
    assert 'for="import-progress-bar"' in page
    assert 'hx-trigger="every 1s"' in page
    assert "turpināsies arī tad, ja aizvērsiet šo lapu" in page

    Job.objects.filter(pk=job.pk).update(phase="checking", done=0, total=0)
    assert "Lasa un pārbauda failus" in client.get(_status(job)).content.decode()


def test_a_finished_job_shows_its_report_and_stops_polling(client, head):
    client.force_login(head)
    report = {"rows": 3, "counts": {"clients": {"created": 2, "updated": 1, "unchanged": 0}}}
    job = _job(head, status=JobStatus.DONE, done=3, total=3, result=report)

    page = client.get(_status(job)).content.decode()

    assert "Imports pabeigts: apstrādātas 3 rindas." in page
    assert "every 1s" not in page
    assert 'id="import-jobs" hx-swap-oob="true"' in page  # the lists are brought up to date
    assert "jauni 2, mainīti 1, bez izmaiņām 0" in page
    page = client.get(reverse("bundle:job", args=[job.pk])).content.decode()
    assert "<html" in page and "Imports pabeigts: apstrādātas 3 rindas." in page


def test_a_failed_job_shows_the_errors_or_its_message(client, head):
    client.force_login(head)
    error = {"sheet": "clients", "row": 3, "column": "start_date", "message": "Slikts datums."}
    rejected = _job(head, status=JobStatus.FAILED, errors=[error], message="Imports neizdevās.")
    died = _job(
        head, status=JobStatus.FAILED, message="Darbs pārtrūka: apstrādes process apstājās."
    )

    page = client.get(_status(rejected)).content.decode()
    assert "Atrasta 1 kļūda." in page and "Slikts datums." in page
    page = client.get(_status(died)).content.decode()
    assert "Darbs pārtrūka: apstrādes process apstājās." in page
    page = client.get(reverse("bundle:import")).content.decode()
    assert "1 kļūda, nekas netika saglabāts" in page
    assert "Darbs pārtrūka" in page


def test_a_job_is_shown_only_to_the_user_who_started_it(
    client, head, make_user, balvi, social_worker
):
    job = _job(head)
    client.force_login(make_user(Role.HEAD, balvi))
    assert client.get(_status(job)).status_code == 404
    assert client.get(reverse("bundle:job", args=[job.pk])).status_code == 404
    assert "b.xlsx" not in client.get(reverse("bundle:jobs")).content.decode()
    client.force_login(social_worker)
    assert client.get(_status(job)).status_code == 403
    client.logout()
    assert client.get(_status(job)).status_code == 302  # to the sign-in page
    client.force_login(head)
    assert client.get(_status(job)).status_code == 200
    assert client.post(_status(job)).status_code == 405


def test_the_users_imports_refresh_themselves_while_one_runs(client, head):
    client.force_login(head)
    running = _job(head, status=JobStatus.RUNNING, phase="writing", done=3, total=9)

    page = client.get(reverse("bundle:import")).content.decode()

    assert f'hx-get="{reverse("bundle:jobs")}" hx-trigger="every 5s"' in page
    assert "Saglabā rindas (3 no 9 rindām)" in page
    assert reverse("bundle:job", args=[running.pk]) in page
    Job.objects.filter(pk=running.pk).update(status=JobStatus.DONE)
    fragment = client.get(reverse("bundle:jobs")).content.decode()
    assert fragment.startswith('<section class="card" id="import-jobs"')
    assert "every 5s" not in fragment


def test_the_whole_flow_with_the_worker(
    client, head, accountant, django_capture_on_commit_callbacks
):
    client.force_login(head)
    sheets = edit("clients", 2, "start_date", "2026-02-30")
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("bundle:import"),
            {"bundle": SimpleUploadedFile("b.xlsx", xlsx_bundle(sheets))},
            **HTMX,
        )
        client.post(reverse("bundle:import"), {"bundle": _upload()}, **HTMX)
    assert run_queued() == 2
    rejected, done = Job.objects.order_by("pk")
    assert "Atrasta 1 kļūda." in client.get(_status(rejected)).content.decode()
    assert "apstrādātas 21 rindas" in client.get(_status(done)).content.decode()
    assert counts()["Client"] == before["Client"] + 2


# --- the recent runs ---------------------------------------------------------------------------


def _run(head, balvi, status, **fields):
    return ImportRun.objects.create(
        municipality=balvi,
        actor=head,
        file_name=f"{status}.xlsx",
        checksum="0" * 64,
        started=fields.pop("started", timezone.now()),
        status=status,
        **fields,
    )


def test_the_runs_show_a_running_import_and_refresh_themselves(client, head, balvi):
    client.force_login(head)
    _run(head, balvi, RunStatus.RUNNING)
    _run(
        head,
        balvi,
        RunStatus.DONE,
        finished=timezone.now(),
        counts={"clients": {"created": 2, "updated": 1, "unchanged": 0},
                "plans": {"created": 2, "updated": 0, "unchanged": 3}},
    )  # fmt: skip

    page = client.get(reverse("bundle:import")).content.decode()

    assert "notiek" in page
    assert "jauni 4, mainīti 1, bez izmaiņām 3" in page
    assert f'hx-get="{reverse("bundle:runs")}" hx-trigger="every 5s"' in page
    fragment = client.get(reverse("bundle:runs")).content.decode()
    assert fragment.startswith('<section class="card" id="import-runs"')
    assert "running.xlsx" in fragment and "notiek" in fragment


def test_the_runs_stop_refreshing_when_nothing_is_running(client, head, balvi):
    client.force_login(head)
    _run(head, balvi, RunStatus.DONE, finished=timezone.now())
    # a run cut off by a stopped server long ago does not keep the list polling
    _run(head, balvi, RunStatus.RUNNING, started=timezone.now() - dt.timedelta(days=1))

    page = client.get(reverse("bundle:runs")).content.decode()

    assert "every 5s" not in page
    assert "Atjaunot sarakstu" in page


def test_the_runs_are_for_importers_only_and_their_municipality(
    client, social_worker, head, make_user, tukums
):
    other_head = make_user(Role.HEAD, tukums)
    _run(other_head, tukums, RunStatus.RUNNING)
    client.force_login(social_worker)
    assert client.get(reverse("bundle:runs")).status_code == 403
    client.force_login(head)
    page = client.get(reverse("bundle:runs")).content.decode()
    assert "running.xlsx" not in page
    assert "Importu vēl nav." in page
