"""A prototype of report roll-ups for the national pilot report (docs/performance.md).

The pilot report over `billing.MonthlySpend` reads one row per client × recipient × service ×
funding source × month: at national scale millions of rows, and two of its figures (people per
service, months received) need COUNT(DISTINCT …) over all of them. These roll-ups hold the same
facts in three small tables, so that every figure is a sum or a distinct count over thousands
of rows:

- `rollup_spend`: money, units and sessions per municipality × target group × service ×
  funding source × month (additive: totals, by source, by service, by month);
- `rollup_person_year`: per person (the client, or minus the support-circle member's id) ×
  service × year, a 12-bit mask of the months the person received that service;
- `rollup_client_year`: per client × year, a 12-bit mask of the months the client received
  any service (the "months received" of the report).

A period is a set of (year, month mask) pairs, so "did the person receive the service in the
period" is `months & mask <> 0`, and "in how many months" is the number of bits of
`months & mask`. Only portable SQL is used (`&`, `|`, `>>` work on SQLite and PostgreSQL).

The tables are plain SQL, not models: this is a measurement to decide the design, built
from MonthlySpend by `rebuild()`; `add_spend()` shows the update billing would make in the
approval transaction. Nothing in the product reads them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connection

from atbalsts.billing.models import MonthlySpend
from atbalsts.catalog.models import ServiceType
from atbalsts.core.policies import municipality_scope
from atbalsts.people.models import Municipality
from atbalsts.plans.models import FundingSource
from atbalsts.reporting.policies import report_policy
from atbalsts.reporting.selectors import (
    ZERO,
    MonthSpend,
    PilotReport,
    ServiceSpend,
    SourceSpend,
    _named,
    _sum,
    latvian_sort_key,
    month_start,
    months_in,
)

TABLES = ("rollup_spend", "rollup_person_year", "rollup_client_year")

_DDL = (
    """
    CREATE TABLE IF NOT EXISTS rollup_spend (
        municipality_id bigint NOT NULL,
        target_group varchar(20) NOT NULL,
        service_type_id bigint NOT NULL,
        funding_source varchar(20) NOT NULL,
        month date NOT NULL,
        amount numeric(14, 2) NOT NULL,
        units numeric(14, 2) NOT NULL,
        sessions integer NOT NULL,
        PRIMARY KEY (municipality_id, target_group, service_type_id, funding_source, month)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_person_year (
        municipality_id bigint NOT NULL,
        target_group varchar(20) NOT NULL,
        service_type_id bigint NOT NULL,
        person bigint NOT NULL,
        year integer NOT NULL,
        months integer NOT NULL,
        PRIMARY KEY (municipality_id, target_group, service_type_id, person, year)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_client_year (
        municipality_id bigint NOT NULL,
        target_group varchar(20) NOT NULL,
        client_id bigint NOT NULL,
        year integer NOT NULL,
        months integer NOT NULL,
        PRIMARY KEY (municipality_id, target_group, client_id, year)
    )
    """,
)


def _year_month(column: str) -> tuple[str, str]:
    """SQL for the year and the month number of a date column (the one non-portable bit,
    used only when rebuilding)."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(YEAR FROM {column})::int", f"EXTRACT(MONTH FROM {column})::int"
    return (
        f"CAST(strftime('%Y', {column}) AS INTEGER)",
        f"CAST(strftime('%m', {column}) AS INTEGER)",
    )


def create_tables() -> None:
    with connection.cursor() as cursor:
        for statement in _DDL:
            cursor.execute(statement)


def rebuild() -> None:
    """Fill the roll-ups from MonthlySpend (rows with money on them, as the report counts)."""
    create_tables()
    spend = MonthlySpend._meta.db_table
    year, month = _year_month("month")
    person = "CASE WHEN recipient_id = 0 THEN client_id ELSE 0 - recipient_id END"
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(
            f"""
            INSERT INTO rollup_spend
            SELECT municipality_id, target_group, service_type_id, funding_source, month,
                   SUM(amount), SUM(units), SUM(sessions)
            FROM {spend} WHERE amount <> 0
            GROUP BY municipality_id, target_group, service_type_id, funding_source, month
            """  # noqa: S608
        )
        cursor.execute(
            f"""
            INSERT INTO rollup_person_year
            SELECT municipality_id, target_group, service_type_id, {person}, {year},
                   SUM(DISTINCT 1 << ({month} - 1))
            FROM {spend} WHERE amount <> 0
            GROUP BY municipality_id, target_group, service_type_id, {person}, {year}
            """  # noqa: S608
        )
        cursor.execute(
            f"""
            INSERT INTO rollup_client_year
            SELECT municipality_id, target_group, client_id, {year},
                   SUM(DISTINCT 1 << ({month} - 1))
            FROM {spend} WHERE amount <> 0
            GROUP BY municipality_id, target_group, client_id, {year}
            """  # noqa: S608
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(TABLES)}")


def add_spend(
    *,
    municipality_id: int,
    target_group: str,
    client_id: int,
    recipient_id: int,
    service_type_id: int,
    funding_source: str,
    month: dt.date,
    amount: Decimal,
    units: Decimal,
    sessions: int,
) -> None:
    """What invoice approval would do next to its MonthlySpend update, in the same
    transaction: add the money to the month's summary row and set the month's bit for the
    person and the client (update, else insert; `|` keeps the bit set if it already was)."""
    if amount == 0:
        return
    bit = 1 << (month.month - 1)
    person = client_id if recipient_id == 0 else -recipient_id
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE rollup_spend SET amount = amount + %s, units = units + %s,
                   sessions = sessions + %s
            WHERE municipality_id = %s AND target_group = %s AND service_type_id = %s
              AND funding_source = %s AND month = %s
            """,
            [
                amount,
                units,
                sessions,
                municipality_id,
                target_group,
                service_type_id,
                funding_source,
                month,
            ],
        )
        if cursor.rowcount == 0:
            cursor.execute(
                "INSERT INTO rollup_spend VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    municipality_id,
                    target_group,
                    service_type_id,
                    funding_source,
                    month,
                    amount,
                    units,
                    sessions,
                ],
            )
        extra: list[Any]
        for table, who, extra in (
            (
                "rollup_person_year",
                "service_type_id = %s AND person = %s",
                [service_type_id, person],
            ),
            ("rollup_client_year", "client_id = %s", [client_id]),
        ):
            where = f"municipality_id = %s AND target_group = %s AND {who} AND year = %s"
            key: list[Any] = [municipality_id, target_group, *extra, month.year]
            cursor.execute(
                f"UPDATE {table} SET months = months | %s WHERE {where}",  # noqa: S608
                [bit, *key],
            )
            if cursor.rowcount == 0:
                marks = ", ".join(["%s"] * (len(key) + 1))
                cursor.execute(f"INSERT INTO {table} VALUES ({marks})", [*key, bit])  # noqa: S608


def _money(value: Any) -> Decimal:
    """A summed amount back to exact cents: SQLite adds `numeric` as binary floats
    (5601.18000000001); PostgreSQL returns the exact Decimal."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    return _sum(value)


def period_masks(date_from: dt.date, date_to: dt.date) -> dict[int, int]:
    """The calendar months a period touches, as year → 12-bit mask (bit 0 = January)."""
    masks: dict[int, int] = {}
    for month in months_in(date_from, date_to):
        masks[month.year] = masks.get(month.year, 0) | 1 << (month.month - 1)
    return masks


def _popcount(expression: str) -> str:
    return " + ".join(f"(({expression}) >> {bit} & 1)" for bit in range(12))


def pilot_report(
    *,
    user: Any,
    municipalities: Sequence[Municipality] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
) -> PilotReport:
    """The pilot report from the roll-ups, in three queries; the same result as
    `reporting.selectors.pilot_report` over MonthlySpend."""
    report_policy.require_municipalities(user, municipalities)
    where = ["1 = 1"]
    params: list[Any] = []
    scope = municipality_scope(user)
    if scope is not None:
        where.append("municipality_id = %s")
        params.append(scope)
    if municipalities:
        where.append(f"municipality_id IN ({', '.join(['%s'] * len(municipalities))})")
        params.extend(m.pk for m in municipalities)
    if target_group:
        where.append("target_group = %s")
        params.append(target_group)
    masks = period_masks(date_from, date_to) or {date_from.year: 0}
    mask_case = (
        "CASE year " + " ".join(f"WHEN {y} THEN {m}" for y, m in masks.items()) + " ELSE 0 END"
    )
    filters = " AND ".join(where)
    labels = dict(FundingSource.choices)
    order = {value: i for i, value in enumerate(FundingSource.values)}
    names: dict[int, tuple[str, str]] = {}
    by_source: dict[str, Decimal] = {}
    by_service: dict[int, Decimal] = {}
    per_month: dict[dt.date, Decimal] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT r.funding_source, r.service_type_id, s.code, s.name_lv, r.month, r.amount
            FROM (
                SELECT funding_source, service_type_id, month, SUM(amount) AS amount
                FROM rollup_spend WHERE {filters} AND month >= %s AND month <= %s
                GROUP BY funding_source, service_type_id, month
            ) r JOIN {ServiceType._meta.db_table} s ON s.id = r.service_type_id
            """,  # noqa: S608
            [*params, month_start(date_from), date_to],
        )
        for source, service_id, code, name, month, amount in cursor.fetchall():
            names[service_id] = (code, name)
            amount = _money(amount)
            if isinstance(month, str):
                month = dt.date.fromisoformat(month)
            by_source[source] = by_source.get(source, ZERO) + amount
            by_service[service_id] = by_service.get(service_id, ZERO) + amount
            per_month[month] = per_month.get(month, ZERO) + amount
        cursor.execute(
            f"""
            SELECT service_type_id, COUNT(*) FROM (
                SELECT service_type_id, person FROM rollup_person_year
                WHERE {filters} AND (months & ({mask_case})) <> 0
                GROUP BY service_type_id, person
            ) p GROUP BY service_type_id
            """,  # noqa: S608
            params,
        )
        persons = dict(cursor.fetchall())
        cursor.execute(
            f"""
            SELECT COUNT(*), SUM(months) FROM (
                SELECT client_id, SUM({_popcount(f"months & ({mask_case})")}) AS months
                FROM rollup_client_year
                WHERE {filters} AND (months & ({mask_case})) <> 0
                GROUP BY client_id
            ) c
            """,  # noqa: S608
            params,
        )
        clients, client_months = cursor.fetchone()
    sources = sorted(
        (SourceSpend(s, str(labels.get(s, "")), a) for s, a in by_source.items()),
        key=lambda s: order.get(s.funding_source, len(order)),
    )
    services = sorted(
        (
            ServiceSpend(pk, names[pk][0], names[pk][1], persons.get(pk, 0), amount)
            for pk, amount in by_service.items()
        ),
        key=lambda s: (-s.persons, -s.amount, latvian_sort_key(s.name)),
    )
    return PilotReport(
        municipalities=_named(user, municipalities),
        target_group=target_group or None,
        date_from=date_from,
        date_to=date_to,
        total=sum((s.amount for s in sources), ZERO),
        by_source=sources,
        clients=clients or 0,
        client_months=int(client_months or 0),
        services=services,
        monthly=[MonthSpend(m, per_month.get(m, ZERO)) for m in months_in(date_from, date_to)],
    )
