"""Co-financing: splitting an amount of one funding source into its payers' shares.

The rounding rule: an amount is split once, by cumulative rounding. With shares p1 … pn (in
percent, summing to 100), payer k gets round(amount × (p1 + … + pk) / 100) minus
round(amount × (p1 + … + pk−1) / 100), each rounded half up to the cent (`core.money`).
So the shares always add up to the amount exactly, each differs from its exact value by less
than a cent, the rounding remainder never piles up on one payer, and the same amount always
splits the same way. A month's money per source is split as one amount (the report adds the
split months up; it never splits a sum again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

from django.db.models import Q

from atbalsts.core.money import round_money

from .programme_models import CoFinancing

K = TypeVar("K")
HUNDRED = Decimal(100)


def split_by_shares(
    amount: Decimal, shares: Sequence[tuple[K, Decimal]]
) -> list[tuple[K, Decimal]]:
    """`amount` split over `shares` [(payer, percent)] whose percents sum to 100."""
    result: list[tuple[K, Decimal]] = []
    cumulative = Decimal(0)
    previous = round_money(0)
    for i, (payer, percent) in enumerate(shares):
        cumulative += percent
        upto = amount if i == len(shares) - 1 else round_money(amount * cumulative / HUNDRED)
        result.append((payer, upto - previous))
        previous = upto
    return result


def splits_in_force(
    day: dt.date, municipality_ids: Sequence[int] | None = None
) -> list[CoFinancing]:
    """The co-financing splits valid on `day` (with their shares), national and of the
    municipalities named (all when None)."""
    qs = CoFinancing.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    if municipality_ids is not None:
        qs = qs.filter(Q(municipality__isnull=True) | Q(municipality_id__in=municipality_ids))
    return list(qs.prefetch_related("shares"))


def split_for(
    splits: Sequence[CoFinancing], source: str, municipality_id: int, day: dt.date
) -> CoFinancing | None:
    """The split of `source` on `day` for the municipality: its own before the national one."""
    own = national = None
    for split in splits:
        if split.funding_source != source or split.valid_from > day:
            continue
        if split.valid_to is not None and split.valid_to < day:
            continue
        if split.municipality_id == municipality_id:
            own = split
        elif split.municipality_id is None:
            national = split
    return own or national
