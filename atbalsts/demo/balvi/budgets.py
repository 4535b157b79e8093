"""Budgets and funding: the plan lines of each delivery and the budget that pays each line."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from atbalsts.assessment.dates import add_months
from atbalsts.assessment.selectors import rule_in_force
from atbalsts.people.models import Municipality
from atbalsts.plans.models import FundingSource

from .deliveries import Delivery
from .people import Person
from .tables import MUNICIPALITY, PILOT_START, STATE_ASSISTANT, Pilot


def band_of(pilot: Pilot, person: Person) -> tuple[str, Decimal]:
    """The band and monthly amount the rule in force in Balvi at the pilot's start gives for
    the person's scores (the import computes the same and checks it)."""
    municipality = Municipality.objects.get(code=MUNICIPALITY)
    rule = rule_in_force(
        municipality=municipality.pk, target_group=pilot.target_group, day=PILOT_START
    )
    assert rule is not None  # noqa: S101 - a migration loads the national rules
    points = sum(rule.points_for(d, i) for d, i in person.scores.items())
    band = [b for b in rule.bands.order_by("min_points") if b.min_points <= points][-1]
    return band.code, band.monthly_amount


@dataclass
class Line:
    delivery: Delivery
    start: dt.date
    months: int
    price: Decimal
    quantity: Decimal
    funding: str = FundingSource.INDIVIDUAL_BUDGET
    priority: int = 1

    @property
    def monthly(self) -> Decimal:
        return self.price * self.quantity


def plan_lines(delivery: Delivery) -> list[Line]:
    """One plan line per run of months at one price (a tariff change splits the line)."""
    months = sorted(delivery.units)
    lines: list[Line] = []
    for month in months:
        price = delivery.prices[month]
        last = lines[-1] if lines else None
        follows = last is not None and add_months(last.start, last.months) == month
        if last is not None and follows and last.price == price:
            last.months += 1
        else:
            lines.append(Line(delivery, month, 1, price, Decimal(0)))
    for line in lines:
        span = [add_months(line.start, k) for k in range(line.months)]
        most = max(delivery.units[m] for m in span)
        line.quantity = Decimal(math.ceil(most)) if most != int(most) else most
    return lines


def fund(pilot: Pilot, person: Person, lines: list[Line]) -> None:
    """From the individual budget in the plan's priority order while each budget period still
    has room; the rest from the municipal budget ("variant 2": every source the person has);
    the state-paid assistant from the state budget, never from the individual budget."""
    _code, monthly = band_of(pilot, person)
    periods = []
    start = PILOT_START
    for months in pilot.budget_months:
        periods.append((start, add_months(start, months), monthly * months - 1))
        start = add_months(start, months)
    used = [Decimal(0)] * len(periods)
    for priority, line in enumerate(lines, start=1):
        line.priority = priority
        if line.delivery.service.name == STATE_ASSISTANT:
            line.funding = FundingSource.STATE
            continue
        span = [add_months(line.start, k) for k in range(line.months)]
        need = [sum((line.monthly for m in span if a <= m < b), Decimal(0)) for a, b, _l in periods]
        if all(u + n <= limit for u, n, (_a, _b, limit) in zip(used, need, periods, strict=True)):
            used = [u + n for u, n in zip(used, need, strict=True)]
        else:
            line.funding = FundingSource.MUNICIPAL
