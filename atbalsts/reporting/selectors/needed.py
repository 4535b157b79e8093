"""The budget actually needed per assessment band: what the clients of each band spent a month.

One query whatever the data size: the database groups the clients by target group, band and
the number of months they received services, and Python adds up a few hundred rows exactly
(docs/performance.md, "The evaluation").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import Case, DecimalField, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.fields.json import KeyTextTransform, KeyTransform

from atbalsts.assessment.models import IndicativeBudget
from atbalsts.billing.models import CLIENT_MONTH_AMOUNTS, ClientMonths
from atbalsts.core.money import CENT, MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, round_money
from atbalsts.people.models import Municipality, TargetGroup

from ..policies import report_policy
from .common import _bit_count_sql, _bits_set, _ids, _in_period, _rollup, period_masks
from .pilot import _months_counted

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer


@dataclass(frozen=True)
class BandNeed:
    """Clients of a target group whose indicative budget in force was in one band, and what
    they actually spent a month (all funding sources). `band_code` "" is: no budget."""

    target_group: str
    band_code: str
    band_monthly: Decimal | None
    # None: a band of 1–2 clients, hidden with its average and maximum (`hide_small_counts`)
    clients: int | None
    average: Decimal | None
    maximum: Decimal | None

    @property
    def target_group_label(self) -> str:
        return str(TargetGroup(self.target_group).label)


def _period_money(masks: dict[int, int]) -> Case:
    """A ClientMonths row's money in the months of the period: the sum of its month columns
    that the period's mask for its year selects."""
    money: DecimalField[Decimal, Decimal] = DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    whens = []
    for year, mask in masks.items():
        columns = [F(CLIENT_MONTH_AMOUNTS[bit]) for bit in range(12) if mask >> bit & 1]
        whens.append(When(year=year, then=sum(columns[1:], columns[0])))
    return Case(*whens, default=Value(Decimal("0.00")), output_field=money)


def _months_over_years(masks: dict[int, int]) -> Any:
    """Per group of a client's rows over several years (PostgreSQL 14+): the months of the
    period set in any of them, year by year — `BIT_OR … FILTER (WHERE year = …)` of each
    year's masks, its bits counted with `bit_count` — added up."""
    from django.contrib.postgres.aggregates import BitOr

    ors = [
        BitOr(F("months").bitand(mask), filter=Q(year=year), default=0)
        for year, mask in masks.items()
    ]
    return sum((_bits_set(either) for either in ors), Value(0))


def _latest_budgets(
    user: Viewer,
    ids: list[int],
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
) -> QuerySet[Any]:
    """Per client (`b_client`) the band of the current indicative budget of their latest budget
    period overlapping the report period (the latest by start, then id): its code, the band's
    € a month as the calculation wrote it (`b_amount`, text) or, where it wrote none, the
    computed amount (`b_computed`)."""
    budgets = report_policy.scoped(
        user,
        IndicativeBudget.objects.filter(
            is_current=True, period__start__lte=date_to, period__end__gte=date_from
        ),
        "period__client__municipality_id",
    )
    if ids:
        budgets = budgets.filter(period__client__municipality_id__in=ids)
    if target_group:
        budgets = budgets.filter(period__client__target_group=target_group)
    later = budgets.filter(period__client_id=OuterRef("period__client_id")).filter(
        Q(period__start__gt=OuterRef("period__start"))
        | Q(period__start=OuterRef("period__start"), pk__gt=OuterRef("pk"))
    )
    latest: QuerySet[Any] = (
        budgets.exclude(Exists(later))
        .order_by()
        .annotate(
            b_client=F("period__client_id"),
            b_code=F("band_code"),
            b_amount=KeyTextTransform("monthly_amount", KeyTransform("band", "explanation")),
        )
        .annotate(
            b_computed=Case(
                When(b_amount__isnull=True, then=F("computed_monthly_amount")), default=None
            )
        )
        .values("b_client", "b_code", "b_amount", "b_computed")
    )
    return latest


def _per_client(
    user: Viewer, ids: list[int], target_group: str | None, masks: dict[int, int]
) -> tuple[str, tuple[Any, ...]]:
    """SQL of one row per client and target group (`c_client`, `c_group`): the money in the
    period (`amount`) and the months with money (`months`) — per year the OR of the masks of
    every municipality that paid, its bits counted, added up over the years."""
    rows = (
        _rollup(user, ClientMonths, ids, target_group)
        .filter(year__in=masks)
        .annotate(
            in_period=_in_period(masks),
            money=_period_money(masks),
            c_client=F("client_id"),
            c_group=F("target_group"),
        )
        .exclude(in_period=0)
    )
    if _bit_count_sql():  # PostgreSQL 14+: one row per client
        grouped = rows.values("c_client", "c_group").annotate(
            amount=Sum("money"), months=_months_over_years(masks)
        )
        sql, params = grouped.query.sql_with_params()
        return sql, tuple(params)
    # Elsewhere one row per client and year, added up over the years by an outer query (one
    # expression over every year would nest twelve terms a year, past SQLite's parser depth).
    yearly = rows.values("c_client", "c_group", "year").annotate(
        amount=Sum("money"), months=_months_counted()
    )
    sql, params = yearly.query.sql_with_params()
    # Django compiled `sql`; the values are parameters.
    outer = (
        "SELECT y.c_client, y.c_group, SUM(y.amount) AS amount, SUM(y.months) AS months "  # noqa: S608
        f"FROM ({sql}) y GROUP BY y.c_client, y.c_group"
    )
    return outer, tuple(params)


def _exact(value: Decimal | float | int) -> Fraction:
    """A database sum of cent amounts as an exact number. PostgreSQL adds `numeric` exactly;
    SQLite returns binary floats (5601.18000000001), and a sum of whole cents rounded to the
    cent is the exact sum. Not a business rounding: the figures stay exact."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    return Fraction(round_money(value))


def _to_cent(value: Fraction) -> Decimal:
    """An exact number rounded once to the cent, half up (away from zero), as `round_money`."""
    cents = abs(value) * 100
    whole = int(cents + Fraction(1, 2))
    return (Decimal(whole if value >= 0 else -whole) / 100).quantize(CENT)


def _band(code: str | None, amount: Any, computed: Any) -> tuple[str, Decimal | None]:
    """(code, € a month) of a band as the calculation wrote it; ("", None) without a budget."""
    if code is None:
        return "", None
    written = amount if amount is not None else computed
    if isinstance(written, float):
        written = repr(written)
    return code, round_money(Decimal(str(written)))


def budget_needed_by_band(
    *,
    user: Viewer,
    municipalities: Sequence[Municipality | int] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
) -> list[BandNeed]:
    """Per target group and band: each client's actual monthly spend (their total in the
    period ÷ the months they received services, as in the pilot report), averaged and the
    maximum over the band's clients, rounded once to the cent. A client's band is that of the
    current indicative budget of their latest budget period overlapping the report period.

    One query whatever the data size: the clients' money and months from the ClientMonths
    roll-up (each month's money is kept there next to the month's bit, docs/performance.md),
    joined to their band, grouped by target group, band and number of months — count, sum and
    maximum of the money. Clients with the same number of months m add up as (Σ money) ÷ m and
    their maximum is (max money) ÷ m, so Python computes the average and the maximum exactly
    (as fractions) from a few hundred rows and rounds each once."""
    report_policy.require_municipalities(user, municipalities)
    return _bands(_grouped_rows(user, municipalities, target_group, date_from, date_to))


def budget_needed_with_counts(
    *,
    user: Viewer,
    municipalities: Sequence[Municipality | int] | None,
    target_group: str,
    date_from: dt.date,
    date_to: dt.date,
) -> tuple[list[BandNeed], int, int]:
    """The budget needed per band of one target group, and from the same rows the pilot
    report's clients (the sum of the counts) and the sum of the months each received (the sum
    of months × count): for one target group a client is one row of the grouping, with the
    months of every municipality that paid ORed, exactly as the report counts them. (With both
    groups a client paid under both would be two rows, so the report counts its own.)"""
    report_policy.require_municipalities(user, municipalities)
    rows = _grouped_rows(user, municipalities, target_group, date_from, date_to)
    clients = sum(int(row[5]) for row in rows)
    months = sum(int(row[4]) * int(row[5]) for row in rows)
    return _bands(rows), clients, months


def _grouped_rows(
    user: Viewer,
    municipalities: Sequence[Municipality | int] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
) -> list[tuple[Any, ...]]:
    """The clients grouped by target group, band and number of months (one query)."""
    masks = period_masks(date_from, date_to)
    if not masks:
        return []
    ids = _ids(municipalities)
    clients_sql, clients_params = _per_client(user, ids, target_group, masks)
    budgets = _latest_budgets(user, ids, target_group, date_from, date_to)
    budgets_sql, budgets_params = budgets.query.sql_with_params()
    # Django compiled both subqueries; the values are parameters.
    sql = (
        "SELECT t.c_group, b.b_code, b.b_amount, b.b_computed, t.months, "  # noqa: S608
        "COUNT(*), SUM(t.amount), MAX(t.amount) "
        f"FROM ({clients_sql}) t LEFT JOIN ({budgets_sql}) b ON b.b_client = t.c_client "
        "GROUP BY t.c_group, b.b_code, b.b_amount, b.b_computed, t.months"
    )
    with connections[budgets.db].cursor() as cursor:
        cursor.execute(sql, (*clients_params, *tuple(budgets_params)))
        return list(cursor.fetchall())


def _bands(rows: Sequence[Sequence[Any]]) -> list[BandNeed]:
    """The bands from the grouped rows (target group, band code, band amount as written,
    computed amount, months, clients, Σ money, max money): exact fractions, rounded once."""
    groups: dict[tuple[str, str, Decimal | None], tuple[int, Fraction, Fraction]] = {}
    for group, code, amount, computed, months, clients, total, top, *_ in rows:
        key = (group, *_band(code, amount, computed))
        count, money, highest = groups.get(key, (0, Fraction(0), Fraction(0)))
        monthly_top = _exact(top) / months
        groups[key] = (
            count + clients,
            money + _exact(total) / months,
            monthly_top if not count or monthly_top > highest else highest,
        )
    result = [
        BandNeed(
            target_group=group,
            band_code=code,
            band_monthly=monthly,
            clients=count,
            average=_to_cent(money / count),
            maximum=_to_cent(highest),
        )
        for (group, code, monthly), (count, money, highest) in groups.items()
    ]
    return sorted(
        result,
        key=lambda b: (b.target_group, b.band_monthly is None, b.band_monthly or 0, b.band_code),
    )
