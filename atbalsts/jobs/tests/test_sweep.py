"""The sweep, for a job whose worker died: besides the job, the queue's row of its task and
the bundle's ImportRun of that import are marked failed."""

import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from atbalsts.bundle import progress
from atbalsts.bundle.example import EXAMPLE, csv_files
from atbalsts.bundle.models import ImportRun, RunStatus
from atbalsts.jobs import services
from atbalsts.jobs.models import Job, JobStatus
from atbalsts.jobs.services import INTERRUPTED, JobProgress, on_interrupted, run_job, sweep

DBS = ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DBS)


class Killed(BaseException):
    """The worker's process killed half way: nothing more is written by it."""


def test_a_dead_imports_run_and_task_row_are_marked_failed(
    head, balvi, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = progress.import_start(actor=head, municipality=balvi, files=csv_files(EXAMPLE))
    job.refresh_from_db()
    task = DBTaskResult.objects.get()
    task.claim("dead-worker")  # the worker took it…
    real_call = JobProgress.__call__

    def progress_then_die(self, done, total):
        real_call(self, done, total)
        if done >= 5:
            raise Killed

    monkeypatch.setattr(JobProgress, "__call__", progress_then_die)
    monkeypatch.setattr(services, "job_fail", lambda *a, **k: None)
    with pytest.raises(Killed):  # …and died in the middle of the import
        run_job(job.pk, progress.import_work)
    monkeypatch.undo()
    run = ImportRun.objects.get()
    assert run.status == RunStatus.RUNNING  # written before the import's transaction
    task.refresh_from_db()
    assert task.status == "RUNNING"

    assert sweep(stale_after=dt.timedelta(0)) == 1

    job.refresh_from_db()
    run.refresh_from_db()
    task.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert run.status == RunStatus.REJECTED and run.finished is not None
    assert run.errors == [{"sheet": "", "row": 0, "column": "", "message": str(INTERRUPTED)}]
    assert task.status == "FAILED" and task.finished_at is not None
    assert sweep(stale_after=dt.timedelta(0)) == 0  # once


def test_other_runs_are_left_alone_and_a_failing_hook_does_not_stop_the_sweep(
    head, balvi, monkeypatch
):
    other = ImportRun.objects.create(
        municipality=balvi,
        actor=head,
        file_name="cits.xlsx",
        checksum="x",
        started=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    stale = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    broken = Job.objects.create(
        kind="test.broken",
        actor_id=head.pk,
        status=JobStatus.RUNNING,
        heartbeat_at=stale,
        task_id="not-a-uuid",
    )
    dead = Job.objects.create(
        kind="bundle.import",
        actor_id=head.pk,
        status=JobStatus.RUNNING,
        started_at=stale,
        heartbeat_at=stale,
        title="a.xlsx",
        params={"municipality_id": balvi.pk},
    )

    monkeypatch.setitem(services.INTERRUPTED_HOOKS, "test.broken", [])  # gone after the test

    @on_interrupted("test.broken")
    def explode(job):
        raise RuntimeError("hook broke")

    assert sweep() == 2
    other.refresh_from_db()
    assert other.status == RunStatus.RUNNING  # not that job's files
    assert {j.status for j in Job.objects.filter(pk__in=[broken.pk, dead.pk])} == {"failed"}
