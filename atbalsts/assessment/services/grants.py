"""The budget that was granted: an import of a municipality's history records the amount as
it was decided (by a named person on a date) where it differs from what the rule in force
then computes, and an overrun of the period approved then. The budget checks of plans and
invoices then use the granted amount and the overrun (`IndicativeBudget.limit`)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.dates import dmy
from atbalsts.core.money import round_money
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    date_field,
    decimal_field,
    raise_if_errors,
    text_field,
)

from ..models import IndicativeBudget
from ..policies import budget_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

MAX_GRANTED = Decimal("1000000.00")
NAME_MAX = 150


@transaction.atomic
def budget_grant_record(
    *,
    actor: Actor,
    budget: IndicativeBudget,
    period_amount: object = None,
    decided_by: object = "",
    decided_on: object = None,
    reason: object = "",
    overrun_amount: object = None,
    overrun_by: object = "",
    overrun_on: object = None,
    overrun_reason: object = "",
) -> IndicativeBudget:
    """Record how the period's budget was granted, as the records say. A `period_amount` the
    rule does not give needs who decided it and when; an overrun needs who approved it, when
    and why. Neither date may be in the future. Only the head (DECIDE) records them: they are
    decisions, taken then, that the system now applies."""
    budget_policy.require(actor, Action.DECIDE, budget.period)
    budget = (
        IndicativeBudget.objects.select_for_update()
        .select_related("period__client")
        .get(pk=budget.pk)
    )
    errors: dict[str, list[str]] = {}
    amount = decimal_field(period_amount, "granted_amount", errors, high=MAX_GRANTED)
    differs = amount is not None and amount != budget.computed_period_amount
    who = text_field(decided_by, "decided_by", errors, limit=NAME_MAX, required=differs)
    when = date_field(decided_on, "decided_on", errors, required=differs)
    why = text_field(reason, "decision", errors, limit=1000)
    overrun = decimal_field(overrun_amount, "overrun_amount", errors, high=MAX_GRANTED)
    has_overrun = bool(overrun)
    over_who = text_field(
        overrun_by, "overrun_approved_by", errors, limit=NAME_MAX, required=has_overrun
    )
    over_when = date_field(overrun_on, "overrun_approved_on", errors, required=has_overrun)
    over_why = text_field(
        overrun_reason, "overrun_reason", errors, limit=1000, required=has_overrun
    )
    today = timezone.localdate()
    for name, day in (("decided_on", when), ("overrun_approved_on", over_when)):
        if day is not None and day > today:
            add_error(errors, name, _("Lēmuma datums nevar būt nākotnē."))
    raise_if_errors(errors)
    extra: dict[str, Any] = {"budget": budget.pk, "historic": True}
    if amount is not None:
        extra["period_amount"] = {"before": str(budget.period_amount), "after": str(amount)}
        budget.period_amount = amount
        budget.monthly_amount = round_money(amount / budget.period.months)
        budget.granted_by_name = who if differs else ""
        budget.granted_on = when if differs else None
        budget.granted_reason = why
        extra["granted"] = {"by": who, "on": dmy(when) if when else "", "reason": why}
    if has_overrun and overrun is not None:
        budget.overrun_amount = overrun
        budget.overrun_by_name = over_who
        budget.overrun_on = over_when
        budget.overrun_reason = over_why
        extra["overrun"] = {
            "amount": str(overrun),
            "by": over_who,
            "on": dmy(over_when) if over_when else "",
            "reason": over_why,
        }
    budget.granted_recorded_by = actor
    budget.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.BUDGET_OVERRIDE_APPROVED,
        subject=budget,
        client_id=budget.period.client_id,
        municipality_id=budget.period.client.municipality_id,
        extra_data=extra,
    )
    return budget
