"""Budget periods and the indicative budget computed for one from a completed assessment by
the allocation rule in force (docs/domain.md, "Budget rules")."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.dates import dmy
from atbalsts.core.errors import DomainError
from atbalsts.core.policies import Action
from atbalsts.core.validation import add_error, raise_if_errors
from atbalsts.people.models import Client, TargetGroup

from ..dates import period_end
from ..models import BudgetPeriod, IndicativeBudget, NeedsAssessment, OverrideStatus
from ..policies import budget_policy
from ..selectors import NoRuleInForce, assessment_latest_completed, budget_calculate, rule_in_force
from .errors import OverridePending, PeriodOverlap
from .inputs import positive_int

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

MAX_PERIOD_MONTHS = 36


@transaction.atomic
def budget_period_create(
    *,
    actor: Actor,
    client: Client,
    start: dt.date,
    months: int,
    end: dt.date | None = None,
) -> BudgetPeriod:
    """A period of whole months; the periods of one client never overlap."""
    budget_policy.require(actor, Action.CREATE, client)
    Client.objects.select_for_update().filter(pk=client.pk).first()
    errors: dict[str, list[str]] = {}
    if not positive_int(months) or months > MAX_PERIOD_MONTHS:
        add_error(
            errors,
            "months",
            _("Mēnešu skaitam jābūt no 1 līdz %(max)s.") % {"max": MAX_PERIOD_MONTHS},
        )
    raise_if_errors(errors)
    last_day = period_end(start, months)
    if end is not None and end != last_day:
        add_error(
            errors,
            "end",
            _("Periodam no %(start)s ar %(months)s mēnešiem jābeidzas %(end)s.")
            % {"start": dmy(start), "months": months, "end": dmy(last_day)},
        )
    raise_if_errors(errors)
    clash = (
        BudgetPeriod.objects.filter(client=client, start__lte=last_day, end__gte=start)
        .order_by("start")
        .first()
    )
    if clash is not None:
        raise PeriodOverlap(
            _("Periods pārklājas ar citu šī klienta budžeta periodu (%(start)s–%(end)s).")
            % {"start": dmy(clash.start), "end": dmy(clash.end)},
            field="start",
        )
    period = BudgetPeriod.objects.create(client=client, start=start, end=last_day, months=months)
    audit_record(
        actor=actor,
        event_type=AuditEventType.BUDGET_PERIOD_CREATED,
        subject=period,
        client_id=client.pk,
        municipality_id=client.municipality_id,
        extra_data={"start": start.isoformat(), "end": last_day.isoformat(), "months": months},
    )
    return period


def _assessment_for(period: BudgetPeriod, assessment: NeedsAssessment | None) -> NeedsAssessment:
    """The given assessment if it is the period's client's, else the client's latest
    completed one."""
    if assessment is None:
        latest = assessment_latest_completed(client=period.client)
        if latest is None:
            raise DomainError(
                _("Klientam nav pabeigta vajadzību izvērtējuma; budžetu aprēķināt nevar."),
                field="assessment",
            )
        return latest
    if assessment.client_id != period.client_id:
        raise DomainError(_("Izvērtējums nav šī klienta izvērtējums."), field="assessment")
    return assessment


@transaction.atomic
def budget_compute(
    *, actor: Actor, period: BudgetPeriod, assessment: NeedsAssessment | None = None
) -> IndicativeBudget:
    """Compute the period's indicative budget from a completed assessment by the rule in force
    on the period's first day. The previous budget of the period stays in the history."""
    budget_policy.require(actor, Action.CHANGE, period)
    period = BudgetPeriod.objects.select_for_update().select_related("client").get(pk=period.pk)
    client = period.client
    assessment = _assessment_for(period, assessment)
    rule = rule_in_force(
        municipality=client.municipality_id,
        target_group=assessment.target_group,
        day=period.start,
    )
    if rule is None:
        raise NoRuleInForce(
            _("%(date)s nav spēkā neviena budžeta sadales noteikuma mērķa grupai «%(group)s».")
            % {"date": dmy(period.start), "group": TargetGroup(assessment.target_group).label}
        )
    calculation = budget_calculate(assessment=assessment, rule=rule, months=period.months)
    previous = IndicativeBudget.objects.filter(period=period, is_current=True).first()
    if previous is not None:
        if previous.overrides.filter(status=OverrideStatus.PROPOSED).exists():
            raise OverridePending(
                _("Vispirms izlemiet par iesniegto summas maiņu, tad aprēķiniet no jauna.")
            )
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
    budget = IndicativeBudget.objects.create(
        period=period,
        assessment=assessment,
        rule=rule,
        total_points=calculation.total_points,
        band_code=calculation.band.code,
        computed_monthly_amount=calculation.monthly_amount,
        computed_period_amount=calculation.period_amount,
        monthly_amount=calculation.monthly_amount,
        period_amount=calculation.period_amount,
        explanation=calculation.as_json(),
        computed_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.BUDGET_COMPUTED,
        subject=budget,
        client_id=client.pk,
        municipality_id=client.municipality_id,
        extra_data={
            "period": period.pk,
            "assessment": assessment.pk,
            "rule": rule.pk,
            "total_points": calculation.total_points,
            "band": calculation.band.code,
            "monthly_amount": str(calculation.monthly_amount),
            "period_amount": str(calculation.period_amount),
            "replaces": previous.pk if previous else None,
        },
    )
    return budget
