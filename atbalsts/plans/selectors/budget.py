"""The individual-budget part of a version against the indicative budget of each budget
period it touches (or, after an extension, the re-spread remainder), and why it does not fit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from atbalsts.assessment.models import BudgetPeriod
from atbalsts.assessment.selectors import budgets_current
from atbalsts.core.dates import dmy
from atbalsts.core.money import format_money
from atbalsts.people.models import Client

from ..models import FundingSource, PlanLine, PlanVersion
from ..spread import month_starts, split_total

EXTENSION_KEY = "extension"
WHOLE_PLAN_KEY = "whole_plan"

PeriodKey = int | str | None
"""A budget period's id, EXTENSION_KEY, WHOLE_PLAN_KEY, or None for months without one."""


@dataclass(frozen=True)
class PeriodBudget:
    key: PeriodKey
    label: str
    start: dt.date | None
    end: dt.date | None
    budget: Decimal | None  # None: no indicative budget computed for the period


@dataclass
class PeriodFit:
    period: PeriodBudget
    planned: Decimal = Decimal("0.00")
    allowance: Decimal = Decimal("0.00")

    @property
    def limit(self) -> Decimal:
        return (self.period.budget or Decimal("0.00")) + self.allowance

    @property
    def over(self) -> Decimal:
        return max(self.planned - self.limit, Decimal("0.00"))

    @property
    def over_budget(self) -> Decimal:
        """How much the plan passes the indicative budget itself (before any allowance)."""
        return max(self.planned - (self.period.budget or Decimal("0.00")), Decimal("0.00"))

    @property
    def fits(self) -> bool:
        return self.planned <= self.limit

    @property
    def remaining(self) -> Decimal:
        return (self.period.budget or Decimal("0.00")) - self.planned


def budget_periods(client: Client) -> list[PeriodBudget]:
    """The client's budget periods with the indicative budget that applies to each."""
    result = []
    periods = list(BudgetPeriod.objects.filter(client=client).order_by("start"))
    current = budgets_current(periods=periods)  # one query for all the periods
    for period in periods:
        budget = current.get(period.pk)
        result.append(
            PeriodBudget(
                key=period.pk,
                label=_("%(start)s–%(end)s") % {"start": dmy(period.start), "end": dmy(period.end)},
                start=period.start,
                end=period.end,
                # the granted amount with an approved overrun of the period, if any
                budget=budget.limit if budget is not None else None,
            )
        )
    return result


def _extension_from(version: PlanVersion) -> dt.date | None:
    raw = (version.extension or {}).get("from")
    return dt.date.fromisoformat(raw) if raw else None


def _month_key(
    day: dt.date, periods: Sequence[PeriodBudget], ext_from: dt.date | None
) -> PeriodKey:
    if ext_from is not None and day >= ext_from:
        return EXTENSION_KEY
    for period in periods:
        if period.start and period.end and period.start <= day <= period.end:
            return period.key
    return None


def line_shares(
    line: PlanLine, periods: Sequence[PeriodBudget], ext_from: dt.date | None = None
) -> dict[PeriodKey, Decimal]:
    """The line's total split over the budget periods by the months it falls in."""
    keys = [_month_key(d, periods, ext_from) for d in month_starts(line.start, line.months)]
    return split_total(line.total, keys)


def line_monthly_amounts(line: PlanLine) -> list[tuple[dt.date, Decimal]]:
    """The line's total month by month (adding up to the total to the cent)."""
    starts = month_starts(line.start, line.months)
    shares = split_total(line.total, list(range(len(starts))))
    return [(d, shares[i]) for i, d in enumerate(starts)]


def version_budget_fit(
    version: PlanVersion, lines: Iterable[PlanLine] | None = None
) -> list[PeriodFit]:
    """The individual-budget part of the version in each budget period it touches, against
    the indicative budget of that period (or, after an extension, the re-spread remainder)."""
    client = version.plan.client
    periods = budget_periods(client)
    ext_from = _extension_from(version)
    if ext_from is not None:
        periods = [p for p in periods if p.start is not None and p.start < ext_from]
    fits: dict[PeriodKey, PeriodFit] = {}
    for period in periods:
        if (
            period.start
            and period.end
            and period.start <= version.end
            and period.end >= version.start
        ):
            fits[period.key] = PeriodFit(period, allowance=version.overrun_allowance)
    if ext_from is not None:
        ext = version.extension
        fits[EXTENSION_KEY] = PeriodFit(
            PeriodBudget(
                key=EXTENSION_KEY,
                label=_("pagarinājums %(start)s–%(end)s")
                % {"start": dmy(ext_from), "end": dmy(version.end)},
                start=ext_from,
                end=version.end,
                budget=Decimal(ext["remaining"]),
            ),
            allowance=version.overrun_allowance,
        )
    for line in version.lines.all() if lines is None else lines:
        if line.funding_source != FundingSource.INDIVIDUAL_BUDGET:
            continue
        for key, amount in line_shares(line, periods, ext_from).items():
            if key not in fits:
                label = (
                    _("bez budžeta perioda")
                    if key is None
                    else next((p.label for p in periods if p.key == key), str(key))
                )
                period = next(
                    (p for p in periods if p.key == key),
                    PeriodBudget(key=key, label=label, start=None, end=None, budget=None),
                )
                fits[key] = PeriodFit(period, allowance=version.overrun_allowance)
            fits[key].planned += amount
    if ext_from is not None:
        # Months before the re-spread stay within their periods; the whole plan must also
        # stay within the total the extension kept, so earlier months cannot grow unseen.
        whole = PeriodFit(
            PeriodBudget(
                key=WHOLE_PLAN_KEY,
                label=_("viss plāns %(start)s–%(end)s")
                % {"start": dmy(version.start), "end": dmy(version.end)},
                start=version.start,
                end=version.end,
                budget=Decimal(version.extension["total"]),
            ),
            allowance=version.overrun_allowance,
        )
        whole.planned = sum((f.planned for f in fits.values()), Decimal("0.00"))
        fits[WHOLE_PLAN_KEY] = whole
    order = {p.key: i for i, p in enumerate(periods)}
    order[EXTENSION_KEY] = len(order)
    order[WHOLE_PLAN_KEY] = len(order)
    return sorted(fits.values(), key=lambda f: order.get(f.period.key, len(order) + 1))


def version_budget_total(version: PlanVersion) -> Decimal:
    return sum(
        (
            line.total
            for line in version.lines.filter(funding_source=FundingSource.INDIVIDUAL_BUDGET)
        ),
        Decimal("0.00"),
    )


def version_totals_by_source(version: PlanVersion) -> list[tuple[str, Decimal]]:
    totals: dict[str, Decimal] = {}
    for line in version.lines.all():
        totals[line.funding_source] = totals.get(line.funding_source, Decimal("0.00")) + line.total
    labels = dict(FundingSource.choices)
    return [(str(labels[s]), totals[s]) for s in FundingSource.values if s in totals]


def budget_problems(version: PlanVersion) -> list[str]:
    """Why the version's individual-budget part does not fit, one sentence per period."""
    problems = []
    for fit in version_budget_fit(version):
        if fit.fits:
            continue
        problems.append(budget_problem_text(fit))
    return problems


def budget_problem_text(fit: PeriodFit) -> str:
    if fit.period.key is None:
        return _(
            "No individuālā budžeta plānoti %(planned)s mēnešos, kuriem nav budžeta perioda. "
            "Vispirms izveidojiet budžeta periodu vai izvēlieties citu finansējuma avotu."
        ) % {"planned": format_money(fit.planned)}
    if fit.period.budget is None:
        return _(
            "Periodam %(period)s indikatīvais budžets vēl nav aprēķināts, bet no tā plānoti "
            "%(planned)s."
        ) % {"period": fit.period.label, "planned": format_money(fit.planned)}
    return _(
        "Periodā %(period)s no individuālā budžeta plānoti %(planned)s, bet indikatīvais "
        "budžets ir %(budget)s%(allowance)s — pārsniegums %(over)s. Samaziniet pakalpojumus, "
        "izvēlieties citu finansējuma avotu vai lūdziet vadītāju apstiprināt pārsniegumu."
    ) % {
        "period": fit.period.label,
        "planned": format_money(fit.planned),
        "budget": format_money(fit.period.budget),
        "allowance": (
            _(" (ar apstiprināto pārsniegumu %(amount)s)") % {"amount": format_money(fit.allowance)}
            if fit.allowance
            else ""
        ),
        "over": format_money(fit.over),
    }
