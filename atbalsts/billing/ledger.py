"""The monthly spend ledger and its report roll-ups: the one place that writes them.

Invoice approval adds each approved line through `add_spend`, in the approval's transaction:
the MonthlySpend row (the budget ledger reads it) and the three roll-ups the pilot report
and its budget needed per band read (models.SpendSummary, ServiceMonths, ClientMonths — the
latter with each month's money as well). `rebuild` computes the roll-ups
again from MonthlySpend in a few set-based statements (after a bulk load, or to repair).

An approved credit note takes money back through `subtract_spend`, in the service month the
money was booked in: the amounts move by exactly what was credited, and the month bits of the
person and the client are computed again from their MonthlySpend rows with money on them
(another service or recipient may still hold the month), never cleared blindly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F

from .models import (
    CLIENT_MONTH_AMOUNTS,
    ClientMonths,
    MonthlySpend,
    ServiceMonths,
    SpendSummary,
    client_month_amount,
)


def month_bit(month: dt.date) -> int:
    """The month's bit in a year's 12-bit mask (bit 0 = January)."""
    return 1 << (month.month - 1)


def person_of(client_id: int, recipient_id: int) -> int:
    """One number per person: the client's id, or minus the support-circle member's id."""
    return client_id if recipient_id == 0 else -recipient_id


def _upsert(
    model: type[models.Model], key: dict[str, Any], change: dict[str, Any], new: dict[str, Any]
) -> None:
    """Update the row, or insert it; if a concurrent transaction inserted it first, the insert
    fails on the unique key and the update repeats (then under that row's lock)."""
    manager = model._default_manager
    if manager.filter(**key).update(**change):
        return
    try:
        with transaction.atomic():
            manager.create(**key, **new)
    except IntegrityError:
        manager.filter(**key).update(**change)


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
    """Add approved money to the ledger and the roll-ups, under the municipality of the
    invoice (a client who moves within a month has a row in each municipality)."""
    month = month.replace(day=1)
    added = {
        "amount": F("amount") + amount,
        "units": F("units") + units,
        "sessions": F("sessions") + sessions,
    }
    _upsert(
        MonthlySpend,
        {
            "municipality_id": municipality_id,
            "client_id": client_id,
            "recipient_id": recipient_id,
            "service_type_id": service_type_id,
            "funding_source": funding_source,
            "month": month,
        },
        added,
        {
            "target_group": target_group,
            "amount": amount,
            "units": units,
            "sessions": sessions,
        },
    )
    where = {"municipality_id": municipality_id, "target_group": target_group}
    _upsert(
        SpendSummary,
        {
            **where,
            "service_type_id": service_type_id,
            "funding_source": funding_source,
            "month": month,
        },
        added,
        {"amount": amount, "units": units, "sessions": sessions},
    )
    if amount == 0:  # a person or client counts only in months with money on them
        return
    bit = month_bit(month)
    _upsert(
        ServiceMonths,
        {
            **where,
            "service_type_id": service_type_id,
            "person": person_of(client_id, recipient_id),
            "year": month.year,
        },
        {"months": F("months").bitor(bit)},
        {"months": bit},
    )
    money = client_month_amount(month.month)
    _upsert(
        ClientMonths,
        {**where, "client_id": client_id, "year": month.year},
        {"months": F("months").bitor(bit), money: F(money) + amount},
        {"months": bit, money: amount},
    )


def subtract_spend(
    *,
    municipality_id: int,
    client_id: int,
    recipient_id: int,
    service_type_id: int,
    funding_source: str,
    month: dt.date,
    amount: Decimal,
    units: Decimal,
    sessions: int,
) -> None:
    """Take credited money back from the ledger row it was added to and from the roll-ups.
    The row must exist and hold at least `amount` (a credit note never gives back more than
    was approved); its target group is the one the money was booked under."""
    month = month.replace(day=1)
    key = {
        "municipality_id": municipality_id,
        "client_id": client_id,
        "recipient_id": recipient_id,
        "service_type_id": service_type_id,
        "funding_source": funding_source,
        "month": month,
    }
    row = MonthlySpend.objects.select_for_update().get(**key)
    if row.amount < amount:
        raise ValueError("a credit larger than the ledger row")  # the service checks first
    taken = {
        "amount": F("amount") - amount,
        "units": F("units") - units,
        "sessions": F("sessions") - sessions,
    }
    MonthlySpend.objects.filter(pk=row.pk).update(**taken)
    where = {"municipality_id": municipality_id, "target_group": row.target_group}
    SpendSummary.objects.filter(
        **where, service_type_id=service_type_id, funding_source=funding_source, month=month
    ).update(**taken)
    money = client_month_amount(month.month)
    ClientMonths.objects.filter(**where, client_id=client_id, year=month.year).update(
        **{money: F(money) - amount}
    )
    months_recompute(
        municipality_id=municipality_id,
        target_group=row.target_group,
        client_id=client_id,
        recipient_id=recipient_id,
        service_type_id=service_type_id,
        year=month.year,
    )


def _mask(rows: models.QuerySet[MonthlySpend]) -> int:
    mask = 0
    for month in rows.exclude(amount=0).values_list("month", flat=True).distinct():
        mask |= month_bit(month)
    return mask


def months_recompute(
    *,
    municipality_id: int,
    target_group: str,
    client_id: int,
    recipient_id: int,
    service_type_id: int,
    year: int,
) -> None:
    """Set the person's months of the service and the client's months of the year from their
    ledger rows with money on them; a roll-up row left with no month goes (as `rebuild`
    would not write it)."""
    rows = MonthlySpend.objects.filter(
        municipality_id=municipality_id,
        target_group=target_group,
        client_id=client_id,
        month__year=year,
    )
    where = {"municipality_id": municipality_id, "target_group": target_group}
    service_rows = ServiceMonths.objects.filter(
        **where,
        service_type_id=service_type_id,
        person=person_of(client_id, recipient_id),
        year=year,
    )
    service_mask = _mask(rows.filter(service_type_id=service_type_id, recipient_id=recipient_id))
    if service_mask:
        service_rows.update(months=service_mask)
    else:
        service_rows.delete()
    client_rows = ClientMonths.objects.filter(**where, client_id=client_id, year=year)
    client_mask = _mask(rows)
    if client_mask:
        client_rows.update(months=client_mask)
    else:
        client_rows.delete()


def _year_and_month(column: str) -> tuple[str, str]:
    """SQL for the year and the month number of a date column: the one statement that
    differs between the two databases (both branches run in CI)."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) AS integer)", (
            f"CAST(EXTRACT(MONTH FROM {column}) AS integer)"
        )
    return (
        f"CAST(strftime('%Y', {column}) AS integer)",
        f"CAST(strftime('%m', {column}) AS integer)",
    )


def rebuild(progress: Callable[[int, int], None] | None = None) -> None:
    """Compute the roll-ups again from MonthlySpend: all of the money; the months (and
    ClientMonths' money per month) only of rows with money on them. `progress(done, 4)` is
    called after each of its four steps (the background job's progress)."""
    step = progress or (lambda done, total: None)
    spend = MonthlySpend._meta.db_table
    summary = SpendSummary._meta.db_table
    service_months = ServiceMonths._meta.db_table
    client_months = ClientMonths._meta.db_table
    year, month = _year_and_month("month")
    bit = f"SUM(DISTINCT 1 << ({month} - 1))"
    person = "CASE WHEN recipient_id = 0 THEN client_id ELSE 0 - recipient_id END"
    with transaction.atomic(), connection.cursor() as cursor:
        step(0, 4)
        for table in (summary, service_months, client_months):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - table names from the models
        step(1, 4)
        cursor.execute(
            f"""
            INSERT INTO {summary} (municipality_id, target_group, service_type_id,
                                   funding_source, month, amount, units, sessions)
            SELECT municipality_id, target_group, service_type_id, funding_source, month,
                   SUM(amount), SUM(units), SUM(sessions)
            FROM {spend}
            GROUP BY municipality_id, target_group, service_type_id, funding_source, month
            """  # noqa: S608
        )
        step(2, 4)
        cursor.execute(
            f"""
            INSERT INTO {service_months} (municipality_id, target_group, service_type_id,
                                          person, year, months)
            SELECT municipality_id, target_group, service_type_id, {person}, {year}, {bit}
            FROM {spend} WHERE amount <> 0
            GROUP BY municipality_id, target_group, service_type_id, {person}, {year}
            """  # noqa: S608
        )
        step(3, 4)
        amounts = ", ".join(CLIENT_MONTH_AMOUNTS)
        per_month = ", ".join(
            f"SUM(CASE WHEN {month} = {number} THEN amount ELSE 0 END)" for number in range(1, 13)
        )
        cursor.execute(
            f"""
            INSERT INTO {client_months} (municipality_id, target_group, client_id, year, months,
                                         {amounts})
            SELECT municipality_id, target_group, client_id, {year}, {bit}, {per_month}
            FROM {spend} WHERE amount <> 0
            GROUP BY municipality_id, target_group, client_id, {year}
            """  # noqa: S608
        )
        step(4, 4)
