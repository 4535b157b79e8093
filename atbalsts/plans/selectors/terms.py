"""What a guarantee letter's line grants, read from its JSON as issued: the unit price (the
price agreed for the person where the letter carries one, else the list price) and the
quantity with the span it counts over (a month, or the line's whole period). Sessions and
invoices are priced and counted from the letter through these functions alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from atbalsts.core.dates import month_end, month_start


def letter_unit_price(line: Mapping[str, Any]) -> Decimal | None:
    """The unit price of a letter line; None where it names none. Letters issued before
    agreed prices existed carry `unit_price` alone."""
    for key in ("agreed_unit_price", "unit_price"):
        raw = line.get(key)
        if raw not in (None, ""):
            return Decimal(str(raw))
    return None


def letter_price_agreed(line: Mapping[str, Any]) -> bool:
    """Whether the letter line's price was agreed for the person rather than the list's."""
    return line.get("agreed_unit_price") not in (None, "")


def letter_quantity_per_period(line: Mapping[str, Any]) -> bool:
    """Whether the line's quantity counts over its whole period rather than per month."""
    return line.get("quantity_basis") == "period"


def letter_quantity_window(line: Mapping[str, Any], day: dt.date) -> tuple[dt.date, dt.date]:
    """The span whose sessions the line's quantity covers, for a session on `day`: the
    calendar month, or the line's whole period for a per-period quantity."""
    if letter_quantity_per_period(line):
        return dt.date.fromisoformat(line["start"]), dt.date.fromisoformat(line["end"])
    return month_start(day), month_end(day)
