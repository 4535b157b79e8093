"""The pilot report's evaluation: goals' outcomes at review, and the budget needed per band.

Two queries for the outcomes and two for the budget needed, whatever the data size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)

from atbalsts.assessment.models import IndicativeBudget, LifeDomain, domains_for
from atbalsts.billing.models import CLIENT_MONTH_AMOUNTS, ClientMonths
from atbalsts.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, round_money
from atbalsts.people.models import Municipality, TargetGroup
from atbalsts.plans.models import Goal, GoalOutcome, PlanReview

from ..policies import report_policy
from .common import ZERO, _bit_count_sql, _bits_set, _ids, _in_period, _rollup, _sum, period_masks
from .pilot import PilotReport, _months_counted, pilot_report

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer


# --- outcomes: goals at review, and what changed in the person's life -------------------------


@dataclass(frozen=True)
class DomainOutcomes:
    domain: str
    label: str
    achieved: int = 0
    partly: int = 0
    not_achieved: int = 0

    @property
    def total(self) -> int:
        return self.achieved + self.partly + self.not_achieved


@dataclass(frozen=True)
class OutcomesReport:
    domains: list[DomainOutcomes]
    reviewed_clients: int = 0
    started_paid_work: int = 0
    moved_to_live_on_own: int = 0
    widened_support_circle: int = 0

    @property
    def goals_total(self) -> int:
        return sum(d.total for d in self.domains)


def outcomes_report(
    *,
    user: Viewer,
    municipalities: Sequence[Municipality | int] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
) -> OutcomesReport:
    """Goals achieved / partly / not per life domain, judged at reviews in the period (a goal
    carried into later versions counts once, with its latest outcome), and the number of
    people who, at a review in the period, had started paid work, moved to live on their own,
    widened their support circle (each person once). Two queries whatever the data size."""
    report_policy.require_municipalities(user, municipalities)
    ids = _ids(municipalities)
    goals = report_policy.scoped(
        user,
        Goal.objects.exclude(outcome="").filter(
            outcome_reviewed_on__gte=date_from, outcome_reviewed_on__lte=date_to
        ),
        "version__plan__client__municipality_id",
    )
    reviews = report_policy.scoped(
        user,
        PlanReview.objects.filter(reviewed_on__gte=date_from, reviewed_on__lte=date_to),
        "plan__client__municipality_id",
    )
    if ids:
        goals = goals.filter(version__plan__client__municipality_id__in=ids)
        reviews = reviews.filter(plan__client__municipality_id__in=ids)
    if target_group:
        goals = goals.filter(version__plan__client__target_group=target_group)
        reviews = reviews.filter(plan__client__target_group=target_group)
    # A goal carried into later versions counts once, with its latest outcome: the goals of
    # the same plan and key judged later (by date, then version, then id) rule it out. The
    # database counts per domain and outcome; Python gets a few dozen rows.
    later = (
        Goal.objects.exclude(outcome="")
        .filter(
            version__plan_id=OuterRef("version__plan_id"),
            key=OuterRef("key"),
            outcome_reviewed_on__gte=date_from,
            outcome_reviewed_on__lte=date_to,
        )
        .filter(
            Q(outcome_reviewed_on__gt=OuterRef("outcome_reviewed_on"))
            | Q(
                outcome_reviewed_on=OuterRef("outcome_reviewed_on"),
                version__number__gt=OuterRef("version__number"),
            )
            | Q(
                outcome_reviewed_on=OuterRef("outcome_reviewed_on"),
                version__number=OuterRef("version__number"),
                pk__gt=OuterRef("pk"),
            )
        )
    )
    counts: dict[str, dict[str, int]] = {}
    for domain, outcome, number in (
        goals.exclude(Exists(later))
        .order_by()
        .values("domain", "outcome")
        .annotate(number=Count("id"))
        .values_list("domain", "outcome", "number")
    ):
        counts.setdefault(domain, {})[outcome] = number
    order = list(domains_for(target_group)) if target_group else list(LifeDomain)
    order += [LifeDomain(d) for d in counts if LifeDomain(d) not in order]
    shown = [d for d in order if target_group or d.value in counts]
    people = reviews.aggregate(
        clients=Count("plan__client_id", distinct=True),
        work=Count("plan__client_id", distinct=True, filter=Q(started_paid_work=True)),
        own=Count("plan__client_id", distinct=True, filter=Q(moved_to_live_on_own=True)),
        circle=Count("plan__client_id", distinct=True, filter=Q(widened_support_circle=True)),
    )
    return OutcomesReport(
        domains=[
            DomainOutcomes(
                domain=d.value,
                label=str(d.label),
                achieved=counts.get(d.value, {}).get(GoalOutcome.ACHIEVED, 0),
                partly=counts.get(d.value, {}).get(GoalOutcome.PARTLY, 0),
                not_achieved=counts.get(d.value, {}).get(GoalOutcome.NOT_ACHIEVED, 0),
            )
            for d in shown
        ],
        reviewed_clients=people["clients"] or 0,
        started_paid_work=people["work"] or 0,
        moved_to_live_on_own=people["own"] or 0,
        widened_support_circle=people["circle"] or 0,
    )


# --- the budget actually needed per assessment band --------------------------------------------


@dataclass(frozen=True)
class BandNeed:
    """Clients of a target group whose indicative budget in force was in one band, and what
    they actually spent a month (all funding sources). `band_code` "" is: no budget."""

    target_group: str
    band_code: str
    band_monthly: Decimal | None
    clients: int
    average: Decimal
    maximum: Decimal

    @property
    def target_group_label(self) -> str:
        return str(TargetGroup(self.target_group).label)


def _band_of(budget: dict[str, Any]) -> tuple[str, Decimal]:
    band = (budget["explanation"] or {}).get("band") or {}
    amount = band.get("monthly_amount", budget["computed_monthly_amount"])
    return budget["band_code"], round_money(Decimal(str(amount)))


def _period_money(masks: dict[int, int]) -> Case:
    """A ClientMonths row's money in the months of the period: the sum of its month columns
    that the period's mask for its year selects."""
    money: DecimalField[Decimal, Decimal] = DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    whens = []
    for year, mask in masks.items():
        columns = [F(CLIENT_MONTH_AMOUNTS[bit]) for bit in range(12) if mask >> bit & 1]
        whens.append(When(year=year, then=sum(columns[1:], columns[0])))
    return Case(*whens, default=Value(ZERO), output_field=money)


def _months_over_years(masks: dict[int, int]) -> Any:
    """Per group of a client's rows over several years (PostgreSQL 14+): the months of the
    period set in any of them, year by year — `BIT_OR … FILTER (WHERE year = …)` of each
    year's masks, its bits counted with `bit_count` — added up."""
    from django.contrib.postgres.aggregates import BitOr

    ors = [
        BitOr(F("months").bitand(mask), filter=Q(year=year), default=0)
        for year, mask in masks.items()
    ]
    return sum((_bits_set(either) for either in ors), Value(0))


def budget_needed_by_band(
    *,
    user: Viewer,
    municipalities: Sequence[Municipality | int] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
) -> list[BandNeed]:
    """Per target group and band: each client's actual monthly spend (their total in the
    period ÷ the months they received services, as in the pilot report), averaged and the
    maximum over the band's clients, rounded once to the cent. A client's band is that of the
    current indicative budget of their latest budget period overlapping the report period.
    Two queries whatever the data size: the indicative budgets, and the clients' money and
    months from the ClientMonths roll-up (one row per client and year; each month's money is
    kept there next to the month's bit, docs/performance.md)."""
    report_policy.require_municipalities(user, municipalities)
    masks = period_masks(date_from, date_to)
    if not masks:
        return []
    budgets = report_policy.scoped(
        user,
        IndicativeBudget.objects.filter(
            is_current=True, period__start__lte=date_to, period__end__gte=date_from
        ),
        "period__client__municipality_id",
    )
    ids = _ids(municipalities)
    if ids:
        budgets = budgets.filter(period__client__municipality_id__in=ids)
    if target_group:
        budgets = budgets.filter(period__client__target_group=target_group)
    bands: dict[int, tuple[str, Decimal]] = {}
    for budget in budgets.order_by("period__start", "id").values(
        "period__client_id", "band_code", "explanation", "computed_monthly_amount"
    ):
        bands[budget["period__client_id"]] = _band_of(budget)
    # Per client and target group: the months with money in the period — per year the OR of
    # the masks of every municipality that paid, its bits counted, added up over the years —
    # and the money. PostgreSQL 14+ returns one row per client; elsewhere one per client and
    # year (summing the years in SQL would nest twelve terms per year, past SQLite's parser
    # depth for long periods), added up here.
    rows = (
        _rollup(user, ClientMonths, ids, target_group)
        .filter(year__in=masks)
        .annotate(in_period=_in_period(masks), money=_period_money(masks))
        .exclude(in_period=0)
    )
    if _bit_count_sql():
        grouped = rows.values("client_id", "target_group").annotate(
            amount=Sum("money"), months=_months_over_years(masks)
        )
    else:
        grouped = rows.values("client_id", "target_group", "year").annotate(
            amount=Sum("money"), months=_months_counted()
        )
    spent: dict[tuple[int, str], tuple[Decimal, int]] = {}
    for client_id, group, amount, months in grouped.values_list(
        "client_id", "target_group", "amount", "months"
    ):
        before, counted = spent.get((client_id, group), (ZERO, 0))
        spent[(client_id, group)] = (before + _sum(amount), counted + months)
    groups: dict[tuple[str, str, Decimal | None], list[Decimal]] = {}
    for (client_id, group), (amount, months) in spent.items():
        code, monthly = bands.get(client_id, ("", None))
        groups.setdefault((group, code, monthly), []).append(amount / months)
    result = [
        BandNeed(
            target_group=group,
            band_code=code,
            band_monthly=monthly,
            clients=len(values),
            average=round_money(sum(values, Decimal(0)) / len(values)),
            maximum=round_money(max(values)),
        )
        for (group, code, monthly), values in groups.items()
    ]
    return sorted(
        result,
        key=lambda b: (b.target_group, b.band_monthly is None, b.band_monthly or 0, b.band_code),
    )


def pilot_report_evaluated(
    *,
    user: Viewer,
    municipalities: Sequence[Municipality] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
) -> PilotReport:
    """The pilot report with its evaluation: outcomes and the budget actually needed per band
    (4 + 2 + 2 queries whatever the data size)."""
    params: dict[str, Any] = {
        "user": user,
        "municipalities": municipalities,
        "target_group": target_group,
        "date_from": date_from,
        "date_to": date_to,
    }
    return replace(
        pilot_report(**params),
        outcomes=outcomes_report(**params),
        budget_needed=budget_needed_by_band(**params),
    )
