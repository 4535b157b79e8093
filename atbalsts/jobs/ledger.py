"""The ledger rebuild as a background job: the administrator starts it (the jobs page's
button, after a confirmation, or `manage.py ledger_rebuild`); the worker recomputes the
report roll-ups from the monthly spend ledger (billing.ledger.rebuild) in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from atbalsts.core.errors import NotPermitted
from atbalsts.core.policies import Action

from .models import Job
from .policies import job_policy
from .services import JobFailed, JobProgress, job_create
from .tasks import LEDGER_REBUILD

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

REBUILDING = "rebuilding"


def ledger_rebuild_start(*, actor: Actor, enqueue: bool = True) -> Job:
    """Queue the rebuild; only an administrator may (NotPermitted for anybody else)."""
    job_policy.require(actor, Action.CREATE, LEDGER_REBUILD)
    return job_create(
        actor=actor, kind=LEDGER_REBUILD, title=_("Visas pašvaldības"), enqueue=enqueue
    )


def rebuild_work(job: Job, progress: JobProgress) -> dict[str, Any]:
    from atbalsts.billing.ledger import rebuild
    from atbalsts.billing.models import ClientMonths, ServiceMonths, SpendSummary

    if job.actor_id is not None:  # started by a user (not from the command line)
        actor = get_user_model().objects.filter(pk=job.actor_id, is_active=True).first()
        if actor is None or not job_policy.can(actor, Action.CREATE, LEDGER_REBUILD):
            raise JobFailed(str(NotPermitted.default_message))
    progress.phase(REBUILDING)
    with transaction.atomic():  # all or nothing, and the counts of what it wrote
        rebuild(progress=progress)
        return {
            "summary_rows": SpendSummary.objects.count(),
            "service_month_rows": ServiceMonths.objects.count(),
            "client_month_rows": ClientMonths.objects.count(),
        }
