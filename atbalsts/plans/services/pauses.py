"""Pausing a plan line for a while (a hospital stay, a holiday): from its start to its end no
session of the line is accepted, the calendar plans none, the letters show the pause and the
forecast leaves the paused days out (`plans.selectors.pauses`)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_for_client
from atbalsts.core.dates import dmy
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    choice_field,
    date_field,
    raise_if_errors,
    refuse_unknown,
    text_field,
)

from ..models import PlanLine, SupportPlan
from ..pause_models import PauseReason, PlanLinePause
from ..policies import plan_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

PAUSE_FIELDS = ("line_key", "start", "end", "reason", "note")


def _line(plan: SupportPlan, value: object, errors: dict[str, list[str]]) -> PlanLine | None:
    """The newest version's line with this key (a key stays the same in every version)."""
    try:
        key = uuid.UUID(str(value))
    except ValueError:
        key = None
    line = (
        PlanLine.objects.filter(version__plan=plan, key=key)
        .select_related("service_type")
        .order_by("-version__number")
        .first()
        if key is not None
        else None
    )
    if line is None:
        add_error(errors, "line_key", _("Izvēlieties pakalpojumu no šī plāna."))
    return line


def _check_period(
    plan: SupportPlan,
    line: PlanLine,
    start: dt.date,
    end: dt.date,
    errors: dict[str, list[str]],
    exclude: int | None = None,
) -> None:
    if end < start:
        add_error(errors, "end", _("Beigu datums nevar būt pirms sākuma datuma."))
        return
    if start < line.start or end > line.end:
        add_error(
            errors,
            "start",
            _("Pārtraukumam jābūt pakalpojuma periodā (%(start)s–%(end)s).")
            % {"start": dmy(line.start), "end": dmy(line.end)},
        )
        return
    overlapping = PlanLinePause.objects.filter(
        plan=plan, line_key=line.key, start__lte=end, end__gte=start
    )
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude)
    other = overlapping.first()
    if other is not None:
        add_error(
            errors,
            "start",
            _("Šim pakalpojumam jau ir pārtraukums %(start)s–%(end)s.")
            % {"start": dmy(other.start), "end": dmy(other.end)},
        )


def _audit(actor: Actor, event: AuditEventType, pause: PlanLinePause, plan: SupportPlan) -> None:
    audit_for_client(
        actor,
        event,
        pause,
        plan.client,
        {
            "line_key": str(pause.line_key),
            "start": pause.start.isoformat(),
            "end": pause.end.isoformat(),
            "reason": pause.reason,
        },
    )


@transaction.atomic
def line_pause(*, actor: Actor, plan: SupportPlan, data: Mapping[str, object]) -> PlanLinePause:
    """Pause one line of the plan from `start` to `end` for a reason (a note for another)."""
    refuse_unknown(data, PAUSE_FIELDS)
    plan = SupportPlan.objects.select_related("client").get(pk=plan.pk)
    plan_policy.require(actor, Action.CHANGE, plan)
    errors: dict[str, list[str]] = {}
    line = _line(plan, data.get("line_key"), errors)
    start = date_field(data.get("start"), "start", errors)
    end = date_field(data.get("end"), "end", errors)
    reason = choice_field(data.get("reason"), "reason", errors, PauseReason, required=True)
    note = text_field(data.get("note"), "note", errors, limit=500)
    if reason == PauseReason.OTHER and not note and "note" not in errors:
        add_error(errors, "note", _("Citam iemeslam ierakstiet paskaidrojumu."))
    if line is not None and start is not None and end is not None:
        _check_period(plan, line, start, end, errors)
    raise_if_errors(errors)
    if line is None or start is None or end is None:  # pragma: no cover - reported above
        raise ValidationFailed({"start": [_("Obligāts lauks.")]})
    pause = PlanLinePause.objects.create(
        plan=plan,
        line_key=line.key,
        service_type=line.service_type,
        start=start,
        end=end,
        reason=reason,
        note=note,
        created_by=actor,
    )
    _audit(actor, AuditEventType.PLAN_LINE_PAUSED, pause, plan)
    return pause


@transaction.atomic
def line_pause_end(*, actor: Actor, pause: PlanLinePause, end: object) -> PlanLinePause:
    """Move a pause's end (the person came home earlier, or stays longer)."""
    pause = PlanLinePause.objects.select_for_update().get(pk=pause.pk)
    plan = SupportPlan.objects.select_related("client").get(pk=pause.plan_id)
    plan_policy.require(actor, Action.CHANGE, plan)
    errors: dict[str, list[str]] = {}
    day = date_field(end, "end", errors)
    line = _line(plan, pause.line_key, errors)
    if day is not None and line is not None:
        _check_period(plan, line, pause.start, day, errors, exclude=pause.pk)
    raise_if_errors(errors)
    if day is None:  # pragma: no cover - reported above
        raise ValidationFailed({"end": [_("Obligāts lauks.")]})
    pause.end = day
    pause.save(update_fields=["end", "updated_at"])
    _audit(actor, AuditEventType.PLAN_LINE_PAUSE_CHANGED, pause, plan)
    return pause
