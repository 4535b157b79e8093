"""Plain Decimal arithmetic of plans: months of a line, money split over months and periods,
and the extension schedule. Every split adds up to its total to the cent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from decimal import ROUND_DOWN, Decimal
from typing import TypeVar

from atbalsts.assessment.dates import add_months, period_end
from atbalsts.core.money import CENT, round_money

K = TypeVar("K", bound=Hashable)

WEEKS_PER_YEAR = Decimal(52)
MONTHS_PER_YEAR = Decimal(12)


def line_total(unit_price: Decimal | None, quantity: Decimal, months: int) -> Decimal:
    """Unit price × quantity per month × months, rounded once; no price → 0."""
    if unit_price is None:
        return Decimal("0.00")
    return round_money(unit_price * quantity * months)


def month_starts(start: dt.date, months: int) -> list[dt.date]:
    """The first day of each of the `months` months that begin on `start`."""
    return [add_months(start, i) for i in range(months)]


def months_between(start: dt.date, end: dt.date) -> int:
    """How many months (the last one possibly partial) run from `start` to `end`."""
    n = 0
    while add_months(start, n) <= end:
        n += 1
    return n


def whole_months_end(start: dt.date, months: int) -> dt.date:
    return period_end(start, months)


def split_total(total: Decimal, keys: Sequence[K]) -> dict[K, Decimal]:
    """Share `total` over equal slots labelled by `keys` (one key per month, repeated keys
    add up). Shares are rounded cumulatively, so they always sum to `total` exactly and the
    rounding remainder falls in the last group."""
    n = len(keys)
    result: dict[K, Decimal] = {}
    if n == 0:
        return result
    counts: dict[K, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    seen = 0
    previous = Decimal("0.00")
    for key, count in counts.items():
        seen += count
        upto = total if seen == n else round_money(total * seen / n)
        result[key] = upto - previous
        previous = upto
    return result


def spread_evenly(amount: Decimal, months: int) -> list[Decimal]:
    """`amount` over `months`: every month the same cents rounded down, the last month the
    remainder, so that the months add up to `amount` to the cent."""
    if months <= 0:
        return []
    base = (amount / months).quantize(CENT, rounding=ROUND_DOWN)
    return [base] * (months - 1) + [amount - base * (months - 1)]


def weekly(monthly: Decimal) -> Decimal:
    """A monthly quantity as a weekly one: × 12 / 52."""
    return monthly * MONTHS_PER_YEAR / WEEKS_PER_YEAR
