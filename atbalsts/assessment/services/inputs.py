"""Reading typed values the assessment services share: whole numbers from 1, described
texts and monthly amounts, each adding its own Latvian error."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TypeGuard

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from atbalsts.core.money import CENT, parse_money, round_money
from atbalsts.core.validation import add_error

MAX_MONTHLY_AMOUNT = Decimal("100000.00")


def positive_int(value: object) -> TypeGuard[int]:
    """A whole number from 1 (a bool is not one)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def required_text(
    value: object, field: str, errors: dict[str, list[str]], *, limit: int, missing: str | Promise
) -> str:
    """Stripped text of 1 to `limit` characters; `missing` explains what to write when empty
    (anything that is not text counts as empty)."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        add_error(errors, field, missing)
    elif len(text) > limit:
        add_error(errors, field, _("Ne vairāk kā %(n)s zīmes.") % {"n": limit})
    return text


def monthly_amount_field(value: object, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    """A monthly amount in euros: above 0, at most MAX_MONTHLY_AMOUNT, whole cents. A float is
    refused: it cannot say exactly which cents it means."""
    wrong = _("Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata.")
    if isinstance(value, float | bool):
        add_error(errors, field, wrong)
        return None
    try:
        amount = parse_money(value) if isinstance(value, str) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        add_error(errors, field, wrong)
        return None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        add_error(errors, field, wrong)
        return None
    if amount <= 0 or amount > MAX_MONTHLY_AMOUNT:
        add_error(
            errors,
            field,
            _("Summai jābūt lielākai par 0 un ne lielākai par %(max)s €.")
            % {"max": MAX_MONTHLY_AMOUNT},
        )
        return None
    return round_money(amount)
