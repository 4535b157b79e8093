"""Imported history: an invoice's approval of payment, and its payment, as facts of the past.

A municipality's old records say who approved an invoice and when. Importing them is not
approving: nobody acts in another person's name. The approver is recorded as the records name
them (`approved_by_name`, with the municipality's user of that name as a reference, if there
is one), the importing user as the one who recorded it (`approval_imported_by`; the audit
events' actor), and only history is taken: the approval day is in the past and the invoice's
month has ended. The budget rules hold as for any approval.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from atbalsts.core.audit import AuditEventType
from atbalsts.core.dates import month_end, recorded_at
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.validation import add_error, date_field, raise_if_errors, text_field

from ..errors import InvoiceWrongStatus, SamePerson
from ..models import Invoice, InvoiceStatus
from ..policies import BillingAction, billing_policy
from .audit import audit_invoice
from .workflow import book_approval, locked, mark_paid

if TYPE_CHECKING:
    from atbalsts.accounts.models import User
    from atbalsts.core.actors import Actor

APPROVER_NAME_MAX = 150


def historic_approver(invoice: Invoice, name: str) -> User | None:
    """The municipality's user the records' name refers to (user name, or first and last
    name, in any case), if exactly one does; only a reference, never an actor."""
    wanted = name.strip().lower()
    users = (
        get_user_model()
        .objects.filter(municipality_id=invoice.municipality_id)
        .annotate(full=Lower(Concat("first_name", Value(" "), "last_name")))
        .filter(Q(username__iexact=wanted) | Q(full=wanted))
    )
    found = list(users[:2])
    return found[0] if len(found) == 1 else None


@transaction.atomic
def invoice_record_historic_approval(
    *,
    actor: Actor,
    invoice: Invoice,
    approved_by: object,
    approved_on: object,
    paid: bool = False,
    paid_on: object = None,
    payment_reference: object = "",
) -> Invoice:
    """Record that the confirmed `invoice` was approved for payment in the past by
    `approved_by` (a name) on `approved_on`, and, if `paid`, that it was paid on `paid_on`
    with the payment order `payment_reference`. `actor`
    imports it; the audit events name `actor` and say the approval is historic."""
    billing_policy.require(actor, BillingAction.RECORD_HISTORY, invoice)
    invoice = locked(invoice)
    if invoice.status != InvoiceStatus.CONFIRMED:
        raise InvoiceWrongStatus(
            _(
                "Vēsturisku apmaksas apstiprinājumu var reģistrēt tikai rēķinam ar apstiprinātu "
                "saturu; šis ir «%(status)s»."
            )
            % {"status": invoice.get_status_display()}
        )
    errors: dict[str, list[str]] = {}
    name = text_field(
        approved_by, "approved_by", errors, limit=APPROVER_NAME_MAX, required=True, coerce=True
    )
    day = date_field(approved_on, "approved_on", errors, required=True)
    today = timezone.localdate()
    if day is not None and day >= today:
        add_error(
            errors,
            "approved_on",
            _("Vēsturiska apmaksas apstiprinājuma datumam jābūt pagātnē (pirms šodienas)."),
        )
    if month_end(invoice.month) >= today:
        add_error(
            errors,
            "month",
            _(
                "Vēsturisku apmaksas apstiprinājumu var importēt tikai par beigušos mēnesi; "
                "šī mēneša rēķina apmaksu apstiprina grāmatvedis sistēmā."
            ),
        )
    raise_if_errors(errors)
    if day is None:  # pragma: no cover - date_field reported it (required)
        raise ValidationFailed({"approved_on": [_("Obligāts lauks.")]})
    approved_at = recorded_at(day, field="approved_on", not_before=invoice.confirmed_at)
    reference = historic_approver(invoice, name)
    if reference is not None and reference.pk == invoice.confirmed_by_id:
        raise SamePerson(field="approved_by")
    book_approval(invoice)
    invoice.status = InvoiceStatus.APPROVED
    invoice.approved_by = None
    invoice.approved_at = approved_at
    invoice.approved_by_name = name
    invoice.historic_approver = reference
    invoice.approval_imported_by = actor
    invoice.save(
        update_fields=[
            "status",
            "approved_by",
            "approved_at",
            "approved_by_name",
            "historic_approver",
            "approval_imported_by",
            "updated_at",
        ]
    )
    audit_invoice(
        actor,
        AuditEventType.BILLING_INVOICE_APPROVED,
        invoice,
        historic=True,
        approved_by_name=name,
        historic_approver=reference.pk if reference is not None else None,
        approved_on=day.isoformat(),
    )
    if paid:
        mark_paid(actor, invoice, paid_on, payment_reference, historic=True)
    return invoice
