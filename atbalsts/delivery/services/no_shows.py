"""The municipality's no-show rule: the share of the price paid for a no-show without notice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.money import round_money
from atbalsts.core.policies import Action
from atbalsts.core.validation import date_field, decimal_field, raise_if_errors, refuse_unknown
from atbalsts.people.models import Municipality

from ..models import NoShowRule
from ..policies import municipal_rule_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor


@transaction.atomic
def no_show_rule_create(
    *, actor: Actor, municipality: Municipality, data: Mapping[str, object]
) -> NoShowRule:
    """A new share for no-shows without notice from a date; the open rule before it ends the
    day before (rules are dated, never overwritten)."""
    refuse_unknown(data, ("share_percent", "valid_from"))
    municipal_rule_policy.require(actor, Action.CREATE, municipality)
    errors: dict[str, list[str]] = {}
    share = decimal_field(
        data.get("share_percent"),
        "share_percent",
        errors,
        high=Decimal("100"),
        required=True,
        message=str(
            _("Daļai jābūt skaitlim no 0 līdz 100 ar ne vairāk kā diviem cipariem aiz komata.")
        ),
    )
    valid_from = date_field(data.get("valid_from"), "valid_from", errors)
    raise_if_errors(errors)
    if valid_from is None or share is None:  # pragma: no cover - reported above
        raise ValidationFailed({"valid_from": [_("Obligāts lauks.")]})
    share = round_money(share)
    rules = NoShowRule.objects.select_for_update().filter(municipality=municipality)
    if rules.filter(valid_from__gte=valid_from).exists():
        raise ValidationFailed(
            {"valid_from": [_("Jaunam noteikumam jāsākas pēc pēdējā noteikuma sākuma datuma.")]}
        )
    for previous in rules.filter(valid_to__isnull=True) | rules.filter(valid_to__gte=valid_from):
        previous.valid_to = valid_from - dt.timedelta(days=1)
        previous.save(update_fields=["valid_to", "updated_at"])
    rule = NoShowRule.objects.create(
        municipality=municipality, share_percent=share, valid_from=valid_from, created_by=actor
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.DELIVERY_NO_SHOW_RULE_CREATED,
        subject=rule,
        municipality_id=municipality.pk,
        extra_data={"share_percent": str(share), "valid_from": valid_from.isoformat()},
    )
    return rule
