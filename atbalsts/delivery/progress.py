"""Providers' monthly session imports as a background job, started by the page or the API and
run by the worker.

The request stores the file (atbalsts/jobs/uploads.py), records a Job and returns at once; the
worker runs `import_work`, which calls the sessions_import service as the user who started it,
with a progress callback writing to the Job (through the jobs connection, readable while the
import's own transaction is open). All or nothing stays: a rejected file fails the job with
every row error and nothing is written. Both the start and the work ask
`delivery_policy.may_import_sessions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from atbalsts.core.errors import DomainError, NotPermitted, ValidationFailed
from atbalsts.jobs.models import Job, JobStatus
from atbalsts.jobs.services import JobFailed, JobProgress, job_create
from atbalsts.jobs.state import DONE, QUEUED, REJECTED, JobState
from atbalsts.jobs.state import job_state as shared_job_state
from atbalsts.jobs.tasks import SESSIONS_IMPORT
from atbalsts.jobs.uploads import uploads_read, uploads_save

from .errors import ImportFailed
from .policies import delivery_policy
from .services import sessions_import
from .tabular import MAX_BYTES

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

KIND = SESSIONS_IMPORT

CHECKING = "checking"
PHASES = {
    QUEUED: _("Gaida, kad sāksies apstrāde"),
    CHECKING: _("Pārbauda un saglabā rindas"),
    DONE: _("Imports pabeigts"),
    REJECTED: _("Imports neizdevās"),
}
REJECTED_MESSAGE = _("Imports neizdevās: nekas netika saglabāts. Izlabojiet kļūdas failā.")


# --- in the request ----------------------------------------------------------------------------


def import_start(*, actor: Actor, name: str, content: bytes) -> Job:
    """Store the file and queue its import; the same permission as the import itself."""
    if not delivery_policy.may_import_sessions(actor):
        raise NotPermitted()
    if not content:
        raise ValidationFailed({"file": [_("Fails ir tukšs.")]})
    if len(content) > MAX_BYTES:
        raise ValidationFailed(
            {"file": [_("Fails ir lielāks par %(mb)s MB; sadaliet to.") % {"mb": MAX_BYTES >> 20}]}
        )
    params: dict[str, Any] = uploads_save([(name, content)])
    return job_create(
        actor=actor,
        kind=KIND,
        title=name,
        params=params,
        municipality=getattr(actor, "municipality", None),
    )


# --- in the worker -----------------------------------------------------------------------------


def import_work(job: Job, progress: JobProgress) -> dict[str, Any]:
    """The task's work: the import as the user who started it (asked again by the service)."""
    actor = get_user_model().objects.filter(is_active=True, pk=job.actor_id or 0).first()
    if actor is None or not delivery_policy.may_import_sessions(actor):
        raise JobFailed(str(NotPermitted.default_message))
    ((name, content),) = uploads_read(job.params)
    progress.phase(CHECKING)
    try:
        return sessions_import(actor=actor, name=name, content=content, progress=progress)
    except ImportFailed as exc:
        raise JobFailed(str(REJECTED_MESSAGE), list(exc.rows)) from exc
    except DomainError as exc:
        errors = [
            {"sheet": name, "row": 0, "field": column, "message": str(message)}
            for column, messages in exc.field_errors.items()
            for message in messages
        ]
        raise JobFailed(str(exc.message), errors) from exc


# --- what the page and the API show ------------------------------------------------------------


def job_state(job: Job) -> JobState:
    return shared_job_state(job, PHASES)


def job_json(job: Job) -> dict[str, Any]:
    """What the API answers about one import: status, progress, the counts or the errors."""
    state = job_state(job)
    return {
        "run": job.pk,
        "status": job.status,
        "phase": state.phase if job.status == JobStatus.RUNNING else "",
        "done": state.done,
        "total": state.total,
        "report": state.report,
        "message": job.message,
        "rows": job.errors,
    }
