"""Template filters: the one formatting path of every page and printed document for money,
numbers, days and unit words, in the page's language; and small display helpers.

Values often come from stored JSON (a guarantee letter's lines keep ISO dates, decimal text
and the unit's Latvian word), so the filters take text as well as typed values."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import get_language, gettext

from atbalsts.core.money import format_money

register = template.Library()


@register.filter
def day(value: dt.date | str | None) -> str:
    """A day as the language writes it (22.11.2026); an ISO text is read first."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    return str(formats.date_format(value, "SHORT_DATE_FORMAT"))


@register.filter
def number(value: Decimal | int | float | str | None) -> str:
    """A quantity without needless zeros, in the language's way: 4, 2,5 (lv) or 2.5 (en),
    thousands grouped."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if amount == amount.to_integral_value():
        amount = amount.quantize(Decimal(1))
    else:
        amount = amount.normalize()
    return str(formats.number_format(amount, use_l10n=True, force_grouping=True))


@register.filter
def unit(value: str | None) -> str:
    """A service unit word stored in Latvian (a letter line's "stunda") in the page's
    language: the stored word is the msgid the catalogue translates."""
    if not value:
        return ""
    return gettext(str(value))


@register.filter
def money(value: Decimal | None) -> str:
    if value is None or value == "":
        return ""
    if (get_language() or "lv").startswith("en"):
        return format_money(Decimal(value), decimal_separator=".", group=",")
    return format_money(Decimal(value))


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters replaced (for sorting and paging links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
