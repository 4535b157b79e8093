"""Starting jobs, running them in the worker, and sweeping up jobs whose worker died.

A job's work runs in the worker process, usually in one transaction on the default
connection. Everything this module writes about the job (status, progress, result) goes
through the `jobs` alias (atbalsts/jobs/router.py), so a web request on any host reads it while
that transaction is still open.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.errors import NotPermitted

from .models import Job, JobStatus
from .outputs import output_delete, outputs_sweep
from .uploads import uploads_remove

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor
    from atbalsts.people.models import Municipality

logger = logging.getLogger("atbalsts.jobs")

FAILED = gettext_lazy(
    "Darbs neizdevās negaidītas kļūdas dēļ; nekas netika saglabāts. Mēģiniet vēlreiz, un, ja "
    "kļūda atkārtojas, ziņojiet sistēmas administratoram."
)
INTERRUPTED = gettext_lazy("Darbs pārtrūka: apstrādes process apstājās.")
NOT_QUEUED = gettext_lazy("Darbu neizdevās nodot apstrādei. Mēģiniet vēlreiz.")

THROTTLE_SECONDS = 0.5  # progress written at most this often (and always the first and last)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def heartbeat_seconds() -> float:
    return _setting("JOBS_HEARTBEAT_SECONDS", 30)


def default_stale_after() -> dt.timedelta:
    """A running job silent for this long has lost its worker."""
    return dt.timedelta(seconds=_setting("JOBS_STALE_AFTER_SECONDS", 5 * 60))


def default_queued_after() -> dt.timedelta:
    """A job still waiting for a worker after this long is given up."""
    return dt.timedelta(seconds=_setting("JOBS_QUEUED_STALE_AFTER_SECONDS", 24 * 60 * 60))


class JobFailed(Exception):
    """Raised by a job's work to end it failed with a message for the user and, for an
    import, the row errors."""

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []


# --- in the web request ------------------------------------------------------------------------


def job_create(
    *,
    actor: Actor,
    kind: str,
    title: str = "",
    params: Mapping[str, Any] | None = None,
    municipality: Municipality | None = None,
    enqueue: bool = True,
) -> Job:
    """Record a job and hand its task to the worker once the caller's transaction commits.
    The caller has asked its domain's policy whether the actor may start this work; `kind`
    names a task in `atbalsts.jobs.tasks.TASKS`. With `enqueue=False` the caller runs it in
    its own process (`run_job`), as `manage.py ledger_rebuild --now` does."""
    from .tasks import TASKS

    if not actor.is_authenticated or not actor.is_active:
        raise NotPermitted()
    task = TASKS[kind]
    job = Job.objects.create(
        kind=kind,
        actor_id=actor.pk,
        municipality_id=municipality.pk if municipality is not None else None,
        title=title[:200],
        params=dict(params or {}),
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.JOB_CREATED,
        subject=job,
        municipality_id=job.municipality_id,
        extra_data={"kind": kind, "title": job.title},
    )

    def put() -> None:
        try:
            result = task.enqueue(job.pk)
        except Exception as exc:  # the queue's database is down: the job cannot start
            logger.error("job %s (%s) could not be enqueued: %s", job.pk, kind, type(exc).__name__)
            job_fail(job, str(NOT_QUEUED))
            return
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])

    if enqueue:
        transaction.on_commit(put)
    return job


def job_create_system(
    *, kind: str, title: str = "", params: Mapping[str, Any] | None = None, enqueue: bool = True
) -> Job:
    """A job nobody signed in started (a management command, the schedule): no user's page
    lists it; the administrator sees it. With `enqueue=False` the caller runs it itself
    (`run_job` in its own process)."""
    from .tasks import TASKS

    task = TASKS[kind]
    job = Job.objects.create(kind=kind, title=title[:200], params=dict(params or {}))
    audit_record(
        actor=None,
        event_type=AuditEventType.JOB_CREATED,
        subject=job,
        extra_data={"kind": kind, "title": job.title},
    )
    if enqueue:

        def put() -> None:
            result = task.enqueue(job.pk)
            Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])

        transaction.on_commit(put)
    return job


# --- in the worker -----------------------------------------------------------------------------


class JobProgress:
    """A job's progress as its work reports it: `phase(name)` at each step, then it is the
    `progress(done, total)` callback of the work (written at most every THROTTLE_SECONDS,
    always the first and the last row)."""

    def __init__(self, job: Job, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.job = job
        self.clock = clock
        self.last_write: float | None = None

    def _write(self, **fields: Any) -> None:
        fields["heartbeat_at"] = timezone.now()
        Job.objects.filter(pk=self.job.pk).update(**fields)
        for name, value in fields.items():
            setattr(self.job, name, value)

    def phase(self, phase: str) -> None:
        self._write(phase=phase)

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        first = self.last_write is None
        if first or done >= total or now - (self.last_write or 0.0) >= THROTTLE_SECONDS:
            self.last_write = now
            self._write(done=done, total=total)


class _Heartbeat(threading.Thread):
    """Writes the job's heartbeat while its work runs: a job whose heartbeat stops (the
    process was killed) is marked failed by the sweep."""

    def __init__(self, job_id: int, every: float) -> None:
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id = job_id
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError as exc:
                    logger.warning("job %s heartbeat not written: %s", self.job_id, exc)
        finally:
            connections.close_all()  # this thread's own connections

    def stop(self) -> None:
        self.stopped.set()


Work = Callable[[Job, JobProgress], Mapping[str, Any] | None]


def run_job(job_id: int, work: Work) -> None:
    """What every task does: take the queued job, run `work(job, progress)`, and record how it
    ended. `work` returns the result to keep (a report); it raises JobFailed with a message for
    the user. Any other exception fails the job with a general message: its traceback goes to
    the log (without the exception's text, which may quote personal data), never to the user.
    The job's uploaded files are deleted however it ends."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not claimed:
        logger.warning("job %s is not waiting to run; skipped", job_id)
        return
    heartbeat = _Heartbeat(job.pk, heartbeat_seconds())
    heartbeat.start()
    try:
        result = work(job, JobProgress(job))
    except JobFailed as exc:
        output_delete(job)
        job_fail(job, exc.message, exc.errors)
    except Exception as exc:
        logger.error(
            "job %s (%s) failed: %s\n%s",
            job.pk,
            job.kind,
            type(exc).__name__,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        output_delete(job)
        job_fail(job, str(FAILED))
    except BaseException:  # the worker is being stopped in the middle of the work
        output_delete(job)
        job_fail(job, str(INTERRUPTED))
        raise
    else:
        job_finish(job, dict(result or {}))
    finally:
        heartbeat.stop()
        uploads_remove(job.params)


def job_finish(job: Job, result: dict[str, Any]) -> None:
    fields: dict[str, Any] = {
        "status": JobStatus.DONE,
        "result": result,
        "phase": "",
        "finished_at": timezone.now(),
    }
    if job.total:
        fields["done"] = job.total
    Job.objects.filter(pk=job.pk).update(**fields)


def job_output_downloaded(*, actor: Actor, job: Job) -> None:
    """Record that the job's user took its file (the download view calls this)."""
    audit_record(
        actor=actor,
        event_type=AuditEventType.JOB_OUTPUT_DOWNLOADED,
        subject=job,
        municipality_id=job.municipality_id,
        extra_data={"kind": job.kind, "file": job.output_name},
    )


def job_fail(job: Job, message: str, errors: list[dict[str, Any]] | None = None) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        message=message[:300],
        errors=errors or [],
        finished_at=timezone.now(),
    )


# --- the sweep ---------------------------------------------------------------------------------


def sweep(
    *,
    stale_after: dt.timedelta | None = None,
    queued_after: dt.timedelta | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Mark failed the jobs whose worker died: running with no heartbeat for `stale_after`,
    or still queued after `queued_after`. Their work's transaction was rolled back when its
    process ended, so nothing of it is written; their queue rows are marked failed and their
    kind's hooks (`on_interrupted`) told. Then delete job files older than
    JOBS_OUTPUT_KEEP_DAYS. Returns how many jobs were marked."""
    now = now or timezone.now()
    running_cutoff = now - (stale_after if stale_after is not None else default_stale_after())
    queued_cutoff = now - (queued_after if queued_after is not None else default_queued_after())
    dead = Job.objects.filter(
        Q(status=JobStatus.RUNNING, heartbeat_at__lt=running_cutoff)
        | Q(status=JobStatus.RUNNING, heartbeat_at__isnull=True, started_at__lt=running_cutoff)
        | Q(status=JobStatus.QUEUED, created_at__lt=queued_cutoff)
    )
    marked = 0
    for job in dead:
        marked += Job.objects.filter(pk=job.pk, status=job.status).update(
            status=JobStatus.FAILED,
            message=str(INTERRUPTED),
            finished_at=now,
        )
        _interrupted(job)
        output_delete(job)
        uploads_remove(job.params)
    if marked:
        logger.warning("jobs sweep: %s job(s) marked failed (worker stopped)", marked)
    removed = outputs_sweep(now=now)
    if removed:
        logger.info("jobs sweep: %s old job file(s) deleted", removed)
    return marked


# A job's kind → what else to mark when its worker died (a bundle import's ImportRun).
Interrupted = Callable[[Job], None]
INTERRUPTED_HOOKS: dict[str, list[Interrupted]] = {}


def on_interrupted(kind: str) -> Callable[[Interrupted], Interrupted]:
    """Register `hook(job)`, called by the sweep for each job of `kind` it marks failed."""

    def register(hook: Interrupted) -> Interrupted:
        hooks = INTERRUPTED_HOOKS.setdefault(kind, [])
        if hook not in hooks:
            hooks.append(hook)
        return hook

    return register


def _interrupted(job: Job) -> None:
    """The queue's row of the task, and whatever the job's kind keeps of the attempt, are
    marked failed too. A hook that fails is logged; the sweep goes on."""
    _task_failed(job)
    for hook in INTERRUPTED_HOOKS.get(job.kind, []):
        try:
            hook(job)
        except Exception as exc:
            logger.error("jobs sweep: hook for job %s failed: %s", job.pk, type(exc).__name__)


def _task_failed(job: Job) -> None:
    """django-tasks-db's row of the job's task (Job.task_id), if that backend is in use."""
    if not job.task_id:
        return
    try:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend (RQ): its queue keeps its own record
        return
    try:
        task_id = uuid.UUID(job.task_id)
    except ValueError:  # an id of another backend
        return
    try:
        DBTaskResult.objects.filter(pk=task_id).exclude(
            status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
        ).update(status=TaskResultStatus.FAILED, finished_at=timezone.now())
    except DatabaseError as exc:  # the backend's table is not there
        logger.warning("jobs sweep: task %s not marked: %s", job.task_id, type(exc).__name__)
