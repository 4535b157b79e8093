"""The programme's money: co-financing splits of a funding source and the envelopes allotted
to each municipality, target group and year. Set by the ministry (analysts) or an
administrator; dated or versioned through the audit log, never silently overwritten."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.validation import (
    add_error,
    choice_field,
    date_field,
    decimal_field,
    int_field,
    raise_if_errors,
    text_field,
)
from atbalsts.people.models import Municipality, TargetGroup
from atbalsts.plans.models import FundingSource

from ..policies import BillingAction, billing_policy
from ..programme_models import CoFinancing, CoFinancingShare, Envelope
from .inputs import MAX_QUANTITY

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

MAX_SHARES = 10
PAYER_MAX = 200
NOTE_MAX = 500


def _shares(value: object, errors: dict[str, list[str]]) -> list[tuple[str, Decimal]]:
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        add_error(errors, "shares", _("Norādiet vismaz vienu maksātāju un tā daļu."))
        return []
    if len(value) > MAX_SHARES:
        add_error(errors, "shares", _("Ne vairāk kā %(n)s maksātāji.") % {"n": MAX_SHARES})
        return []
    result: list[tuple[str, Decimal]] = []
    for i, item in enumerate(value):
        data: Mapping[str, Any] = item if isinstance(item, Mapping) else {}
        payer = text_field(
            data.get("payer"), f"shares.{i}.payer", errors, limit=PAYER_MAX, required=True
        )
        percent = decimal_field(
            data.get("percent"),
            f"shares.{i}.percent",
            errors,
            high=Decimal(100),
            positive=True,
            money=False,
            required=True,
        )
        if payer and any(payer == seen for seen, _p in result):
            add_error(errors, f"shares.{i}.payer", _("Šis maksātājs jau ir norādīts."))
        elif payer and percent is not None:
            result.append((payer, percent))
    if len(result) == len(value) and sum(p for _n, p in result) != 100:
        add_error(
            errors,
            "shares",
            _("Daļu summai jābūt tieši 100 %%; tagad tā ir %(sum)s %%.")
            % {"sum": sum(p for _n, p in result)},
        )
    return result


@transaction.atomic
def co_financing_set(
    *,
    actor: Actor,
    funding_source: object,
    valid_from: object,
    shares: object,
    municipality: Municipality | None = None,
) -> CoFinancing:
    """A new split of the source from `valid_from` (for one municipality, or national): the
    split in force ends the day before; a split that starts later is refused (dates are not
    rewritten)."""
    billing_policy.require(actor, BillingAction.PROGRAMME_MANAGE)
    errors: dict[str, list[str]] = {}
    source = choice_field(
        funding_source, "funding_source", errors, FundingSource, required=True, list_values=True
    )
    start = date_field(valid_from, "valid_from", errors)
    parts = _shares(shares, errors)
    raise_if_errors(errors)
    assert start is not None  # noqa: S101 - date_field added an error otherwise
    same = CoFinancing.objects.select_for_update().filter(
        funding_source=source, municipality=municipality
    )
    if same.filter(valid_from__gte=start).exists():
        add_error(
            errors,
            "valid_from",
            _("Šim avotam jau ir dalījums, kas sākas šajā dienā vai vēlāk."),
        )
        raise_if_errors(errors)
    same.filter(valid_to__isnull=True).update(valid_to=start - dt.timedelta(days=1))
    same.filter(valid_to__gte=start).update(valid_to=start - dt.timedelta(days=1))
    split = CoFinancing.objects.create(
        funding_source=source, municipality=municipality, valid_from=start, created_by=actor
    )
    CoFinancingShare.objects.bulk_create(
        CoFinancingShare(co_financing=split, position=i + 1, payer=payer, percent=percent)
        for i, (payer, percent) in enumerate(parts)
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.BILLING_CO_FINANCING_SET,
        subject=split,
        municipality_id=municipality.pk if municipality else None,
        extra_data={
            "funding_source": source,
            "valid_from": start.isoformat(),
            "shares": [[payer, str(percent)] for payer, percent in parts],
        },
    )
    return split


@transaction.atomic
def envelope_set(
    *,
    actor: Actor,
    municipality: Municipality,
    target_group: object,
    year: object,
    funding_source: object,
    amount: object,
    note: object = "",
) -> Envelope:
    """Allot (or change) the programme's envelope of a municipality, target group, year and
    funding source; the audit event keeps the amount it replaced."""
    billing_policy.require(actor, BillingAction.PROGRAMME_MANAGE)
    errors: dict[str, list[str]] = {}
    group = choice_field(
        target_group, "target_group", errors, TargetGroup, required=True, list_values=True
    )
    source = choice_field(
        funding_source, "funding_source", errors, FundingSource, required=True, list_values=True
    )
    number = int_field(year, "year", errors, low=2019, high=2100, required=True)
    money = decimal_field(amount, "amount", errors, high=MAX_QUANTITY, required=True)
    text = text_field(note, "note", errors, limit=NOTE_MAX)
    raise_if_errors(errors)
    envelope, created = Envelope.objects.select_for_update().get_or_create(
        municipality=municipality,
        target_group=group,
        year=number,
        funding_source=source,
        defaults={"amount": money, "note": text, "created_by": actor},
    )
    before = None if created else str(envelope.amount)
    if not created:
        envelope.amount = money  # type: ignore[assignment]
        envelope.note = text
        envelope.save(update_fields=["amount", "note", "updated_at"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.BILLING_ENVELOPE_SET,
        subject=envelope,
        municipality_id=municipality.pk,
        extra_data={
            "target_group": group,
            "year": number,
            "funding_source": source,
            "amount": str(money),
            "before": before,
        },
    )
    return envelope
