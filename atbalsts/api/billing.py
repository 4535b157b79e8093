"""API for invoices, the budget ledger and the accounting export: the same services, rules
and policies as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from atbalsts.api.schemas import BoundedSchema, Offset, StrictSchema
from atbalsts.billing import selectors, services
from atbalsts.billing.models import Invoice, InvoiceStatus
from atbalsts.billing.policies import BillingAction, billing_policy
from atbalsts.catalog.models import Provider
from atbalsts.core.dates import iso_month
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.people import selectors as people_selectors
from atbalsts.people.models import Municipality

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

router = Router(tags=["billing"])
MAX_PAGE = 200


class SubmitIn(StrictSchema):
    municipality: str = Field(max_length=40, description="Pašvaldības kods, piemēram, balvi")
    month: str = Field(max_length=10, description="GGGG-MM")
    number: str = Field(max_length=50)


class PaperLineIn(StrictSchema):
    letter_id: int = Field(ge=1)
    line_key: str = Field(max_length=36)
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal | None = None


class PaperIn(StrictSchema):
    provider_id: int = Field(ge=1)
    month: str = Field(max_length=10, description="GGGG-MM")
    number: str = Field(max_length=50)
    lines: list[PaperLineIn] = Field(max_length=500)


class RejectIn(StrictSchema):
    reason: str = Field(max_length=1000)


class PayIn(StrictSchema):
    paid_on: dt.date
    payment_reference: str = Field(max_length=100)


class DifferenceOut(Schema):
    code: str
    message: str


class InvoiceLineOut(Schema):
    id: int
    position: int
    client_id: int
    client_name: str
    letter_number: str
    line_key: str
    service_type_id: int
    service: str
    recipient_id: int | None
    funding_source: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    recorded_quantity: Decimal
    recorded_amount: Decimal
    sessions: int
    differences: list[DifferenceOut]


class InvoiceOut(Schema):
    id: int
    number: str
    municipality: str
    provider_id: int
    provider: str
    month: str
    source: str
    status: str
    total: Decimal
    difference_count: int
    submitted_at: dt.datetime
    confirmed_by_id: int | None
    confirmed_at: dt.datetime | None
    approved_by_id: int | None
    approved_at: dt.datetime | None
    paid_on: dt.date | None
    payment_reference: str
    rejection_reason: str
    lines: list[InvoiceLineOut] | None = None


class InvoicePage(Schema):
    count: int
    offset: int
    limit: int
    items: list[InvoiceOut]


class InvoiceQuery(BoundedSchema):
    status: InvoiceStatus | None = None
    month: str = Field("", max_length=10, description="GGGG-MM")
    provider_id: int | None = Field(None, ge=1)
    offset: Offset = 0
    limit: int = Field(50, ge=1, le=MAX_PAGE)


class ForecastOut(Schema):
    pace: Decimal
    months_elapsed: int
    months_left: int
    projected: Decimal
    runs_out_in: int | None
    unused: Decimal


class LedgerRowOut(Schema):
    funding_source: str
    budget: Decimal | None
    planned: Decimal
    committed: Decimal
    spent: Decimal
    remaining: Decimal | None
    forecast: ForecastOut | None


class LedgerPeriodOut(Schema):
    period_id: int | None
    start: dt.date | None
    end: dt.date | None
    is_current: bool
    rows: list[LedgerRowOut]


class LedgerOut(Schema):
    client_id: int
    today: dt.date
    periods: list[LedgerPeriodOut]
    warnings: list[str]


class ExportQuery(BoundedSchema):
    month: str = Field(max_length=10, description="GGGG-MM")
    format: Literal["csv", "xlsx"] = "csv"


def _month_or_400(value: str, field: str = "month") -> dt.date:
    try:
        return services.parse_month(value)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed({field: [_("Mēnesim jābūt formā GGGG-MM.")]}) from exc


def _invoice_out(user: Actor, invoice: Invoice, *, lines: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": invoice.pk,
        "number": invoice.number,
        "municipality": invoice.municipality.code,
        "provider_id": invoice.provider_id,
        "provider": invoice.provider.name,
        "month": iso_month(invoice.month),
        "source": invoice.source,
        "status": invoice.status,
        "total": invoice.total,
        "difference_count": invoice.difference_count,
        "submitted_at": invoice.submitted_at,
        "confirmed_by_id": invoice.confirmed_by_id,
        "confirmed_at": invoice.confirmed_at,
        "approved_by_id": invoice.approved_by_id,
        "approved_at": invoice.approved_at,
        "paid_on": invoice.paid_on,
        "payment_reference": invoice.payment_reference,
        "rejection_reason": invoice.rejection_reason,
    }
    if lines:
        out["lines"] = [
            {
                "id": line.pk,
                "position": line.position,
                "client_id": line.client_id,
                "client_name": line.client.full_name,
                "letter_number": line.letter.number,
                "line_key": str(line.line_key),
                "service_type_id": line.service_type_id,
                "service": line.service_type.name_lv,
                "recipient_id": line.recipient_id,
                "funding_source": line.funding_source,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
                "recorded_quantity": line.recorded_quantity,
                "recorded_amount": line.recorded_amount,
                "sessions": line.sessions,
                "differences": billing_policy.shown_differences(user, line.differences),
            }
            for line in selectors.invoice_lines(invoice)
        ]
    return out


def _own_municipality(user: Actor) -> Municipality:
    municipality = user.municipality if user.municipality_id is not None else None
    if municipality is None:
        raise NotPermitted()
    return municipality


@router.get("/invoices", response=InvoicePage, summary="Rēķinu saraksts")
def list_invoices(request: AuthedHttpRequest, query: Query[InvoiceQuery]) -> dict[str, Any]:
    user = request.user
    if not billing_policy.can(user, BillingAction.VIEW):
        raise NotPermitted()
    filters = selectors.InvoiceFilters(
        status=query.status or "",
        month=_month_or_400(query.month) if query.month else None,
        provider_id=query.provider_id,
    )
    qs = selectors.invoice_list(user=user, filters=filters)
    items = qs[query.offset : query.offset + query.limit]
    return {
        "count": qs.count(),
        "offset": query.offset,
        "limit": query.limit,
        "items": [_invoice_out(user, i, lines=False) for i in items],
    }


@router.post(
    "/invoices/paper",
    response={201: InvoiceOut},
    summary="Ievadīt papīra rēķinu (sociālais darbinieks)",
)
def enter_paper_invoice(request: AuthedHttpRequest, payload: PaperIn) -> tuple[int, dict[str, Any]]:
    user = request.user
    municipality = _own_municipality(user)
    provider = Provider.objects.filter(pk=payload.provider_id).first()
    if provider is None:
        raise ValidationFailed({"provider_id": [_("Nezināms sniedzējs.")]})
    invoice = services.invoice_enter_paper(
        actor=user,
        municipality=municipality,
        provider=provider,
        month=payload.month,
        number=payload.number,
        lines=[
            {
                "letter": line.letter_id,
                "line_key": line.line_key,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
            }
            for line in payload.lines
        ],
    )
    return 201, _invoice_out(user, invoice, lines=True)


@router.get("/invoices/{invoice_id}", response=InvoiceOut, summary="Rēķins ar rindām")
def get_invoice(request: AuthedHttpRequest, invoice_id: int) -> dict[str, Any]:
    invoice = selectors.invoice_get(user=request.user, pk=invoice_id)
    return _invoice_out(request.user, invoice, lines=True)


@router.post("/invoices", response={201: InvoiceOut}, summary="Iesniegt mēneša rēķinu (sniedzējs)")
def submit_invoice(request: AuthedHttpRequest, payload: SubmitIn) -> tuple[int, dict[str, Any]]:
    user = request.user
    provider = billing_policy.submitting_provider(user)
    if provider is None:
        raise NotPermitted()
    municipality = Municipality.objects.filter(code=payload.municipality).first()
    if municipality is None:
        raise ValidationFailed({"municipality": [_("Nezināms pašvaldības kods.")]})
    invoice = services.invoice_submit(
        actor=user,
        provider=provider,
        municipality=municipality,
        month=payload.month,
        number=payload.number,
    )
    return 201, _invoice_out(user, invoice, lines=True)


def _visible(request: AuthedHttpRequest, invoice_id: int) -> Invoice:
    return selectors.invoice_get(user=request.user, pk=invoice_id)


@router.post("/invoices/{invoice_id}/recheck", response=InvoiceOut, summary="Pārbaudīt vēlreiz")
def recheck_invoice(request: AuthedHttpRequest, invoice_id: int) -> dict[str, Any]:
    invoice = services.invoice_recheck(actor=request.user, invoice=_visible(request, invoice_id))
    return _invoice_out(request.user, invoice, lines=True)


@router.post("/invoices/{invoice_id}/confirm", response=InvoiceOut, summary="Apstiprināt saturu")
def confirm_invoice(request: AuthedHttpRequest, invoice_id: int) -> dict[str, Any]:
    invoice = services.invoice_confirm(actor=request.user, invoice=_visible(request, invoice_id))
    return _invoice_out(request.user, invoice, lines=True)


@router.post("/invoices/{invoice_id}/approve", response=InvoiceOut, summary="Apstiprināt apmaksu")
def approve_invoice(request: AuthedHttpRequest, invoice_id: int) -> dict[str, Any]:
    invoice = services.invoice_approve(actor=request.user, invoice=_visible(request, invoice_id))
    return _invoice_out(request.user, invoice, lines=True)


@router.post("/invoices/{invoice_id}/reject", response=InvoiceOut, summary="Noraidīt")
def reject_invoice(
    request: AuthedHttpRequest, invoice_id: int, payload: RejectIn
) -> dict[str, Any]:
    invoice = services.invoice_reject(
        actor=request.user, invoice=_visible(request, invoice_id), reason=payload.reason
    )
    return _invoice_out(request.user, invoice, lines=True)


@router.post("/invoices/{invoice_id}/pay", response=InvoiceOut, summary="Atzīmēt apmaksu")
def pay_invoice(request: AuthedHttpRequest, invoice_id: int, payload: PayIn) -> dict[str, Any]:
    invoice = services.invoice_pay(
        actor=request.user,
        invoice=_visible(request, invoice_id),
        paid_on=payload.paid_on,
        payment_reference=payload.payment_reference,
    )
    return _invoice_out(request.user, invoice, lines=True)


@router.get("/clients/{client_id}/ledger", response=LedgerOut, summary="Budžeta izlietojums")
def client_ledger(request: AuthedHttpRequest, client_id: int) -> dict[str, Any]:
    client = people_selectors.client_get(user=request.user, pk=client_id)
    ledger = selectors.budget_ledger(user=request.user, client=client, today=timezone.localdate())
    return {
        "client_id": client.pk,
        "today": ledger.today,
        "warnings": ledger.warnings(),
        "periods": [
            {
                "period_id": entry.period.pk if entry.period else None,
                "start": entry.period.start if entry.period else None,
                "end": entry.period.end if entry.period else None,
                "is_current": entry.is_current,
                "rows": [
                    {
                        "funding_source": row.source,
                        "budget": row.budget,
                        "planned": row.planned,
                        "committed": row.committed,
                        "spent": row.spent,
                        "remaining": row.remaining,
                        "forecast": row.forecast.__dict__ if row.forecast else None,
                    }
                    for row in entry.rows
                ],
            }
            for entry in ledger.periods
        ],
    }


@router.get("/export", summary="Eksports grāmatvedībai (CSV vai XLSX)")
def export_invoices(request: AuthedHttpRequest, query: Query[ExportQuery]) -> HttpResponse:
    user = request.user
    municipality = _own_municipality(user)
    month = _month_or_400(query.month)
    content, mime = services.invoice_export(
        actor=user, municipality=municipality, month=month, fmt=query.format
    )
    response = HttpResponse(content, content_type=mime)
    filename = f"rekini-{municipality.code}-{iso_month(month)}.{query.format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
