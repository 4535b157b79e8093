"""The steps after receiving: checking again, confirming the content, approving payment
(under the budget periods' row locks), rejecting, and recording the payment."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atbalsts.assessment.models import BudgetPeriod
from atbalsts.core.audit import AuditEventType
from atbalsts.core.dates import recorded_at
from atbalsts.core.validation import (
    DATE_FORMAT_MESSAGE,
    add_error,
    date_field,
    raise_if_errors,
    text_field,
)
from atbalsts.delivery import services as delivery_services

from .. import ledger
from ..errors import BudgetOverspent, InvoiceHasDifferences, InvoiceWrongStatus, SamePerson
from ..models import Invoice, InvoicedSession, InvoiceLine, InvoiceStatus
from ..policies import BillingAction, billing_policy
from .audit import audit_invoice
from .inputs import REASON_MAX, REFERENCE_MAX
from .reconcile import budget_problems, reconcile

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

SHOWN_REASONS = 5


def locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


def _wrong_status(message: str, invoice: Invoice) -> InvoiceWrongStatus:
    return InvoiceWrongStatus(message % {"status": invoice.get_status_display()})


def _differences_text(invoice: Invoice) -> str:
    reasons = []
    for line in invoice.lines.select_related("service_type").order_by("position", "id"):
        for difference in line.differences:
            reasons.append(f"{line.position}. {line.service_type}: {difference['message']}")
    shown = " ".join(reasons[:SHOWN_REASONS])
    more = len(reasons) - SHOWN_REASONS
    if more > 0:
        shown += " " + _("…un vēl %(n)s.") % {"n": more}
    return _(
        "Rēķinā ir %(n)s neatbilstība(-s), tāpēc saturu apstiprināt nevar: %(reasons)s "
        "Noraidiet rēķinu ar pamatojumu vai, kad trūkstošais ir reģistrēts, pārbaudiet to "
        "vēlreiz."
    ) % {"n": len(reasons), "reasons": shown}


@transaction.atomic
def invoice_recheck(*, actor: Actor, invoice: Invoice) -> Invoice:
    """Reconcile again (after sessions were recorded or a budget changed) and store it."""
    billing_policy.require(actor, BillingAction.CONFIRM, invoice)
    invoice = locked(invoice)
    if invoice.status != InvoiceStatus.SUBMITTED:
        raise InvoiceWrongStatus(_("Pārbaudīt vēlreiz var tikai iesniegtu rēķinu."))
    count = reconcile(invoice)
    audit_invoice(actor, AuditEventType.BILLING_INVOICE_RECHECKED, invoice, differences=count)
    return invoice


@transaction.atomic
def invoice_confirm(*, actor: Actor, invoice: Invoice, on: dt.date | None = None) -> Invoice:
    """The social worker confirms the content: only an invoice without differences. `on`: the
    day it is recorded (default now; not before the invoice was submitted)."""
    billing_policy.require(actor, BillingAction.CONFIRM, invoice)
    invoice = locked(invoice)
    if invoice.status != InvoiceStatus.SUBMITTED:
        raise _wrong_status(
            _("Saturu var apstiprināt tikai iesniegtam rēķinam; šis ir «%(status)s»."), invoice
        )
    if reconcile(invoice):
        raise InvoiceHasDifferences(_differences_text(invoice))
    confirmed_at = recorded_at(on, field="confirmed_on", not_before=invoice.submitted_at)
    invoice.status = InvoiceStatus.CONFIRMED
    invoice.confirmed_by = actor
    invoice.confirmed_at = confirmed_at
    invoice.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    audit_invoice(actor, AuditEventType.BILLING_INVOICE_CONFIRMED, invoice)
    return invoice


def add_spend(invoice: Invoice, line: InvoiceLine) -> None:
    """Add an approved line to the ledger and the report roll-ups (billing.ledger)."""
    ledger.add_spend(
        municipality_id=invoice.municipality_id,
        target_group=line.client.target_group,
        client_id=line.client_id,
        recipient_id=line.recipient_id or 0,
        service_type_id=line.service_type_id,
        funding_source=line.funding_source,
        month=invoice.month,
        amount=line.amount,
        units=line.quantity,
        sessions=line.sessions,
    )


@transaction.atomic
def invoice_approve(*, actor: Actor, invoice: Invoice, on: dt.date | None = None) -> Invoice:
    """The accountant approves payment: never the person who confirmed the content, and never
    beyond the client's individual budget (checked under the budget periods' row locks).
    `on`: the day it is recorded (default now; not before the content was confirmed)."""
    billing_policy.require(actor, BillingAction.APPROVE, invoice)
    invoice = locked(invoice)
    if invoice.status != InvoiceStatus.CONFIRMED:
        raise _wrong_status(
            _("Apmaksu var apstiprināt tikai rēķinam ar apstiprinātu saturu; šis ir «%(status)s»."),
            invoice,
        )
    if billing_policy.confirmed_content(actor, invoice):
        raise SamePerson()
    approved_at = recorded_at(on, field="approved_on", not_before=invoice.confirmed_at)
    book_approval(invoice)
    invoice.status = InvoiceStatus.APPROVED
    invoice.approved_by = actor
    invoice.approved_at = approved_at
    invoice.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_invoice(actor, AuditEventType.BILLING_INVOICE_APPROVED, invoice)
    return invoice


def book_approval(invoice: Invoice) -> None:
    """Check the approved invoice against the clients' budgets and add it to the ledger."""
    lines = list(invoice.lines.select_related("client").order_by("position", "id"))
    client_ids = sorted({line.client_id for line in lines})
    # Lock every affected client's budget periods, always in client order, so that two
    # approvals touching the same clients queue up instead of deadlocking.
    list(
        BudgetPeriod.objects.select_for_update()
        .filter(client_id__in=client_ids)
        .order_by("client_id", "start", "id")
        .values_list("pk", flat=True)
    )
    problems = budget_problems(invoice, lines)
    if problems:
        raise BudgetOverspent(" ".join(dict.fromkeys(text for _code, text in problems.values())))
    for line in lines:
        add_spend(invoice, line)


@transaction.atomic
def invoice_reject(*, actor: Actor, invoice: Invoice, reason: object) -> Invoice:
    """Reject a submitted or confirmed invoice with a reason; its sessions are freed for a
    corrected invoice of the same month."""
    billing_policy.require(actor, BillingAction.REJECT, invoice)
    invoice = locked(invoice)
    if invoice.status not in (InvoiceStatus.SUBMITTED, InvoiceStatus.CONFIRMED):
        raise _wrong_status(
            _("Noraidīt var tikai iesniegtu vai saturā apstiprinātu rēķinu; šis ir «%(status)s»."),
            invoice,
        )
    errors: dict[str, list[str]] = {}
    text = text_field(reason, "reason", errors, limit=REASON_MAX, required=True, coerce=True)
    raise_if_errors(errors)
    freed = list(
        InvoicedSession.objects.filter(line__invoice=invoice).values_list("session_id", flat=True)
    )
    InvoicedSession.objects.filter(line__invoice=invoice).delete()
    delivery_services.sessions_mark_invoiced(session_ids=freed, invoiced=False)
    invoice.status = InvoiceStatus.REJECTED
    invoice.rejected_by = actor
    invoice.rejected_at = timezone.now()
    invoice.rejection_reason = text
    invoice.save(
        update_fields=["status", "rejected_by", "rejected_at", "rejection_reason", "updated_at"]
    )
    audit_invoice(actor, AuditEventType.BILLING_INVOICE_REJECTED, invoice, reason=text)
    return invoice


def paid_on_field(value: object, invoice: Invoice, errors: dict[str, list[str]]) -> dt.date | None:
    """The payment day: not in the future, not before payment was approved."""
    day = date_field(value, "paid_on", errors, required=False)
    if value in (None, ""):  # a missing day is reported as a wrong one, as always
        add_error(errors, "paid_on", DATE_FORMAT_MESSAGE)
    if day is not None:
        if day > timezone.localdate():
            add_error(errors, "paid_on", _("Apmaksas datums nevar būt nākotnē."))
        elif invoice.approved_at and day < timezone.localdate(invoice.approved_at):
            add_error(
                errors, "paid_on", _("Apmaksas datums nevar būt pirms apmaksas apstiprināšanas.")
            )
    return day


@transaction.atomic
def invoice_pay(
    *, actor: Actor, invoice: Invoice, paid_on: object, payment_reference: object
) -> Invoice:
    """Record that an approved invoice was paid: the date and the payment order."""
    billing_policy.require(actor, BillingAction.PAY, invoice)
    invoice = locked(invoice)
    if invoice.status != InvoiceStatus.APPROVED:
        raise _wrong_status(
            _("Apmaksātu var atzīmēt tikai rēķinu ar apstiprinātu apmaksu; šis ir «%(status)s»."),
            invoice,
        )
    return mark_paid(actor, invoice, paid_on, payment_reference)


def mark_paid(
    actor: Actor, invoice: Invoice, paid_on: object, payment_reference: object, **audit: Any
) -> Invoice:
    """Check the payment's day and order number and record them (the caller has asked the
    policy and checked the invoice's status); `audit` adds to the event (`historic=True`)."""
    errors: dict[str, list[str]] = {}
    reference = text_field(
        payment_reference,
        "payment_reference",
        errors,
        limit=REFERENCE_MAX,
        required=True,
        coerce=True,
    )
    day = paid_on_field(paid_on, invoice, errors)
    raise_if_errors(errors)
    invoice.status = InvoiceStatus.PAID
    invoice.paid_on = day
    invoice.payment_reference = reference
    invoice.paid_recorded_by = actor
    invoice.save(
        update_fields=["status", "paid_on", "payment_reference", "paid_recorded_by", "updated_at"]
    )
    audit_invoice(
        actor,
        AuditEventType.BILLING_INVOICE_PAID,
        invoice,
        **audit,
        paid_on=day.isoformat() if day else None,
        payment_reference=reference,
    )
    return invoice
