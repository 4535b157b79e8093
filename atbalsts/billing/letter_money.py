"""A guarantee letter line's money per month: what the ledger and the envelopes count as
committed, split over the line's months exactly as the plan splits them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from atbalsts.plans.spread import month_starts, split_total


def letter_line_monthly(letter_line: dict[str, Any]) -> list[tuple[dt.date, Decimal]]:
    """[(the month's first day, the line's money in it)] for one line of a letter's JSON."""
    start = dt.date.fromisoformat(letter_line["start"])
    months = int(letter_line["months"])
    starts = month_starts(start, months)
    shares = split_total(Decimal(letter_line["total"]), list(range(len(starts))))
    return [(d, shares[i]) for i, d in enumerate(starts)]
