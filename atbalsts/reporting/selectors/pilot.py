"""The pilot report: money by funding source, service and month, and the people it reached.

Computed in the database with a fixed number of queries whatever the data size: three
aggregates over the roll-ups billing keeps next to the ledger (money per service, source and
month; people per service; clients and their months — docs/performance.md) and one to name
the services. Python only arranges the aggregated rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, F, Max, Sum, Value

from atbalsts.billing.models import ClientMonths, ServiceMonths, SpendSummary
from atbalsts.catalog.models import ServiceType
from atbalsts.core.dates import month_start
from atbalsts.core.money import round_money
from atbalsts.people.models import Municipality, TargetGroup
from atbalsts.plans.models import FundingSource

from ..policies import report_policy
from .common import (
    ZERO,
    _bit_count_sql,
    _bits_set,
    _in_period,
    _rollup,
    _sum,
    latvian_sort_key,
    months_in,
    period_masks,
    report_municipalities,
)

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

    from .evaluation import OutcomesReport
    from .needed import BandNeed


@dataclass(frozen=True)
class SourceSpend:
    funding_source: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class ServiceSpend:
    service_type_id: int
    code: str
    name: str
    persons: int | None  # None: 1–2 persons, hidden (`hide_small_counts`)
    amount: Decimal


@dataclass(frozen=True)
class MonthSpend:
    month: dt.date
    amount: Decimal


@dataclass(frozen=True)
class PilotReport:
    """The figures the pilots reported, for some municipalities, a target group and a period.

    `municipalities` is empty for the national report (every municipality).
    """

    municipalities: list[Municipality]
    target_group: str | None
    date_from: dt.date
    date_to: dt.date
    total: Decimal = ZERO
    by_source: list[SourceSpend] = field(default_factory=list)
    clients: int | None = 0  # None (and client_months None): 1–2 clients, hidden
    client_months: int | None = 0
    services: list[ServiceSpend] = field(default_factory=list)
    monthly: list[MonthSpend] = field(default_factory=list)
    # Filled by `pilot_report_evaluated` (the page, the exports, the API and the command).
    outcomes: OutcomesReport | None = None
    budget_needed: list[BandNeed] | None = None
    # Counts of 1–2 persons are hidden (None) for this reader (`hide_small_counts`).
    small_counts_hidden: bool = False

    @property
    def national(self) -> bool:
        return not self.municipalities

    @property
    def is_empty(self) -> bool:
        return self.clients == 0

    @property
    def average_per_person_month(self) -> Decimal | None:
        """Total ÷ the sum of months each client received services, rounded once to the cent."""
        if not self.client_months:
            return None
        return round_money(self.total / self.client_months)

    @property
    def average_months(self) -> Decimal | None:
        """The sum of months received ÷ the number of clients, to two decimals (half up)."""
        if not self.clients or self.client_months is None:
            return None
        return (Decimal(self.client_months) / self.clients).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    @property
    def target_group_label(self) -> str:
        if not self.target_group:
            return ""
        return str(TargetGroup(self.target_group).label)


def _months_counted() -> Any:
    """Per group of rows of one client and year: the number of months set in any of them — a
    bitwise OR of the masks, then its bits counted. PostgreSQL has the OR as an aggregate
    (BIT_OR, computed once however often the expression names it); elsewhere it is one MAX per
    bit. Both run in CI; the PostgreSQL one keeps a national report's grouping small."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.aggregates import BitOr

        either = BitOr("in_period")
        if _bit_count_sql():
            return _bits_set(either)
        return sum((either.bitrightshift(bit).bitand(1) for bit in range(12)), Value(0))
    return sum((Max(F("in_period").bitrightshift(bit).bitand(1)) for bit in range(12)), Value(0))


def pilot_report(
    *,
    user: Viewer,
    municipalities: Sequence[Municipality] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
    counted: tuple[int, int] | None = None,
) -> PilotReport:
    """The pilot report from the roll-ups billing keeps next to the ledger (billing.ledger):
    three aggregate queries and one naming the services, whatever the data size (three when
    there is no money; plus one to name a municipal user's municipality if it is not loaded
    yet). `municipalities=None` is everything the user may see: the own municipality, or the
    whole country for national roles. Raises NotPermitted for a municipality outside the
    user's scope. `counted`: the clients and the sum of their months received, when the
    caller has them already (`pilot_report_evaluated` for one target group): one query
    fewer."""
    report_policy.require_municipalities(user, municipalities)
    masks = period_masks(date_from, date_to)
    labels = dict(FundingSource.choices)
    order = {value: i for i, value in enumerate(FundingSource.values)}
    by_source: dict[str, Decimal] = {}
    by_service: dict[int, Decimal] = {}
    names: dict[int, tuple[str, str]] = {}
    per_month: dict[dt.date, Decimal] = {}
    # Grouped by ids only: naming the services in the grouping made PostgreSQL hash wide text
    # keys (a national report's money query took 270 ms instead of 45); a fourth small query
    # names them.
    money = (
        _rollup(user, SpendSummary, municipalities, target_group)
        .filter(month__gte=month_start(date_from), month__lte=date_to)
        .exclude(amount=0)
        .values("funding_source", "service_type_id", "month")
        .annotate(total=Sum("amount"))
    )
    for row in money:
        amount = _sum(row["total"])
        service_id = row["service_type_id"]
        by_source[row["funding_source"]] = by_source.get(row["funding_source"], ZERO) + amount
        by_service[service_id] = by_service.get(service_id, ZERO) + amount
        per_month[row["month"]] = per_month.get(row["month"], ZERO) + amount
    if by_service:
        names = {
            pk: (code, name)
            for pk, code, name in ServiceType.objects.filter(pk__in=by_service).values_list(
                "pk", "code", "name_lv"
            )
        }
    persons: dict[int, int] = {}
    people: dict[str, Any] = {}
    if masks:
        persons = dict(
            _rollup(user, ServiceMonths, municipalities, target_group)
            .filter(year__in=masks)
            .annotate(in_period=_in_period(masks))
            .exclude(in_period=0)
            .values("service_type_id")
            .annotate(persons=Count("person", distinct=True))
            .values_list("service_type_id", "persons")
        )
    if masks and counted is not None:
        people = {"clients": counted[0], "client_months": counted[1]}
    elif masks:
        people = (
            _rollup(user, ClientMonths, municipalities, target_group)
            .filter(year__in=masks)
            .annotate(in_period=_in_period(masks))
            .exclude(in_period=0)
            .values("client_id", "year")
            .annotate(months=_months_counted())
            .aggregate(clients=Count("client_id", distinct=True), client_months=Sum("months"))
        )
    sources = sorted(
        (SourceSpend(s, str(labels.get(s, "")), a) for s, a in by_source.items()),
        key=lambda s: order.get(s.funding_source, len(order)),
    )
    services = sorted(
        (
            ServiceSpend(pk, names[pk][0], names[pk][1], persons.get(pk, 0), amount)
            for pk, amount in by_service.items()
        ),
        key=lambda s: (-(s.persons or 0), -s.amount, latvian_sort_key(s.name)),
    )
    return PilotReport(
        municipalities=report_municipalities(user=user, municipalities=municipalities),
        target_group=target_group or None,
        date_from=date_from,
        date_to=date_to,
        total=sum((s.amount for s in sources), ZERO),
        by_source=sources,
        clients=people.get("clients") or 0,
        client_months=people.get("client_months") or 0,
        services=services,
        monthly=[MonthSpend(m, per_month.get(m, ZERO)) for m in months_in(date_from, date_to)],
    )
