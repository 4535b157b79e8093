"""Template filters for Latvian money and small display helpers."""

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from atbalsts.core.money import format_money

register = template.Library()


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
