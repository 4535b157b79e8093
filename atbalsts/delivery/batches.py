"""All attendance sheets of a month in one PDF, as a background job: a provider's (its staff)
or a municipality's (its social workers and head). The page says how many sheets the month
has before the user starts it; the worker renders them a few at a time, reports sheets done
of all, and leaves the PDF for the user who started it (jobs.outputs, downloaded from "Mani
fona darbi"). The scope is asked of `delivery_policy.attendance_batch_scope` when queuing and
again in the worker."""

from __future__ import annotations

import datetime as dt
from itertools import islice
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from atbalsts.core.dates import iso_month, month_start, my
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.jobs.models import Job
from atbalsts.jobs.outputs import output_write
from atbalsts.jobs.services import JobFailed, JobProgress, job_create
from atbalsts.jobs.tasks import ATTENDANCE_SHEETS

from .documents import merge_pdfs, month_sessions, sheet_count, sheets_from, sheets_pdf
from .policies import delivery_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor, Viewer

KIND = ATTENDANCE_SHEETS
RENDERING = "rendering"
CHUNK = 20  # sheets rendered in one go (WeasyPrint's start-up cost shared, memory bounded)


def _scope_filters(scope: tuple[str, int]) -> dict[str, int | None]:
    kind, pk = scope
    return {
        "provider_id": pk if kind == "provider" else None,
        "municipality_id": pk if kind == "municipality" else None,
    }


def sheets_preview(*, user: Viewer, month: dt.date) -> int:
    """How many sheets the user's batch for the month would hold; NotPermitted without one."""
    scope = delivery_policy.attendance_batch_scope(user)
    if scope is None:
        raise NotPermitted()
    return sheet_count(user=user, month=month_start(month), **_scope_filters(scope))


def sheets_start(*, actor: Actor, month: dt.date) -> Job:
    """Queue the month's sheets as one PDF; refused when the month has none."""
    scope = delivery_policy.attendance_batch_scope(actor)
    if scope is None:
        raise NotPermitted()
    first = month_start(month)
    if not sheet_count(user=actor, month=first, **_scope_filters(scope)):
        raise ValidationFailed({"month": [_("Šajā mēnesī nav reģistrētu nodarbību.")]})
    return job_create(
        actor=actor,
        kind=KIND,
        title=_("Apmeklējuma lapas, %(month)s") % {"month": my(first)},
        params={"month": iso_month(first), "scope": list(scope)},
        municipality=getattr(actor, "municipality", None),
    )


def sheets_work(job: Job, progress: JobProgress) -> dict[str, Any]:
    actor = get_user_model().objects.filter(is_active=True, pk=job.actor_id or 0).first()
    scope = delivery_policy.attendance_batch_scope(actor) if actor is not None else None
    if actor is None or scope is None or list(scope) != job.params.get("scope"):
        raise JobFailed(str(NotPermitted.default_message))
    month = dt.date.fromisoformat(f"{job.params['month']}-01")
    filters = _scope_filters(scope)
    total = sheet_count(user=actor, month=month, **filters)
    progress.phase(RENDERING)
    progress(0, total)
    sessions = month_sessions(
        user=actor,
        month=month,
        provider_id=filters["provider_id"],
        municipality_id=filters["municipality_id"],
    )
    sheets = sheets_from(sessions, month)
    parts: list[bytes] = []
    done = 0
    while chunk := list(islice(sheets, CHUNK)):
        parts.append(sheets_pdf(chunk))
        done += len(chunk)
        progress(done, max(total, done))
    if not done:
        raise JobFailed(_("Šajā mēnesī nav reģistrētu nodarbību."))
    output_write(job, f"apmeklejuma-lapas-{iso_month(month)}.pdf", merge_pdfs(parts))
    return {"documents": done, "month": iso_month(month)}
