"""Billing: invoices, their reconciliation, payment, and the budget ledger."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "atbalsts.billing"
    label = "billing"
    verbose_name = _("Rēķini")
