"""The bundle import as a background job: started by the page or the API, run by the worker.

The request stores the uploaded files (atbalsts/jobs/uploads.py), records a Job and returns at
once; the worker runs `import_work`, which calls the bundle_import service with a progress
callback writing to the Job (through the jobs connection, readable while the import's own
transaction is open). The Job's result is the report (counts); a rejected bundle fails the
job with every row error. The page and the API read the Job back (`job_state`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from atbalsts.core.errors import DomainError, NotPermitted
from atbalsts.jobs.models import Job
from atbalsts.jobs.services import JobFailed, JobProgress, job_create
from atbalsts.jobs.state import DONE, QUEUED, REJECTED, JobState
from atbalsts.jobs.state import job_state as shared_job_state
from atbalsts.jobs.tasks import BUNDLE_IMPORT
from atbalsts.jobs.uploads import uploads_read, uploads_save
from atbalsts.people.models import Municipality

from .errors import BundleRejected
from .policies import bundle_policy
from .services import bundle_import

if TYPE_CHECKING:
    from collections.abc import Sequence

    from atbalsts.core.actors import Actor

KIND = BUNDLE_IMPORT

CHECKING = "checking"  # reading the files and checking every row
WRITING = "writing"  # every row checked; saving them, `done` of `total`
PHASES = {
    QUEUED: _("Gaida, kad sāksies apstrāde"),
    CHECKING: _("Lasa un pārbauda failus"),
    WRITING: _("Saglabā rindas"),
    DONE: _("Imports pabeigts"),
    REJECTED: _("Imports neizdevās"),
}


# --- in the request ----------------------------------------------------------------------------


def import_start(
    *,
    actor: Actor,
    municipality: Municipality,
    files: Sequence[tuple[str, bytes]],
) -> Job:
    """Store the files and queue their import; the same permission as the import itself."""
    bundle_policy.require_import(actor, municipality)
    params: dict[str, Any] = uploads_save(files)
    params |= {"municipality_id": municipality.pk}
    return job_create(
        actor=actor,
        kind=KIND,
        title=", ".join(name for name, _c in files),
        params=params,
        municipality=municipality,
    )


# --- in the worker -----------------------------------------------------------------------------


def import_work(job: Job, progress: JobProgress) -> dict[str, Any]:
    """The task's work: the import, as the user who started it, with the job's progress."""
    users = get_user_model().objects.filter(is_active=True)
    actor = users.filter(pk=job.actor_id or 0).first()
    municipality = Municipality.objects.filter(pk=job.params.get("municipality_id")).first()
    if actor is None or municipality is None:
        raise JobFailed(str(NotPermitted.default_message))
    files = uploads_read(job.params)
    progress.phase(CHECKING)
    writing = False

    def saved(done: int, total: int) -> None:
        nonlocal writing
        if not writing:
            writing = True
            progress.phase(WRITING)
        progress(done, total)

    try:
        report = bundle_import(actor=actor, municipality=municipality, files=files, progress=saved)
    except BundleRejected as exc:
        raise JobFailed(str(exc.message), [row.as_dict() for row in exc.rows]) from exc
    except DomainError as exc:
        errors = [
            {"sheet": "", "row": 0, "column": column, "message": str(message)}
            for column, messages in exc.field_errors.items()
            for message in messages
        ]
        raise JobFailed(str(exc.message), errors) from exc
    return report.as_dict()


# --- what the page and the API show ------------------------------------------------------------


def job_state(job: Job) -> JobState:
    return shared_job_state(job, PHASES)


def job_totals(job: Job) -> dict[str, int]:
    """A finished import's rows created, updated and unchanged over every sheet."""
    totals = {"created": 0, "updated": 0, "unchanged": 0}
    for counts in ((job.result or {}).get("counts") or {}).values():
        for outcome in totals:
            totals[outcome] += int(counts.get(outcome, 0))
    return totals
