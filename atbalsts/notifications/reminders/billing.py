"""Invoices waiting: for the content check (the social workers whose cases are on the invoice)
and for payment approval (the municipality's accountants). The invoices are the billing
list's (`billing.selectors.invoice_list`) and who may act is `billing_policy`'s answer, as on
the start page's panel (`invoices_waiting`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from atbalsts.billing.models import Invoice, InvoiceStatus
from atbalsts.billing.policies import BillingAction, billing_policy
from atbalsts.billing.selectors import InvoiceFilters, invoice_list
from atbalsts.core.dates import my

from ..models import NotificationKind
from ..policies import notification_policy
from .common import Reminder, holds_case

if TYPE_CHECKING:
    from atbalsts.accounts.models import User


def invoices_to_confirm(today: dt.date) -> list[Reminder]:
    result: list[Reminder] = []
    for worker in notification_policy.case_workers():
        if not billing_policy.can(worker, BillingAction.CONFIRM):
            continue
        invoices = (
            invoice_list(user=worker, filters=InvoiceFilters(status=InvoiceStatus.SUBMITTED))
            .filter(holds_case(worker, today, "lines__client__"))
            .distinct()
        )
        result.extend(_reminders(worker, invoices, NotificationKind.INVOICE_TO_CONFIRM))
    return result


def invoices_to_approve(today: dt.date) -> list[Reminder]:
    result: list[Reminder] = []
    for accountant in notification_policy.payment_approvers():
        if not billing_policy.can(accountant, BillingAction.APPROVE):
            continue
        invoices = invoice_list(
            user=accountant, filters=InvoiceFilters(status=InvoiceStatus.CONFIRMED)
        )
        result.extend(_reminders(accountant, invoices, NotificationKind.INVOICE_TO_APPROVE))
    return result


def _reminders(user: User, invoices: QuerySet[Invoice], kind: NotificationKind) -> list[Reminder]:
    template = (
        _("Rēķins %(number)s (%(provider)s, %(month)s) gaida satura apstiprinājumu")
        if kind == NotificationKind.INVOICE_TO_CONFIRM
        else _("Rēķins %(number)s (%(provider)s, %(month)s) gaida apmaksas akceptu")
    )
    return [
        Reminder(
            recipient=user,
            kind=kind,
            title=template
            % {
                "number": invoice.number,
                "provider": invoice.provider.name,
                "month": my(invoice.month),
            },
            link=reverse("billing:invoice_detail", args=[invoice.pk]),
            dedupe_key=f"{kind.value}:invoice:{invoice.pk}",
            subject=invoice,
        )
        for invoice in invoices
    ]
