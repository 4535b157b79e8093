"""Credit notes: correcting an approved or paid invoice after the fact.

A social worker, the head or an accountant proposes one (a reason; the whole invoice, or some
lines, partly or fully, or the wrongly recorded sessions of a line); another person (the head
or an accountant) approves or rejects it. Only the approval takes the money out of the
ledger and the report roll-ups, in the invoice's service month (`billing.ledger`). A proposed
note already holds its money and sessions, so two notes can never give back more than the
invoice approved, nor the same session twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.money import format_money
from atbalsts.core.templatetags.atbalsts import number
from atbalsts.core.validation import (
    add_error,
    decimal_field,
    raise_if_errors,
    text_field,
)
from atbalsts.delivery.models import Session
from atbalsts.people.models import Municipality

from .. import ledger
from ..credit_left import LineLeft, lines_left
from ..errors import CreditNoteSamePerson, CreditNoteWrongStatus, InvoiceWrongStatus
from ..models import (
    SPENT_STATUSES,
    CreditedSession,
    CreditNote,
    CreditNoteLine,
    CreditNoteStatus,
    Invoice,
    InvoiceLine,
)
from ..policies import BillingAction, billing_policy
from .inputs import MAX_QUANTITY, REASON_MAX

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

ZERO = Decimal("0.00")
LINE_FIELDS = ("line", "amount", "quantity", "sessions")


def _session_ids(value: object, name: str, errors: dict[str, list[str]]) -> list[int]:
    if value in (None, "", []):
        return []
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        add_error(errors, name, _("Nodarbības jānorāda kā to numuru saraksts."))
        return []
    return list(dict.fromkeys(value))


@dataclass
class _Credit:
    line: InvoiceLine
    amount: Decimal
    quantity: Decimal
    sessions: list[Session]


def _read_line(
    i: int,
    data: Mapping[str, Any],
    lines: Mapping[int, InvoiceLine],
    left: Mapping[int, LineLeft],
    seen: set[int],
    errors: dict[str, list[str]],
) -> _Credit | None:
    prefix = f"lines.{i}."
    unknown = sorted(set(data) - set(LINE_FIELDS))
    for name in unknown:
        add_error(errors, prefix + name, _("Nezināms lauks."))
    raw_line = data.get("line")
    line = lines.get(raw_line) if isinstance(raw_line, int) else None
    if line is None:
        add_error(errors, prefix + "line", _("Šajā rēķinā tādas rindas nav."))
        return None
    if line.pk in seen:
        add_error(errors, prefix + "line", _("Šī rēķina rinda jau ir norādīta."))
        return None
    seen.add(line.pk)
    rest = left[line.pk]
    count = len(errors)
    ids = _session_ids(data.get("sessions"), prefix + "sessions", errors)
    unknown_ids = [pk for pk in ids if pk not in rest.sessions]
    if unknown_ids:
        add_error(
            errors,
            prefix + "sessions",
            _("Nodarbība nav šajā rēķina rindā vai jau ir atsaukta kredītrēķinā."),
        )
    sessions = [rest.sessions[pk] for pk in ids if pk in rest.sessions]
    amount = decimal_field(data.get("amount"), prefix + "amount", errors, high=MAX_QUANTITY)
    quantity = decimal_field(
        data.get("quantity"), prefix + "quantity", errors, high=MAX_QUANTITY, money=False
    )
    if len(errors) > count:
        return None
    if amount is None:
        if not sessions:
            add_error(errors, prefix + "amount", _("Norādiet summu vai atsaucamās nodarbības."))
            return None
        amount = sum((s.amount for s in sessions), ZERO)
    if quantity is None:
        quantity = sum((s.units for s in sessions), ZERO)
    if amount <= 0:
        add_error(errors, prefix + "amount", _("Summai jābūt lielākai par 0."))
    elif amount > rest.amount:
        add_error(
            errors,
            prefix + "amount",
            _("Var atsaukt ne vairāk kā %(left)s (rindas summa, kas vēl nav atsaukta).")
            % {"left": format_money(rest.amount)},
        )
    if quantity > rest.quantity:
        add_error(
            errors,
            prefix + "quantity",
            _("Var atsaukt ne vairāk kā %(left)s vienības.") % {"left": number(rest.quantity)},
        )
    if len(errors) > count:
        return None
    if amount == rest.amount:  # the whole rest of the line: its units and sessions too
        quantity = rest.quantity if not ids and quantity == 0 else quantity
        sessions = sessions or list(rest.sessions.values())
    return _Credit(line=line, amount=amount, quantity=quantity, sessions=sessions)


def _next_number(invoice: Invoice) -> str:
    """KR-<municipality>-<year>-<sequence>: numbered per municipality and year, under the
    municipality's row lock so that two notes never get the same number."""
    municipality = Municipality.objects.select_for_update().get(pk=invoice.municipality_id)
    year = timezone.localdate().year
    prefix = f"KR-{municipality.code}-{year}-"
    count = CreditNote.objects.filter(
        municipality_id=municipality.pk, number__startswith=prefix
    ).count()
    return f"{prefix}{count + 1:04d}"


def _audit(actor: Actor, event: AuditEventType, note: CreditNote, **extra: object) -> None:
    audit_record(
        actor=actor,
        event_type=event,
        subject=note,
        municipality_id=note.municipality_id,
        extra_data={
            "number": note.number,
            "invoice": note.invoice_id,
            "invoice_number": note.invoice.number,
            "month": note.invoice.month.isoformat(),
            "total": str(note.total),
            "lines": [
                {"line": line.invoice_line_id, "amount": str(line.amount)}
                for line in note.lines.all()
            ],
            **extra,
        },
    )


@transaction.atomic
def credit_note_propose(
    *,
    actor: Actor,
    invoice: Invoice,
    reason: object,
    lines: Sequence[Mapping[str, Any]] | None = None,
    whole: bool = False,
) -> CreditNote:
    """Propose a credit note for an approved or paid invoice: `whole` gives back everything
    not yet credited, else `lines` = [{"line": id, "amount"?, "quantity"?, "sessions"?: [id]}]
    (an amount, or the sessions whose money goes back; the whole rest of a line takes its
    units and sessions with it)."""
    billing_policy.require(actor, BillingAction.CREDIT_PROPOSE, invoice)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status not in SPENT_STATUSES:
        raise InvoiceWrongStatus(
            _(
                "Kredītrēķinu var sagatavot tikai rēķinam ar apstiprinātu apmaksu vai "
                "apmaksātam; šis ir «%(status)s»."
            )
            % {"status": invoice.get_status_display()}
        )
    errors: dict[str, list[str]] = {}
    text = text_field(reason, "reason", errors, limit=REASON_MAX, required=True, coerce=True)
    by_id = {line.pk: line for line in invoice.lines.select_related("client")}
    left = lines_left(invoice)
    credits: list[_Credit] = []
    if whole:
        if lines:
            add_error(errors, "lines", _("Norādiet vai nu visu rēķinu, vai atsevišķas rindas."))
        credits = [
            _Credit(line, rest.amount, rest.quantity, list(rest.sessions.values()))
            for pk, rest in left.items()
            if rest.amount > 0
            for line in [by_id[pk]]
        ]
        if not credits and not errors:
            add_error(errors, "lines", _("Šajā rēķinā vairs nav ko atsaukt."))
    elif not lines:
        add_error(errors, "lines", _("Norādiet vismaz vienu rēķina rindu."))
    else:
        seen: set[int] = set()
        for i, data in enumerate(lines):
            if not isinstance(data, Mapping):
                add_error(errors, f"lines.{i}", _("Jābūt objektam."))
                continue
            credit = _read_line(i, data, by_id, left, seen, errors)
            if credit is not None:
                credits.append(credit)
    raise_if_errors(errors)
    note = CreditNote.objects.create(
        invoice=invoice,
        municipality_id=invoice.municipality_id,
        number=_next_number(invoice),
        reason=text,
        total=sum((c.amount for c in credits), ZERO),
        created_by=actor,
    )
    for credit in sorted(credits, key=lambda c: (c.line.position, c.line.pk)):
        line = CreditNoteLine.objects.create(
            credit_note=note,
            invoice_line=credit.line,
            quantity=credit.quantity,
            amount=credit.amount,
            sessions=len(credit.sessions),
        )
        CreditedSession.objects.bulk_create(
            CreditedSession(session=session, line=line) for session in credit.sessions
        )
    _audit(actor, AuditEventType.BILLING_CREDIT_NOTE_PROPOSED, note, reason=text)
    return note


def _decidable(actor: Actor, note: CreditNote) -> CreditNote:
    billing_policy.require(actor, BillingAction.CREDIT_DECIDE, note)
    note = CreditNote.objects.select_for_update().select_related("invoice").get(pk=note.pk)
    if note.status != CreditNoteStatus.PROPOSED:
        raise CreditNoteWrongStatus()
    if billing_policy.proposed_credit(actor, note):
        raise CreditNoteSamePerson()
    return note


@transaction.atomic
def credit_note_approve(*, actor: Actor, note: CreditNote) -> CreditNote:
    """Another person approves the credit note: its money leaves the ledger and the report
    roll-ups in the invoice's service month."""
    note = _decidable(actor, note)
    invoice = note.invoice
    credit_lines = note.lines.select_related("invoice_line").order_by("invoice_line__client_id")
    for credit in credit_lines:
        line = credit.invoice_line
        ledger.subtract_spend(
            municipality_id=invoice.municipality_id,
            client_id=line.client_id,
            recipient_id=line.recipient_id or 0,
            service_type_id=line.service_type_id,
            funding_source=line.funding_source,
            month=invoice.month,
            amount=credit.amount,
            units=credit.quantity,
            sessions=credit.sessions,
        )
    note.status = CreditNoteStatus.APPROVED
    note.decided_by = actor
    note.decided_at = timezone.now()
    note.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _audit(actor, AuditEventType.BILLING_CREDIT_NOTE_APPROVED, note)
    return note


@transaction.atomic
def credit_note_reject(*, actor: Actor, note: CreditNote, reason: object) -> CreditNote:
    """Another person rejects the credit note with a reason: its money and sessions are free
    for a corrected one; the ledger never saw it."""
    note = _decidable(actor, note)
    errors: dict[str, list[str]] = {}
    text = text_field(reason, "reason", errors, limit=REASON_MAX, required=True, coerce=True)
    raise_if_errors(errors)
    CreditedSession.objects.filter(line__credit_note=note).delete()
    note.status = CreditNoteStatus.REJECTED
    note.decided_by = actor
    note.decided_at = timezone.now()
    note.rejection_reason = text
    note.save(
        update_fields=["status", "decided_by", "decided_at", "rejection_reason", "updated_at"]
    )
    _audit(actor, AuditEventType.BILLING_CREDIT_NOTE_REJECTED, note, reason=text)
    return note
