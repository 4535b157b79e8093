"""The audit event every step of an invoice writes, with the same summary of the invoice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from atbalsts.core.audit import AuditEventType, audit_record

from ..models import Invoice

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor


def audit_invoice(actor: Actor, event: AuditEventType, invoice: Invoice, **extra: object) -> None:
    """Record `event` on the invoice: its number, provider, month, total and clients."""
    audit_record(
        actor=actor,
        event_type=event,
        subject=invoice,
        municipality_id=invoice.municipality_id,
        extra_data={
            "number": invoice.number,
            "provider": invoice.provider_id,
            "month": invoice.month.isoformat(),
            "total": str(invoice.total),
            "clients": sorted({line.client_id for line in invoice.lines.all()}),
            **extra,
        },
    )
