"""The providers' monthly invoices of the generated sessions and the spend they add up to."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from atbalsts.assessment.dates import add_months
from atbalsts.billing.models import (
    Invoice,
    InvoicedSession,
    InvoiceLine,
    InvoiceSource,
    InvoiceStatus,
    MonthlySpend,
)

from .bulk import Table
from .state import PAID_SHARE, Generator, Line, aware

# (municipality, provider) → the month's invoice lines: the plan line, its invoiceable
# sessions' ids, their units and amount
InvoicedLines = dict[tuple[int, int], list[tuple[Line, list[int], Decimal, Decimal]]]


@dataclass
class InvoiceTables:
    """The rows of the invoices, their lines, the sessions each line bills and the spend."""

    invoices: Table
    lines: Table
    links: Table
    spend: Table

    @classmethod
    def open(cls) -> InvoiceTables:
        links = Table(InvoicedSession, ["id", "session", "line"])
        invoices = Table(
            Invoice,
            [
                "id",
                "created_at",
                "updated_at",
                "municipality",
                "provider",
                "month",
                "number",
                "source",
                "status",
                "submitted_by",
                "entered_by",
                "submitted_at",
                "confirmed_by",
                "confirmed_at",
                "approved_by",
                "approved_at",
                "paid_on",
                "payment_reference",
                "paid_recorded_by",
                "rejected_by",
                "rejected_at",
                "rejection_reason",
                "total",
                "difference_count",
            ],
        )
        invoice_lines = Table(
            InvoiceLine,
            [
                "id",
                "invoice",
                "position",
                "client",
                "letter",
                "line_key",
                "service_type",
                "recipient",
                "funding_source",
                "quantity",
                "unit_price",
                "amount",
                "recorded_quantity",
                "recorded_amount",
                "sessions",
                "differences",
            ],
        )
        spend = Table(
            MonthlySpend,
            [
                "id",
                "municipality",
                "target_group",
                "client",
                "recipient_id",
                "service_type",
                "funding_source",
                "month",
                "amount",
                "units",
                "sessions",
            ],
        )
        return cls(invoices=invoices, lines=invoice_lines, links=links, spend=spend)

    def flush(self) -> None:
        for table in (self.invoices, self.lines, self.links, self.spend):
            table.flush()


def has_invoiced(gen: Generator, m: int, municipality_id: int, provider_id: int) -> bool:
    """Has the provider invoiced the month? Every earlier month yes; the last month, half
    of the providers (decided per provider, whatever order the sessions come in)."""
    if m < len(gen.country.months) - 1:
        return True
    return random.Random(f"{gen.seed}-{municipality_id}-{provider_id}").random() < 0.5


def write_invoices(
    gen: Generator, m: int, month: dt.date, invoiced: InvoicedLines, tables: InvoiceTables
) -> None:
    """One invoice per provider × municipality × month. Earlier months are approved (most
    of them paid); of the last month half the providers have submitted and the rest not
    yet, so those sessions are not invoiced at all."""
    rng = gen.rng
    invoices, invoice_lines, links, spend = (
        tables.invoices,
        tables.lines,
        tables.links,
        tables.spend,
    )
    last_month = m == len(gen.country.months) - 1
    closed = add_months(month, 1)
    for (municipality_id, provider_id), items in sorted(invoiced.items()):
        staff = gen.country.staff[municipality_id]
        if not has_invoiced(gen, m, municipality_id, provider_id):
            continue
        if last_month:
            status = InvoiceStatus.SUBMITTED
        else:
            status = InvoiceStatus.PAID if rng.random() < PAID_SHARE else InvoiceStatus.APPROVED
        approved = status in (InvoiceStatus.APPROVED, InvoiceStatus.PAID)
        invoice_id = invoices.new_id()
        total = sum((amount for _line, _ids, _units, amount in items), Decimal("0.00"))
        worker = staff.workers[0].pk
        entered = aware(closed + dt.timedelta(days=rng.randint(1, 5)))
        invoices.add(
            (
                invoice_id,
                gen.now,
                gen.now,
                municipality_id,
                provider_id,
                month,
                f"R-{provider_id}-{month:%Y%m}",
                InvoiceSource.PAPER,
                status,
                None,
                worker,
                entered,
                worker if approved else None,
                entered + dt.timedelta(days=1) if approved else None,
                staff.accountant.pk if approved else None,
                entered + dt.timedelta(days=3) if approved else None,
                (entered + dt.timedelta(days=10)).date() if status == InvoiceStatus.PAID else None,
                f"MU-{invoice_id}" if status == InvoiceStatus.PAID else "",
                staff.accountant.pk if status == InvoiceStatus.PAID else None,
                None,
                None,
                "",
                total,
                0,
            )
        )
        for position, (line, ids, units, amount) in enumerate(items, start=1):
            line_id = invoice_lines.new_id()
            invoice_lines.add(
                (
                    line_id,
                    invoice_id,
                    position,
                    line.client_id,
                    line.letter_id,
                    line.key,
                    line.service_type_id,
                    line.recipient_id,
                    line.funding_source,
                    units,
                    line.unit_price,
                    amount,
                    units,
                    amount,
                    len(ids),
                    "[]",
                )
            )
            for session_id in ids:
                links.add((links.new_id(), session_id, line_id))
            if approved:
                spend.add(
                    (
                        spend.new_id(),
                        municipality_id,
                        line.target_group,
                        line.client_id,
                        line.recipient_id or 0,
                        line.service_type_id,
                        line.funding_source,
                        month,
                        amount,
                        units,
                        len(ids),
                    )
                )
