"""Emergency situations a municipality declares: while one lasts, any service may be remote."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    date_field,
    raise_if_errors,
    refuse_unknown,
    text_field,
)
from atbalsts.people.models import Municipality

from ..models import EmergencySituation
from ..policies import municipal_rule_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor


@transaction.atomic
def emergency_declare(
    *, actor: Actor, municipality: Municipality, data: Mapping[str, object]
) -> EmergencySituation:
    refuse_unknown(data, ("start", "end", "reason"))
    municipal_rule_policy.require(actor, Action.CREATE, municipality)
    errors: dict[str, list[str]] = {}
    start = date_field(data.get("start"), "start", errors)
    end = date_field(data.get("end"), "end", errors, required=False)
    reason = text_field(data.get("reason"), "reason", errors, limit=500, required=True)
    if start and end and end < start:
        add_error(errors, "end", _("Beigu datums nevar būt pirms sākuma datuma."))
    raise_if_errors(errors)
    if start is None:  # pragma: no cover - reported above
        raise ValidationFailed({"start": [_("Obligāts lauks.")]})
    overlapping = EmergencySituation.objects.filter(municipality=municipality).filter(
        models.Q(end__isnull=True) | models.Q(end__gte=start)
    )
    if end is not None:
        overlapping = overlapping.filter(start__lte=end)
    if overlapping.exists():
        raise ValidationFailed(
            {"start": [_("Šajā laikā pašvaldībā jau ir izsludināta ārkārtas situācija.")]}
        )
    emergency = EmergencySituation.objects.create(
        municipality=municipality, start=start, end=end, reason=reason, declared_by=actor
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.DELIVERY_EMERGENCY_DECLARED,
        subject=emergency,
        municipality_id=municipality.pk,
        extra_data={"start": start.isoformat(), "end": end.isoformat() if end else None},
    )
    return emergency


@transaction.atomic
def emergency_end(
    *, actor: Actor, emergency: EmergencySituation, end: object
) -> EmergencySituation:
    municipal_rule_policy.require(actor, Action.CHANGE, emergency)
    emergency = EmergencySituation.objects.select_for_update().get(pk=emergency.pk)
    errors: dict[str, list[str]] = {}
    day = date_field(end, "end", errors)
    if day is not None and day < emergency.start:
        add_error(errors, "end", _("Beigu datums nevar būt pirms sākuma datuma."))
    if emergency.end is not None and day is not None and day > emergency.end:
        add_error(errors, "end", _("Ārkārtas situācija jau beidzas agrāk."))
    raise_if_errors(errors)
    emergency.end = day
    emergency.ended_by = actor
    emergency.save(update_fields=["end", "ended_by", "updated_at"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.DELIVERY_EMERGENCY_ENDED,
        subject=emergency,
        municipality_id=emergency.municipality_id,
        extra_data={"end": day.isoformat() if day else None},
    )
    return emergency
