"""The extension of a plan's period with the same total individual budget: what is left is
spread evenly over the months from the re-spread's start to the new end."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from atbalsts.core.money import round_money

from ..models import FundingSource, PlanVersion
from ..spread import month_starts, months_between, spread_evenly
from .budget import budget_periods, line_monthly_amounts


@dataclass(frozen=True)
class ExtensionPlan:
    start: dt.date
    from_date: dt.date
    old_end: dt.date
    new_end: dt.date
    total: Decimal  # the whole individual budget of the plan: stays the same
    used: Decimal  # planned in the months before `from_date`
    remaining: Decimal
    schedule: list[tuple[dt.date, Decimal]]

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.from_date.isoformat(),
            "previous_end": self.old_end.isoformat(),
            "total": str(self.total),
            "used": str(self.used),
            "remaining": str(self.remaining),
            "months": len(self.schedule),
            "schedule": [{"month": d.isoformat(), "amount": str(a)} for d, a in self.schedule],
        }


def plan_budget_total(version: PlanVersion) -> Decimal:
    """The plan's whole individual budget: after an extension, what the extension kept;
    otherwise the indicative budgets of the periods the version overlaps."""
    if version.extension:
        return Decimal(version.extension["total"])
    total = Decimal("0.00")
    for period in budget_periods(version.plan.client):
        if (
            period.start
            and period.end
            and period.start <= version.end
            and period.end >= version.start
        ):
            total += period.budget or Decimal("0.00")
    return total


def extension_calculate(
    version: PlanVersion, *, new_end: dt.date, from_date: dt.date
) -> ExtensionPlan:
    """The same total budget to the cent: what is left after the months before `from_date`
    is spread evenly over the months from `from_date` to the new end."""
    total = plan_budget_total(version)
    used = Decimal("0.00")
    for line in version.lines.filter(funding_source=FundingSource.INDIVIDUAL_BUDGET):
        used += sum((a for d, a in line_monthly_amounts(line) if d < from_date), Decimal("0.00"))
    remaining = round_money(total - used)
    months = months_between(from_date, new_end)
    amounts = spread_evenly(remaining, months)
    return ExtensionPlan(
        start=version.start,
        from_date=from_date,
        old_end=version.end,
        new_end=new_end,
        total=total,
        used=used,
        remaining=remaining,
        schedule=list(zip(month_starts(from_date, months), amounts, strict=True)),
    )


def respread_starts(version: PlanVersion) -> list[dt.date]:
    """The days an extension's re-spread may start: the first day of each month of the plan
    but its first."""
    return month_starts(version.start, months_between(version.start, version.end))[1:]


def respread_default(version: PlanVersion) -> dt.date | None:
    """The re-spread start offered by default: the first of those days from today on, else the
    last one; None for a plan of one month."""
    starts = respread_starts(version)
    today = timezone.localdate()
    return next((d for d in starts if d >= today), starts[-1] if starts else None)
