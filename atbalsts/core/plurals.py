"""Counted words that agree in Latvian: "1 reizi", "2 reizes", "11 reizes", "21 reizi".

Our msgids are Latvian, and no catalogue translates them on Latvian pages, so gettext falls
back to the English rule (only 1 is singular) and would write "21 reizes". Give ngettext the
count through `plural_count`: on Latvian pages it stands for the Latvian rule (1 for the
singular, 2 for the plural); in other languages it is the count itself, for their catalogue:

    ngettext("%(n)s reizi mēnesī", "%(n)s reizes mēnesī", plural_count(quantity))
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import get_language


def latvian_singular(count: Decimal | int | str) -> bool:
    """Whether a Latvian noun after `count` is singular: whole numbers ending in 1 but not
    in 11 (1, 21, 101); every other number, fractions and 0 included, takes the plural."""
    try:
        number = Decimal(str(count))
    except (InvalidOperation, ValueError):
        return False
    if not number.is_finite() or number != number.to_integral_value():
        return False
    whole = abs(int(number))
    return whole % 10 == 1 and whole % 100 != 11


def plural_count(count: Decimal | int | str) -> int:
    """The number to give ngettext so that the form agrees in the page's language."""
    language = get_language() or settings.LANGUAGE_CODE
    if language.startswith("lv"):
        return 1 if latvian_singular(count) else 2
    try:
        number = Decimal(str(count))
    except (InvalidOperation, ValueError):
        return 2
    if not number.is_finite() or number != number.to_integral_value():
        return 2  # "1.5 hours": a fraction takes the plural
    return abs(int(number))
