"""The jobs engine: a job is queued on commit, run by the worker, reports its progress through
the jobs connection, fails cleanly, and a job whose worker died is swept up."""

import datetime as dt
import logging

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from atbalsts.bundle import progress
from atbalsts.bundle.example import EXAMPLE, csv_files
from atbalsts.bundle.tests.conftest import counts, edit
from atbalsts.core.roles import Role
from atbalsts.jobs import services
from atbalsts.jobs.models import Job, JobStatus
from atbalsts.jobs.selectors import job_get, jobs_visible
from atbalsts.jobs.services import JobProgress, job_create, run_job, sweep
from atbalsts.people.models import Client

from .conftest import run_queued

DBS = ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DBS)


def _start(head, balvi, sheets=None):
    return progress.import_start(actor=head, municipality=balvi, files=csv_files(sheets or EXAMPLE))


def test_a_job_is_queued_on_commit_and_run_by_the_worker(
    head, balvi, accountant, django_capture_on_commit_callbacks, _uploads
):
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(head, balvi)
        assert DBTaskResult.objects.count() == 0  # nothing queued before the commit
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert job.task_id == str(DBTaskResult.objects.get().id)
    assert list(_uploads.iterdir())  # the files wait for the worker

    assert run_queued() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.result["rows"] == 21
    assert job.result["counts"]["clients"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert (job.done, job.total) == (21, 21)
    assert job.started_at and job.finished_at and job.heartbeat_at
    assert Client.objects.filter(municipality=balvi).count() == 2
    assert list(_uploads.iterdir()) == []  # deleted when the job ended
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_progress_is_written_through_the_jobs_connection_and_throttled(head, balvi):
    job = Job.objects.create(kind="bundle.import", actor_id=head.pk)
    now = [100.0]
    tracker = JobProgress(job, clock=lambda: now[0])
    tracker.phase(progress.CHECKING)
    assert Job.objects.get().phase == "checking"
    tracker(1, 500)  # the first row is always written
    now[0] += 0.1
    tracker(2, 500)  # too soon
    assert Job.objects.get().done == 1
    now[0] += 0.5
    tracker(120, 500)
    assert Job.objects.get().done == 120
    tracker(500, 500)  # the last is always written
    assert (Job.objects.get().done, Job.objects.get().total) == (500, 500)
    assert Job.objects.db_manager().db == "jobs"  # the router sends job rows to the jobs alias


def test_a_rejected_bundle_fails_the_job_with_every_row_error(
    head, balvi, django_capture_on_commit_callbacks
):
    sheets = edit("clients", 2, "start_date", "2026-02-30")
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(head, balvi, sheets)
    before = counts()  # the job's start is audited; the import writes nothing
    run_queued()

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "Imports neizdevās: nekas netika saglabāts. Izlabojiet kļūdas failos."
    assert {
        "sheet": "clients",
        "row": 3,
        "column": "start_date",
        "message": "Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD.",
    } in job.errors
    assert counts() == before
    assert progress.job_state(job).finished


def test_an_unexpected_error_fails_the_job_without_showing_it(
    head, balvi, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        kwargs["progress"](1, 21)
        raise RuntimeError("personas kods 010101-10101")

    monkeypatch.setattr(progress, "bundle_import", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(head, balvi)
    with caplog.at_level(logging.ERROR, logger="atbalsts.jobs"):
        run_queued()

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("Darbs neizdevās negaidītas kļūdas dēļ")
    assert "RuntimeError" in caplog.text
    assert "010101" not in caplog.text  # the exception's text may quote personal data
    assert "010101" not in job.message


def test_a_job_runs_once(head, balvi):
    job = Job.objects.create(kind="bundle.import", actor_id=head.pk, status=JobStatus.FAILED)
    ran = []
    run_job(job.pk, lambda j, p: ran.append(j))
    run_job(10**9, lambda j, p: ran.append(j))
    assert ran == []
    assert Job.objects.get().status == JobStatus.FAILED


def test_a_job_whose_user_was_deactivated_fails(head, balvi, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(head, balvi)
    head.is_active = False
    head.save()
    run_queued()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "Jums nav tiesību veikt šo darbību."
    assert Client.objects.count() == 0


def test_only_importers_start_an_import_job(make_user, balvi, tukums, head_of):
    from atbalsts.core.errors import NotPermitted

    for user, municipality in (
        (make_user(Role.SOCIAL_WORKER, balvi), balvi),
        (head_of(tukums), balvi),
    ):
        with pytest.raises(NotPermitted):
            _start(user, municipality)
    assert Job.objects.count() == 0


def test_a_user_sees_only_their_own_jobs(head, head_of, balvi, admin_user):
    from django.http import Http404

    colleague = head_of(balvi)
    mine = job_create(actor=head, kind="bundle.import", municipality=balvi)
    theirs = job_create(actor=colleague, kind="bundle.import", municipality=balvi)
    assert list(jobs_visible(head)) == [mine]
    assert job_get(head, mine.pk) == mine
    with pytest.raises(Http404):
        job_get(head, theirs.pk)
    with pytest.raises(Http404):
        job_get(head, "x")
    assert set(jobs_visible(admin_user)) == {mine, theirs}


# --- a worker that dies ------------------------------------------------------------------------


class Killed(BaseException):
    """What the worker's process being killed looks like from inside: the work stops at once,
    its transaction is rolled back, and nothing more is written."""


def test_a_killed_job_leaves_nothing_and_the_sweep_marks_it_failed(
    head, balvi, monkeypatch, django_capture_on_commit_callbacks, _uploads
):

    def killed_half_way(done, total):
        if done >= 10:
            raise Killed

    real_call = JobProgress.__call__

    def progress_then_die(self, done, total):
        real_call(self, done, total)
        killed_half_way(done, total)

    monkeypatch.setattr(JobProgress, "__call__", progress_then_die)
    # a killed process writes nothing more: neither "failed" nor removes its files
    monkeypatch.setattr(services, "job_fail", lambda *a, **k: None)
    monkeypatch.setattr(services, "uploads_remove", lambda params: None)
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(head, balvi)
    before = counts()  # the job's start is audited; the import writes nothing
    with pytest.raises(Killed):
        run_job(job.pk, progress.import_work)

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert job.phase == "writing" and 1 <= job.done < 21  # its last progress before it died
    assert counts() == before  # the import's transaction was rolled back: nothing written
    monkeypatch.undo()

    assert sweep() == 0  # its heartbeat is recent: it might still be working
    assert sweep(stale_after=dt.timedelta(0)) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "Darbs pārtrūka: apstrādes process apstājās."
    assert list(_uploads.iterdir()) == []
    assert progress.job_state(job).finished


def test_the_sweep_gives_up_jobs_no_worker_took(head, balvi):
    old = Job.objects.create(
        kind="bundle.import", actor_id=head.pk, created_at=timezone.now() - dt.timedelta(days=2)
    )
    new = Job.objects.create(kind="bundle.import", actor_id=head.pk)
    assert sweep() == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (JobStatus.FAILED, JobStatus.QUEUED)
