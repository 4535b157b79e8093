"""Reading the typed parts of an invoice (its month, number, quantities, texts) and their limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from atbalsts.core.dates import month_start
from atbalsts.core.validation import add_error, decimal_field

NUMBER_MAX = 50
REASON_MAX = 1000
REFERENCE_MAX = 100
MAX_QUANTITY = Decimal("99999999.99")


def parse_month(value: object) -> dt.date:
    """A month as a date, 'GGGG-MM' or 'GGGG-MM-DD'; always its first day. ValueError else."""
    if isinstance(value, dt.datetime):
        raise ValueError(value)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    if len(text) == 7:
        text += "-01"
    return dt.date.fromisoformat(text).replace(day=1)


def month_field(value: object, errors: dict[str, list[str]]) -> dt.date:
    """The month's first day; on bad input an error is added (and today's month returned)."""
    try:
        month = parse_month(value)
    except (ValueError, TypeError):
        add_error(errors, "month", _("Mēnesim jābūt formā GGGG-MM."))
        return month_start(timezone.localdate())
    if month > month_start(timezone.localdate()):
        add_error(errors, "month", _("Par mēnesi, kas vēl nav sācies, rēķinu iesniegt nevar."))
    return month


def line_decimal(
    value: object, name: str, errors: dict[str, list[str]], *, money: bool, required: bool = True
) -> Decimal | None:
    """A quantity, unit price or amount of an invoice line: 0 to MAX_QUANTITY, two decimals
    at most; a money text may be written 1 234,50."""
    return decimal_field(value, name, errors, high=MAX_QUANTITY, money=money, required=required)
