"""The steps every change of a draft shares: locking it at the revision the caller read,
counting the revision, and checking the plan's period."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from atbalsts.core.errors import Conflict, ValidationFailed
from atbalsts.core.validation import add_error

from ..errors import PlanNotDraft
from ..models import PlanStatus, PlanVersion
from ..spread import months_between

MAX_PLAN_MONTHS = 36


def lock_draft(version: PlanVersion, revision: object) -> PlanVersion:
    """The version, locked, if it is still a draft at the revision the caller read."""
    locked = (
        PlanVersion.objects.select_for_update()
        .select_related("plan", "plan__client", "plan__client__municipality")
        .get(pk=version.pk)
    )
    if locked.status != PlanStatus.DRAFT:
        raise PlanNotDraft()
    if isinstance(revision, bool) or not isinstance(revision, int | str):
        raise ValidationFailed({"revision": [_("Nav norādīta redakcija.")]})
    try:
        stale = int(revision) != locked.revision
    except ValueError as exc:
        raise ValidationFailed({"revision": [_("Nav norādīta redakcija.")]}) from exc
    if stale:
        raise Conflict()
    return locked


def bump_revision(version: PlanVersion) -> None:
    version.revision += 1
    version.save(update_fields=["revision", "updated_at"])


def check_period(start: dt.date | None, end: dt.date | None, errors: dict[str, list[str]]) -> None:
    if start and end:
        if end < start:
            add_error(errors, "end", _("Beigu datums nevar būt pirms sākuma datuma."))
        elif months_between(start, end) > MAX_PLAN_MONTHS:
            add_error(
                errors,
                "end",
                _("Plāns nevar būt garāks par %(n)s mēnešiem.") % {"n": MAX_PLAN_MONTHS},
            )
