"""The jobs engine against real connections: transactional tests, in a file of their own so
that they run after every other test file (a transactional test empties the database when it
ends; pytest-django runs them last, file by file)."""

import datetime as dt
import threading

import pytest
from django.db import connections, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from atbalsts.bundle import progress
from atbalsts.bundle.example import EXAMPLE, csv_files
from atbalsts.bundle.models import ImportRun, RunStatus
from atbalsts.bundle.tests.conftest import counts
from atbalsts.jobs.models import Job, JobStatus
from atbalsts.jobs.services import JobProgress, sweep
from atbalsts.jobs.uploads import uploads_save
from atbalsts.people.models import Client

DBS = ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DBS, transaction=True, serialized_rollback=True)


def _start(head, balvi, sheets=None):
    return progress.import_start(actor=head, municipality=balvi, files=csv_files(sheets or EXAMPLE))


def test_progress_is_visible_while_the_import_transaction_is_open(head, balvi, accountant):
    """Another connection (another thread here; a web request in real life) reads the job's
    progress while the import's own transaction on the default connection is still open."""
    job = Job.objects.create(
        kind="bundle.import",
        actor_id=head.pk,
        status=JobStatus.RUNNING,
        params={"municipality_id": balvi.pk} | uploads_save(csv_files(EXAMPLE)),
    )
    seen = []
    # SQLite's in-memory test database locks a table being written for other connections
    # (the real file, in WAL mode, does not): there only the job's row is read meanwhile.
    postgres = connections["default"].vendor == "postgresql"

    def look():
        try:
            clients = Client.objects.count() if postgres else 0
            seen.append((Job.objects.get(pk=job.pk).done, clients))
        except Exception as exc:  # shown by the assertion below
            seen.append(exc)
        finally:
            connections.close_all()

    tick = iter(range(10**6))
    tracker = JobProgress(job, clock=lambda: float(next(tick)))  # no throttling here

    at = []

    class Spy:
        def phase(self, phase):
            tracker.phase(phase)

        def __call__(self, done, total):
            tracker(done, total)
            if done >= 10 and not seen:
                at.append(done)
                assert transaction.get_connection().in_atomic_block
                thread = threading.Thread(target=look)
                thread.start()
                thread.join()

    progress.import_work(job, Spy())

    assert seen == [(at[0], 0)]  # the progress was visible, none of the import's rows were
    assert Client.objects.count() == 2


WORKER_SCRIPT = """
import sys, time
from pathlib import Path
import django
django.setup()
from django.conf import settings
settings.JOBS_UPLOAD_DIR = Path(sys.argv[1])
from atbalsts.jobs.services import JobProgress
real = JobProgress.__call__
def slowly(self, done, total):
    time.sleep(0.3)
    real(self, done, total)
JobProgress.__call__ = slowly
from django.core.management import call_command
call_command("jobs_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0")
"""


def test_a_worker_process_killed_mid_import_leaves_nothing(
    require_postgres, head, balvi, accountant, _uploads
):
    """A real worker process, killed with SIGKILL while it writes the rows (PostgreSQL: the
    process must reach the test's database)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from django.conf import settings as django_settings

    job = _start(head, balvi)  # autocommit: queued at once
    before = counts()  # (with the job's start in the audit log)
    db = django_settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    worker = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", WORKER_SCRIPT, str(_uploads)],
        env=env,
        cwd=django_settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.phase == "writing" and job.done >= 3:
                break
            assert worker.poll() is None, "the worker ended before it was killed"
            time.sleep(0.1)
        else:
            pytest.fail("the worker never started writing")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert counts() == before  # PostgreSQL rolled the dead connection's transaction back
    assert sweep(now=timezone.now() + dt.timedelta(minutes=10)) == 1
    job.refresh_from_db()
    assert (job.status, job.message) == (
        JobStatus.FAILED,
        "Darbs pārtrūka: apstrādes process apstājās.",
    )
    assert list(_uploads.iterdir()) == []
    # the run the import wrote before its transaction, and the queue's row, are closed too
    assert ImportRun.objects.get().status == RunStatus.REJECTED
    assert DBTaskResult.objects.get(pk=job.task_id).status == "FAILED"
