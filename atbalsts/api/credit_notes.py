"""API for credit notes (corrections of approved or paid invoices): the same services, rules
and policies as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import prefetch_related_objects
from ninja import Field, Router, Schema

from atbalsts.api.schemas import StrictSchema
from atbalsts.billing import selectors, services
from atbalsts.billing.models import CreditNote
from atbalsts.core.http import AuthedHttpRequest

router = Router(tags=["billing"])


class CreditLineIn(StrictSchema):
    line: int = Field(ge=1, description="Rēķina rindas id")
    amount: Decimal | None = Field(None, description="Atsaucamā summa; tukša: nodarbību summa")
    quantity: Decimal | None = None
    sessions: list[int] = Field(default_factory=list, max_length=500)


class CreditNoteIn(StrictSchema):
    reason: str = Field(max_length=1000)
    whole: bool = Field(False, description="Atsaukt visu, kas rēķinā vēl nav atsaukts")
    lines: list[CreditLineIn] = Field(default_factory=list, max_length=500)


class RejectIn(StrictSchema):
    reason: str = Field(max_length=1000)


class CreditLineOut(Schema):
    invoice_line_id: int
    client_id: int
    service_type_id: int
    quantity: Decimal
    amount: Decimal
    sessions: int


class CreditNoteOut(Schema):
    id: int
    number: str
    invoice_id: int
    invoice_number: str
    month: str
    status: str
    reason: str
    total: Decimal
    created_by_id: int
    created_at: dt.datetime
    decided_by_id: int | None
    decided_at: dt.datetime | None
    rejection_reason: str
    lines: list[CreditLineOut]


def _out(note: CreditNote) -> dict[str, Any]:
    # a list's notes come with their lines prefetched (credit_notes_of); one note gets them here
    prefetch_related_objects([note], "lines__invoice_line")
    return {
        "id": note.pk,
        "number": note.number,
        "invoice_id": note.invoice_id,
        "invoice_number": note.invoice.number,
        "month": note.invoice.month.isoformat()[:7],
        "status": note.status,
        "reason": note.reason,
        "total": note.total,
        "created_by_id": note.created_by_id,
        "created_at": note.created_at,
        "decided_by_id": note.decided_by_id,
        "decided_at": note.decided_at,
        "rejection_reason": note.rejection_reason,
        "lines": [
            {
                "invoice_line_id": line.invoice_line_id,
                "client_id": line.invoice_line.client_id,
                "service_type_id": line.invoice_line.service_type_id,
                "quantity": line.quantity,
                "amount": line.amount,
                "sessions": line.sessions,
            }
            for line in note.lines.all()
        ],
    }


@router.get(
    "/invoices/{invoice_id}/credit-notes",
    response=list[CreditNoteOut],
    summary="Rēķina kredītrēķini",
)
def list_credit_notes(request: AuthedHttpRequest, invoice_id: int) -> list[dict[str, Any]]:
    invoice = selectors.invoice_get(user=request.user, pk=invoice_id)
    return [_out(note) for note in selectors.credit_notes_of(user=request.user, invoice=invoice)]


@router.post(
    "/invoices/{invoice_id}/credit-notes",
    response={201: CreditNoteOut},
    summary="Sagatavot kredītrēķinu (sociālais darbinieks, vadītājs, grāmatvedis)",
)
def propose_credit_note(
    request: AuthedHttpRequest, invoice_id: int, payload: CreditNoteIn
) -> tuple[int, dict[str, Any]]:
    invoice = selectors.invoice_get(user=request.user, pk=invoice_id)
    note = services.credit_note_propose(
        actor=request.user,
        invoice=invoice,
        reason=payload.reason,
        whole=payload.whole,
        lines=[line.model_dump(exclude_none=True) for line in payload.lines],
    )
    return 201, _out(note)


@router.get("/credit-notes/{note_id}", response=CreditNoteOut, summary="Kredītrēķins")
def get_credit_note(request: AuthedHttpRequest, note_id: int) -> dict[str, Any]:
    return _out(selectors.credit_note_get(user=request.user, pk=note_id))


@router.post(
    "/credit-notes/{note_id}/approve",
    response=CreditNoteOut,
    summary="Apstiprināt kredītrēķinu (cits darbinieks: vadītājs vai grāmatvedis)",
)
def approve_credit_note(request: AuthedHttpRequest, note_id: int) -> dict[str, Any]:
    note = selectors.credit_note_get(user=request.user, pk=note_id)
    return _out(services.credit_note_approve(actor=request.user, note=note))


@router.post(
    "/credit-notes/{note_id}/reject", response=CreditNoteOut, summary="Noraidīt kredītrēķinu"
)
def reject_credit_note(
    request: AuthedHttpRequest, note_id: int, payload: RejectIn
) -> dict[str, Any]:
    note = selectors.credit_note_get(user=request.user, pk=note_id)
    return _out(services.credit_note_reject(actor=request.user, note=note, reason=payload.reason))
