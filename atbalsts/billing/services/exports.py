"""The accounting export: the month's approved and paid invoice lines as CSV or XLSX, and the
approved credit notes of those invoices as negative documents referring to the invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atbalsts.catalog.models import ProviderKind
from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.dates import iso_month, month_start
from atbalsts.core.tabular import XLSX_TYPE, SheetOut, write_csv, write_xlsx
from atbalsts.core.validation import add_error, raise_if_errors
from atbalsts.people.models import Municipality

from ..models import CreditNoteLine, CreditNoteStatus, InvoiceLine, InvoiceStatus
from ..policies import BillingAction, billing_policy
from .inputs import month_field

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

Cell = str | Decimal | dt.date | None

EXPORT_COLUMNS = (
    gettext_lazy("Rēķina numurs"),
    gettext_lazy("Sniedzējs"),
    gettext_lazy("Reģistrācijas numurs"),
    gettext_lazy("IBAN"),
    gettext_lazy("Mēnesis"),
    gettext_lazy("Klients"),
    gettext_lazy("Pakalpojums"),
    gettext_lazy("Daudzums"),
    gettext_lazy("Vienības cena"),
    gettext_lazy("Summa"),
    gettext_lazy("Finansējuma avots"),
    gettext_lazy("Apmaksa apstiprināta"),
    gettext_lazy("Statuss"),
    gettext_lazy("Apmaksāts"),
    gettext_lazy("Maksājuma uzdevums"),
    gettext_lazy("Dokuments"),
    gettext_lazy("Attiecas uz rēķinu"),
)


def export_rows(*, municipality: Municipality, month: dt.date) -> list[list[Cell]]:
    """One row per line of the approved and paid invoices of the month. The client is named
    (accounting must know whom it paid for) but the personal code never leaves; a natural
    person's registration number is their personal code, so it is left out too."""
    lines = (
        InvoiceLine.objects.filter(
            invoice__municipality=municipality,
            invoice__month=month_start(month),
            invoice__status__in=(InvoiceStatus.APPROVED, InvoiceStatus.PAID),
        )
        .select_related("invoice", "invoice__provider", "client", "service_type")
        .order_by("invoice__provider__name", "invoice__number", "position", "id")
    )
    rows: list[list[Cell]] = []
    for line in lines:
        invoice, provider = line.invoice, line.invoice.provider
        approved = timezone.localdate(invoice.approved_at) if invoice.approved_at else None
        rows.append(
            [
                invoice.number,
                provider.name,
                provider.registration_number if provider.kind == ProviderKind.LEGAL else "",
                provider.iban,
                iso_month(invoice.month),
                line.client.full_name,
                line.service_type.name_lv,
                line.quantity,
                line.unit_price,
                line.amount,
                str(line.get_funding_source_display()),
                approved,
                str(invoice.get_status_display()),
                invoice.paid_on,
                invoice.payment_reference,
                _("rēķins"),
                "",
            ]
        )
    return rows + credit_rows(municipality=municipality, month=month)


def credit_rows(*, municipality: Municipality, month: dt.date) -> list[list[Cell]]:
    """One row per line of the approved credit notes of the month's invoices (the service
    month, as in the ledger): its quantity and amount negative, naming the invoice."""
    lines = (
        CreditNoteLine.objects.filter(
            credit_note__municipality=municipality,
            credit_note__invoice__month=month_start(month),
            credit_note__status=CreditNoteStatus.APPROVED,
        )
        .select_related(
            "credit_note",
            "credit_note__invoice__provider",
            "invoice_line__client",
            "invoice_line__service_type",
        )
        .order_by(
            "credit_note__invoice__provider__name", "credit_note__number", "invoice_line__position"
        )
    )
    rows: list[list[Cell]] = []
    for credit in lines:
        note, line = credit.credit_note, credit.invoice_line
        invoice, provider = note.invoice, note.invoice.provider
        rows.append(
            [
                note.number,
                provider.name,
                provider.registration_number if provider.kind == ProviderKind.LEGAL else "",
                provider.iban,
                iso_month(invoice.month),
                line.client.full_name,
                line.service_type.name_lv,
                -credit.quantity,
                line.unit_price,
                -credit.amount,
                str(line.get_funding_source_display()),
                timezone.localdate(note.decided_at) if note.decided_at else None,
                str(note.get_status_display()),
                None,
                "",
                _("kredītrēķins"),
                invoice.number,
            ]
        )
    return rows


def _cell(value: Cell) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def invoice_export(
    *, actor: Actor, municipality: Municipality, month: object, fmt: str
) -> tuple[bytes, str]:
    """The month's approved and paid invoices for accounting, as CSV (UTF-8 with a BOM, so
    Excel shows Latvian letters) or XLSX; returns the content and its MIME type. Audited."""
    billing_policy.require(actor, BillingAction.EXPORT, municipality)
    errors: dict[str, list[str]] = {}
    first = month_field(month, errors)
    if fmt not in ("csv", "xlsx"):
        add_error(errors, "format", _("Formāts var būt csv vai xlsx."))
    raise_if_errors(errors)
    rows = export_rows(municipality=municipality, month=first)
    header = [str(c) for c in EXPORT_COLUMNS]
    if fmt == "csv":
        content = write_csv(header, ([_cell(v) for v in row] for row in rows), delimiter=";")
        mime = "text/csv; charset=utf-8"
    else:
        money = "#,##0.00"  # unit price and amount
        sheet = SheetOut(iso_month(first), header, rows, formats={"I": money, "J": money})
        content, mime = write_xlsx([sheet]), XLSX_TYPE
    with transaction.atomic():
        audit_record(
            actor=actor,
            event_type=AuditEventType.BILLING_EXPORTED,
            subject_type="billing.export",
            municipality_id=municipality.pk,
            extra_data={"month": first.isoformat(), "format": fmt, "rows": len(rows)},
        )
    return content, mime
