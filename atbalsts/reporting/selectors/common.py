"""What every report shares: Latvian sort order, the months of a period, the ledger in scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.db.models import Case, F, Func, IntegerField, QuerySet, Value, When

from atbalsts.assessment.dates import add_months
from atbalsts.billing.ledger import month_bit
from atbalsts.billing.models import MonthlySpend
from atbalsts.core.dates import month_start
from atbalsts.core.money import round_money
from atbalsts.core.policies import municipality_scope
from atbalsts.people.models import Municipality

from ..policies import report_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

ZERO = Decimal("0.00")

# The Latvian alphabet, so that "Ģimenes asistents" sorts after "Grupu…" and before "Individuālā…"
# on every database (SQLite and PostgreSQL collate differently, and neither in Latvian).
_LATVIAN_ORDER = "aābcčdeēfgģhiījkķlļmnņoqprsštuūvwxyzž"
_RANK = {ch: 1000 + i for i, ch in enumerate(_LATVIAN_ORDER)}


def latvian_sort_key(text: str) -> tuple[tuple[int, ...], str]:
    """Sort key in Latvian alphabetical order (case-insensitive, then by the exact text)."""
    return tuple(
        _RANK.get(ch, ord(ch) if ch < "\x80" else 100_000 + ord(ch)) for ch in text.lower()
    ), text


def months_in(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    """The first days of the calendar months from the month of `date_from` to that of `date_to`."""
    months = []
    month = month_start(date_from)
    while month <= date_to:
        months.append(month)
        month = add_months(month, 1)
    return months


def period_masks(date_from: dt.date, date_to: dt.date) -> dict[int, int]:
    """The calendar months a period touches, as year → 12-bit mask (bit 0 = January)."""
    masks: dict[int, int] = {}
    for month in months_in(date_from, date_to):
        masks[month.year] = masks.get(month.year, 0) | month_bit(month)
    return masks


def _sum(value: Decimal | int | None) -> Decimal:
    """A database sum of cent amounts, back to exact cents. PostgreSQL adds `numeric` exactly;
    SQLite adds them as binary floats (5601.18000000001), and the sum of whole cents rounded
    to the cent is the exact sum. Not a business rounding: the figures stay exact."""
    return round_money(value or 0)


def _ids(municipalities: Sequence[Municipality | int] | None) -> list[int]:
    return [m if isinstance(m, int) else m.pk for m in municipalities or ()]


def _in_period(masks: dict[int, int]) -> Case:
    """A row's months that fall in the period: its mask AND the period's mask for its year."""
    return Case(
        *(When(year=year, then=F("months").bitand(mask)) for year, mask in masks.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def _bit_count_sql() -> bool:
    """Whether the database counts the bits of a mask itself (PostgreSQL 14 and later have
    `bit_count`): one function call instead of twelve shifted terms for Django to compile."""
    return connection.vendor == "postgresql" and connection.pg_version >= 140000  # type: ignore[attr-defined]


def _bits_set(mask: Any) -> Any:
    """The number of bits set in a 12-bit mask expression, on PostgreSQL 14+."""
    return Func(mask, template="bit_count((%(expressions)s)::bit(12))", output_field=IntegerField())


def _rollup(
    user: Viewer,
    model: type[models.Model],
    municipalities: Sequence[Municipality | int] | None,
    target_group: str | None,
) -> QuerySet[Any]:
    """One of the roll-ups billing keeps next to the ledger, in the user's scope and the
    report's municipalities and target group."""
    qs = report_policy.visible(user, model._default_manager.all())
    if municipalities:
        qs = qs.filter(municipality_id__in=_ids(municipalities))
    if target_group:
        qs = qs.filter(target_group=target_group)
    return qs.order_by()


def spend_rows(
    *,
    user: Viewer,
    municipalities: Sequence[Municipality | int] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
) -> QuerySet[MonthlySpend]:
    """The ledger rows a report counts: in the user's scope, the municipalities, the target
    group and the calendar months the period touches, with money on them."""
    report_policy.require_municipalities(user, municipalities)
    qs = report_policy.visible(user, MonthlySpend.objects.all())
    if municipalities:
        qs = qs.filter(municipality_id__in=_ids(municipalities))
    if target_group:
        qs = qs.filter(target_group=target_group)
    return (
        qs.filter(month__gte=month_start(date_from), month__lte=date_to)
        .exclude(amount=0)
        .order_by()
    )


def report_municipalities(
    *, user: Viewer, municipalities: Sequence[Municipality] | None
) -> list[Municipality]:
    """The municipalities a report covers: those asked for, else the user's own; none for the
    whole country."""
    if municipalities:
        return list(municipalities)
    if municipality_scope(user) and user.is_authenticated and user.municipality is not None:
        return [user.municipality]
    return []
