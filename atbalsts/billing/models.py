"""Invoices from providers, their lines and the sessions behind them, and the monthly spend."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atbalsts.catalog.models import Provider, ServiceType
from atbalsts.core.models import TimeStampedModel
from atbalsts.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from atbalsts.delivery.models import Session
from atbalsts.people.models import Client, Municipality, SupportCircleMember, TargetGroup
from atbalsts.plans.models import FundingSource, GuaranteeLetter


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("melnraksts")
    SUBMITTED = "submitted", _("iesniegts")
    CONFIRMED = "confirmed", _("saturs apstiprināts")
    APPROVED = "approved", _("apmaksa apstiprināta")
    PAID = "paid", _("apmaksāts")
    REJECTED = "rejected", _("noraidīts")


# Invoices whose money counts as spent from the client's budget.
SPENT_STATUSES = (InvoiceStatus.APPROVED, InvoiceStatus.PAID)


class InvoiceSource(models.TextChoices):
    PROVIDER = "provider", _("iesniedza sniedzējs")
    PAPER = "paper", _("papīra rēķins, ievadīja sociālais darbinieks")


class Invoice(TimeStampedModel):
    """A provider's monthly invoice to one municipality.

    submitted → confirmed (the social worker checked the content) → approved (the accountant
    approved payment; never the person who confirmed) → paid; or rejected with a reason, which
    frees the month for a corrected invoice.
    """

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("pašvaldība"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("sniedzējs"), on_delete=models.PROTECT, related_name="invoices"
    )
    month = models.DateField(_("mēnesis"), help_text=_("Mēneša pirmā diena."))
    number = models.CharField(_("rēķina numurs"), max_length=50)
    source = models.CharField(
        _("avots"), max_length=20, choices=InvoiceSource.choices, default=InvoiceSource.PROVIDER
    )
    status = models.CharField(
        _("statuss"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("iesniedza"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ievadīja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("iesniegts"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saturu apstiprināja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("saturs apstiprināts"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("apmaksu apstiprināja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("apmaksa apstiprināta"), null=True, blank=True)
    # An imported historic approval: who approved it then (as the old records name them; the
    # user of the municipality with that name as a reference, if there is one) and who
    # imported it. `approved_by` stays empty: nobody approved it in this system.
    approved_by_name = models.CharField(
        _("apmaksu apstiprināja (vēsturiski)"), max_length=150, blank=True
    )
    historic_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vēsturiskā apstiprinātāja lietotājs"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approval_imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vēsturisko apstiprinājumu importēja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    paid_on = models.DateField(_("apmaksāts"), null=True, blank=True)
    payment_reference = models.CharField(_("maksājuma uzdevums"), max_length=100, blank=True)
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("apmaksu reģistrēja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("noraidīja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rejected_at = models.DateTimeField(_("noraidīts"), null=True, blank=True)
    rejection_reason = models.CharField(_("noraidīšanas iemesls"), max_length=1000, blank=True)
    total = models.DecimalField(
        _("kopā"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, default=0
    )
    difference_count = models.PositiveIntegerField(_("neatbilstības"), default=0)

    class Meta:
        verbose_name = _("rēķins")
        verbose_name_plural = _("rēķini")
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "municipality", "month"],
                condition=~Q(status="rejected"),
                name="invoice_one_per_month",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "month", "status"], name="invoice_mun_month_idx"),
            models.Index(fields=["provider", "month"], name="invoice_provider_month_idx"),
        ]

    def __str__(self) -> str:
        return _("Rēķins %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("billing:invoice_detail", args=[self.pk])


class InvoiceLine(models.Model):
    """One line: a letter line for one recipient in the month, with what reconciliation found.

    `recorded_quantity` and `recorded_amount` are what the recorded sessions add up to;
    `differences` holds the reconciliation result: [{"code": …, "message": …}, …].
    """

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("rēķins"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("secība"), default=1)
    client = models.ForeignKey(
        Client, verbose_name=_("klients"), on_delete=models.PROTECT, related_name="+"
    )
    letter = models.ForeignKey(
        GuaranteeLetter,
        verbose_name=_("garantijas vēstule"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    line_key = models.UUIDField(_("plāna rindas atslēga"))
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("pakalpojums"), on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        SupportCircleMember,
        verbose_name=_("saņēmējs"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    funding_source = models.CharField(
        _("finansējuma avots"), max_length=20, choices=FundingSource.choices
    )
    quantity = models.DecimalField(_("daudzums"), max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(
        _("vienības cena"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    amount = models.DecimalField(
        _("summa"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    recorded_quantity = models.DecimalField(
        _("reģistrētais daudzums"), max_digits=10, decimal_places=2, default=0
    )
    recorded_amount = models.DecimalField(
        _("reģistrētā summa"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        default=0,
    )
    sessions = models.PositiveIntegerField(_("nodarbības"), default=0)
    differences = models.JSONField(_("neatbilstības"), default=list, blank=True)

    class Meta:
        verbose_name = _("rēķina rinda")
        verbose_name_plural = _("rēķina rindas")
        ordering = ["invoice", "position", "id"]
        indexes = [models.Index(fields=["client", "funding_source"], name="invoiceline_client_idx")]

    def __str__(self) -> str:
        return f"{self.service_type} × {self.quantity}"


class InvoicedSession(models.Model):
    """A recorded session on an invoice line: a session is invoiced at most once."""

    session = models.OneToOneField(
        Session, verbose_name=_("nodarbība"), on_delete=models.PROTECT, related_name="invoiced"
    )
    line = models.ForeignKey(
        InvoiceLine, verbose_name=_("rēķina rinda"), on_delete=models.CASCADE, related_name="links"
    )

    class Meta:
        verbose_name = _("rēķinā iekļauta nodarbība")
        verbose_name_plural = _("rēķinos iekļautās nodarbības")

    def __str__(self) -> str:
        return f"{self.session_id} → {self.line_id}"


class MonthlySpend(models.Model):
    """Money approved for payment per client, recipient, service, source and month.

    Written only by invoice approval (through `billing.ledger.add_spend`, which keeps the
    report roll-ups below in step), in the same transaction, so it always equals the sum of
    the approved invoice lines; the budget ledger reads it. `recipient_id` is 0 for the client
    themself, else the support-circle member's id. The municipality is the invoice's: a client
    who moves within a month has a row under each.
    """

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("pašvaldība"), on_delete=models.PROTECT, related_name="+"
    )
    target_group = models.CharField(_("mērķa grupa"), max_length=20, choices=TargetGroup.choices)
    client = models.ForeignKey(
        Client, verbose_name=_("klients"), on_delete=models.PROTECT, related_name="+"
    )
    recipient_id = models.BigIntegerField(_("saņēmējs"), default=0)
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("pakalpojums"), on_delete=models.PROTECT, related_name="+"
    )
    funding_source = models.CharField(
        _("finansējuma avots"), max_length=20, choices=FundingSource.choices
    )
    month = models.DateField(_("mēnesis"))
    amount = models.DecimalField(
        _("summa"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, default=0
    )
    units = models.DecimalField(_("vienības"), max_digits=12, decimal_places=2, default=0)
    sessions = models.PositiveIntegerField(_("nodarbības"), default=0)

    class Meta:
        verbose_name = _("mēneša izlietojums")
        verbose_name_plural = _("mēneša izlietojums")
        ordering = ["client", "month", "service_type"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "client",
                    "recipient_id",
                    "service_type",
                    "funding_source",
                    "month",
                    "municipality",
                ],
                name="monthlyspend_unique",
            )
        ]
        indexes = [
            models.Index(fields=["municipality", "month"], name="monthlyspend_mun_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.month:%m.%Y}: {self.amount}"


# --- report roll-ups (docs/performance.md) ------------------------------------------------------
#
# Three small summaries of MonthlySpend, written next to it by `billing.ledger.add_spend` in the
# same transaction, so that the pilot report adds up thousands of rows instead of millions
# whatever the data size. A person's or client's months are a 12-bit mask per calendar year
# (bit 0 = January): "received in the period" is `months & mask <> 0`, "in how many months" is
# the number of set bits. Only rows with money on them are counted, as in the report.


class _RollupRow(models.Model):
    """What every roll-up row is kept under: the municipality and the target group."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("pašvaldība"), on_delete=models.PROTECT, related_name="+"
    )
    target_group = models.CharField(_("mērķa grupa"), max_length=20, choices=TargetGroup.choices)

    class Meta:
        abstract = True


class SpendSummary(_RollupRow):
    """Money, units and sessions per municipality × target group × service × source × month."""

    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("pakalpojums"), on_delete=models.PROTECT, related_name="+"
    )
    funding_source = models.CharField(
        _("finansējuma avots"), max_length=20, choices=FundingSource.choices
    )
    month = models.DateField(_("mēnesis"))
    amount = models.DecimalField(
        _("summa"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, default=0
    )
    units = models.DecimalField(_("vienības"), max_digits=14, decimal_places=2, default=0)
    sessions = models.PositiveIntegerField(_("nodarbības"), default=0)

    class Meta:
        verbose_name = _("izlietojuma kopsavilkums")
        verbose_name_plural = _("izlietojuma kopsavilkumi")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "target_group", "service_type", "funding_source", "month"],
                name="spendsummary_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.service_type_id} {self.month:%m.%Y}: {self.amount}"


class ServiceMonths(_RollupRow):
    """The months of a year in which one person received one service (a 12-bit mask).
    `person` is the client's id, or minus the support-circle member's id."""

    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("pakalpojums"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.BigIntegerField(_("persona"))
    year = models.PositiveSmallIntegerField(_("gads"))
    months = models.PositiveIntegerField(_("mēneši"), default=0)

    class Meta:
        verbose_name = _("pakalpojuma mēneši")
        verbose_name_plural = _("pakalpojuma mēneši")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "target_group", "service_type", "person", "year"],
                name="servicemonths_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.service_type_id} {self.year}: {self.months:012b}"


def _month_amount() -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(
        _("summa"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, default=0
    )


class ClientMonths(_RollupRow):
    """The months of a year in which a client (or their circle) received any service, and the
    money of each month (`amount_01` … `amount_12`, all services and sources): the budget
    needed per band reads a client's money and months from here (`CLIENT_MONTH_AMOUNTS`)."""

    client = models.ForeignKey(
        Client, verbose_name=_("klients"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("gads"))
    months = models.PositiveIntegerField(_("mēneši"), default=0)
    amount_01 = _month_amount()
    amount_02 = _month_amount()
    amount_03 = _month_amount()
    amount_04 = _month_amount()
    amount_05 = _month_amount()
    amount_06 = _month_amount()
    amount_07 = _month_amount()
    amount_08 = _month_amount()
    amount_09 = _month_amount()
    amount_10 = _month_amount()
    amount_11 = _month_amount()
    amount_12 = _month_amount()

    class Meta:
        verbose_name = _("klienta mēneši")
        verbose_name_plural = _("klienta mēneši")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "target_group", "client", "year"],
                name="clientmonths_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.year}: {self.months:012b}"


def client_month_amount(month_number: int) -> str:
    """The ClientMonths field holding the money of a month (1 = January)."""
    return f"amount_{month_number:02d}"


CLIENT_MONTH_AMOUNTS = [client_month_amount(m) for m in range(1, 13)]


# --- credit notes (corrections of approved money) ----------------------------------------------


class CreditNoteStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("credit note", "gaida lēmumu")
    APPROVED = "approved", pgettext_lazy("credit note", "apstiprināts")
    REJECTED = "rejected", pgettext_lazy("credit note", "noraidīts")


class CreditNote(TimeStampedModel):
    """A correction of an approved or paid invoice (*kredītrēķins*): some of its lines, partly
    or fully, with a reason. Proposed by a social worker, the head or an accountant and
    approved by another person (four eyes); only the approval takes the money out of the
    ledger, in the invoice's service month (`billing.ledger.subtract_spend`)."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("rēķins"), on_delete=models.PROTECT, related_name="credit_notes"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("pašvaldība"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("kredītrēķina numurs"), max_length=60)
    reason = models.CharField(_("pamatojums"), max_length=1000)
    status = models.CharField(
        _("statuss"),
        max_length=20,
        choices=CreditNoteStatus.choices,
        default=CreditNoteStatus.PROPOSED,
    )
    total = models.DecimalField(
        _("kopā"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, default=0
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sagatavoja"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("izlēma"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("izlemts"), null=True, blank=True)
    rejection_reason = models.CharField(_("noraidīšanas iemesls"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("kredītrēķins")
        verbose_name_plural = _("kredītrēķini")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="creditnote_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["municipality", "status"], name="creditnote_mun_status_idx"),
        ]

    def __str__(self) -> str:
        return _("Kredītrēķins %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("billing:credit_note_detail", args=[self.pk])


class CreditNoteLine(models.Model):
    """What one invoice line gives back: money, units and sessions (all positive here; the
    ledger subtracts them)."""

    credit_note = models.ForeignKey(
        CreditNote, verbose_name=_("kredītrēķins"), on_delete=models.CASCADE, related_name="lines"
    )
    invoice_line = models.ForeignKey(
        InvoiceLine,
        verbose_name=_("rēķina rinda"),
        on_delete=models.PROTECT,
        related_name="credit_lines",
    )
    quantity = models.DecimalField(_("daudzums"), max_digits=10, decimal_places=2, default=0)
    amount = models.DecimalField(
        _("summa"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    sessions = models.PositiveIntegerField(_("nodarbības"), default=0)

    class Meta:
        verbose_name = _("kredītrēķina rinda")
        verbose_name_plural = _("kredītrēķina rindas")
        ordering = ["credit_note", "invoice_line__position", "id"]

    def __str__(self) -> str:
        return f"{self.invoice_line_id}: −{self.amount}"


class CreditedSession(models.Model):
    """A wrongly recorded session taken back by a credit note line: at most once."""

    session = models.OneToOneField(
        Session, verbose_name=_("nodarbība"), on_delete=models.PROTECT, related_name="credited"
    )
    line = models.ForeignKey(
        CreditNoteLine,
        verbose_name=_("kredītrēķina rinda"),
        on_delete=models.CASCADE,
        related_name="links",
    )

    class Meta:
        verbose_name = _("kredītrēķinā atsaukta nodarbība")
        verbose_name_plural = _("kredītrēķinos atsauktās nodarbības")

    def __str__(self) -> str:
        return f"{self.session_id} → {self.line_id}"


# The programme's money (co-financing shares, envelopes) lives in its own module.
from .programme_models import CoFinancing, CoFinancingShare, Envelope  # noqa: E402, F401
