"""What of an invoice's lines can still be credited: the money, units and sessions not yet
given back by an approved credit note nor held by one that waits for a decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from atbalsts.delivery.models import Session

from .models import CreditedSession, CreditNoteLine, CreditNoteStatus, Invoice, InvoicedSession

ZERO = Decimal("0.00")
# Credit notes that hold money of their invoice: proposed (waiting) and approved ones.
HOLDING = (CreditNoteStatus.PROPOSED, CreditNoteStatus.APPROVED)


@dataclass
class LineLeft:
    """What of an invoice line is not yet credited (nor held by a waiting credit note)."""

    amount: Decimal
    quantity: Decimal
    sessions: dict[int, Session] = field(default_factory=dict)  # id → invoiced, not credited


def lines_left(invoice: Invoice) -> dict[int, LineLeft]:
    """Per line of the invoice: its money, units and sessions that can still be credited."""
    held = {
        row["invoice_line_id"]: row
        for row in CreditNoteLine.objects.filter(
            invoice_line__invoice=invoice, credit_note__status__in=HOLDING
        )
        .values("invoice_line_id")
        .annotate(amount=Sum("amount"), quantity=Sum("quantity"))
    }
    result = {}
    for line in invoice.lines.all():
        taken = held.get(line.pk, {})
        result[line.pk] = LineLeft(
            amount=line.amount - (taken.get("amount") or ZERO),
            quantity=line.quantity - (taken.get("quantity") or ZERO),
        )
    credited = CreditedSession.objects.filter(
        line__invoice_line__invoice=invoice, line__credit_note__status__in=HOLDING
    ).values("session_id")
    links = (
        InvoicedSession.objects.filter(line__invoice=invoice)
        .exclude(session_id__in=credited)
        .select_related("session")
    )
    for link in links:
        result[link.line_id].sessions[link.session_id] = link.session
    return result
