"""Sessions (the attendance sheet), no-show rules and emergency situations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from atbalsts.catalog.models import Provider, ServiceType
from atbalsts.core.dates import dmy
from atbalsts.core.models import TimeStampedModel
from atbalsts.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from atbalsts.people.models import Client, Municipality, SupportCircleMember
from atbalsts.plans.models import FundingSource, GuaranteeLetter

# migration 0001 names `atbalsts.delivery.models.evidence_path`: it stays importable here
from .evidence import evidence_path, evidence_storage


class EmergencySituation(TimeStampedModel):
    """A dated emergency (ārkārtas situācija) a head declares: remote sessions are allowed."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("pašvaldība"),
        on_delete=models.PROTECT,
        related_name="emergency_situations",
    )
    start = models.DateField(_("no"))
    end = models.DateField(_("līdz"), null=True, blank=True)
    reason = models.CharField(_("pamatojums"), max_length=500)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("izsludināja"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("izbeidza"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ārkārtas situācija")
        verbose_name_plural = _("ārkārtas situācijas")
        ordering = ["municipality", "-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="emergency_period_ok",
            ),
        ]

    def __str__(self) -> str:
        return self.reason

    def covers(self, day: object) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)  # type: ignore[operator]


class NoShowRule(TimeStampedModel):
    """The share of the session price paid to the provider for a no-show without notice."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("pašvaldība"),
        on_delete=models.PROTECT,
        related_name="no_show_rules",
    )
    share_percent = models.DecimalField(_("apmaksājamā daļa (%)"), max_digits=5, decimal_places=2)
    valid_from = models.DateField(_("spēkā no"))
    valid_to = models.DateField(_("spēkā līdz"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("noteica"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("neierašanās noteikums")
        verbose_name_plural = _("neierašanās noteikumi")
        ordering = ["municipality", "-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share_percent__gte=0) & Q(share_percent__lte=100),
                name="noshowrule_share_range",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="noshowrule_period_ok",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.share_percent} %"


class SessionStatus(models.TextChoices):
    HELD = "held", _("notika")
    NO_SHOW_NOTICE = "no_show_notice", _("neieradās, brīdināja")
    NO_SHOW_NO_NOTICE = "no_show_no_notice", _("neieradās bez brīdinājuma")
    CANCELLED = "cancelled", _("atcelta")


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", _("klātienē")
    REMOTE = "remote", _("attālināti")


class Signer(models.TextChoices):
    CLIENT = "client", _("klients")
    REPRESENTATIVE = "representative", _("aizbildnis vai likumiskais pārstāvis")
    SOCIAL_WORKER = "social_worker", _("sociālais darbinieks")


class Session(TimeStampedModel):
    """One line of the attendance sheet: a session held (or missed) under a guarantee letter.

    `amount` is what may be invoiced for it; `is_invoiceable` is False while the session waits
    for a social worker (an unaccepted duration difference or a remote session without
    evidence) and for no-shows with notice and cancelled sessions.
    """

    client = models.ForeignKey(
        Client, verbose_name=_("klients"), on_delete=models.PROTECT, related_name="sessions"
    )
    letter = models.ForeignKey(
        GuaranteeLetter,
        verbose_name=_("garantijas vēstule"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    line_key = models.UUIDField(_("vēstules rinda"))
    provider = models.ForeignKey(
        Provider, verbose_name=_("sniedzējs"), on_delete=models.PROTECT, related_name="sessions"
    )
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
        help_text=_("Tukšs — pakalpojumu saņēma pats klients."),
    )
    funding_source = models.CharField(
        _("finansējuma avots"), max_length=20, choices=FundingSource.choices
    )
    date = models.DateField(_("datums"))
    start_time = models.TimeField(_("sākuma laiks"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("ilgums (min)"), null=True, blank=True)
    expected_minutes = models.PositiveSmallIntegerField(
        _("ilgums pēc vēstules (min)"), null=True, blank=True
    )
    units = models.DecimalField(_("vienības"), max_digits=8, decimal_places=2)
    unit_price = models.DecimalField(
        _("vienības cena"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    ticket_amount = models.DecimalField(
        _("biļetes summa"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    amount = models.DecimalField(
        _("summa"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    no_show_share = models.DecimalField(
        _("apmaksātā daļa neierašanās gadījumā (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("statuss"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.HELD
    )
    mode = models.CharField(
        _("veids"), max_length=10, choices=SessionMode.choices, default=SessionMode.IN_PERSON
    )
    evidence_protocol = models.TextField(_("protokols"), max_length=5000, blank=True)
    evidence_file = models.FileField(
        _("ekrānuzņēmums vai protokola datne"),
        upload_to=evidence_path,
        storage=evidence_storage,
        blank=True,
    )
    no_evidence_reason = models.CharField(_("kāpēc nav pierādījumu"), max_length=1000, blank=True)
    no_evidence_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pierādījumu trūkumu pamatoja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_by = models.CharField(_("parakstīja"), max_length=20, choices=Signer.choices, blank=True)
    signer_note = models.CharField(_("piezīme par parakstu"), max_length=1000, blank=True)
    duration_difference_reason = models.CharField(
        _("ilguma atšķirības pamatojums"), max_length=1000, blank=True
    )
    duration_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ilguma atšķirību akceptēja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    over_quantity = models.BooleanField(_("virs piešķirtā daudzuma"), default=False)
    is_invoiceable = models.BooleanField(_("var iekļaut rēķinā"), default=True)
    invoice_locked = models.BooleanField(
        _("iekļauta rēķinā"),
        default=False,
        help_text=_("Kamēr nodarbība ir rēķinā, to mainīt nevar; rēķina noraidīšana to atbrīvo."),
    )
    goals_worked_on = models.TextField(_("mērķi, pie kuriem strādāja"), max_length=5000, blank=True)
    techniques = models.TextField(_("izmantotās metodes"), max_length=5000, blank=True)
    conclusion = models.TextField(_("speciālista atzinums"), max_length=10000, blank=True)
    confidential = models.BooleanField(_("saturs konfidenciāls"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reģistrēja"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    import_key = models.CharField(
        _("importa atslēga"), max_length=64, unique=True, null=True, blank=True
    )
    group_key = models.UUIDField(
        _("grupas nodarbība"),
        null=True,
        blank=True,
        help_text=_("Kopīga vairākām personām vienā grupas nodarbībā."),
    )
    goal_keys = models.JSONField(
        _("plāna mērķi, pie kuriem strādāja"),
        default=list,
        blank=True,
        help_text=_("Atbalsta plāna mērķu atslēgas (mērķis saglabā atslēgu plāna versijās)."),
    )

    class Meta:
        verbose_name = _("nodarbība")
        verbose_name_plural = _("nodarbības")
        ordering = ["-date", "-start_time", "-id"]
        constraints = [
            models.UniqueConstraint(
                F("provider"),
                F("client"),
                Coalesce(F("recipient"), 0),
                F("service_type"),
                F("date"),
                F("start_time"),
                condition=~Q(status="cancelled"),
                name="session_no_duplicate",
            ),
            models.CheckConstraint(condition=Q(units__gte=0), name="session_units_ok"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="session_amount_ok"),
        ]
        indexes = [
            models.Index(fields=["client", "date"], name="session_client_date_idx"),
            models.Index(fields=["provider", "date"], name="session_provider_date_idx"),
            models.Index(fields=["letter"], name="session_letter_idx"),
            models.Index(fields=["group_key"], name="session_group_idx"),
            # The sessions a social worker must decide on (the start page counts them): a
            # few rows, so the count does not read every session of the municipality.
            models.Index(
                fields=["client", "date"],
                condition=models.Q(status="held", is_invoiceable=False),
                name="session_awaiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_type} {dmy(self.date)}"

    def get_absolute_url(self) -> str:
        return reverse("delivery:session_detail", args=[self.pk])

    @property
    def is_no_show(self) -> bool:
        return self.status in (SessionStatus.NO_SHOW_NOTICE, SessionStatus.NO_SHOW_NO_NOTICE)

    @property
    def is_remote(self) -> bool:
        return self.mode == SessionMode.REMOTE

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_protocol.strip() or self.evidence_file)

    @property
    def duration_pending(self) -> bool:
        """The duration differs from the letter and no social worker has accepted it yet."""
        return (
            self.status == SessionStatus.HELD
            and self.expected_minutes is not None
            and self.duration_minutes is not None
            and self.duration_minutes != self.expected_minutes
            and self.duration_accepted_by_id is None
        )

    @property
    def evidence_pending(self) -> bool:
        """A remote session held without evidence and without a social worker's reason."""
        return (
            self.is_remote
            and self.status == SessionStatus.HELD
            and not self.has_evidence
            and not self.no_evidence_reason
        )


class CancelledBy(models.TextChoices):
    PROVIDER = "provider", _("sniedzējs")
    PERSON = "person", _("persona vai ģimene")
    SOCIAL_SERVICE = "social_service", _("sociālais dienests")


class CancelReason(models.TextChoices):
    PROVIDER_ILLNESS = "provider_illness", _("sniedzēja slimība")
    PERSON_ILLNESS = "person_illness", _("personas vai bērna slimība")
    OTHER = "other", _("cits iemesls")


class Cancellation(TimeStampedModel):
    """A session that was planned under a letter line and did not take place because someone
    cancelled it: who cancelled it and why. Recorded on its own (a planned day of the
    calendar) or on a recorded session, which it marks cancelled (`session`). `units` and
    `amount` are what could not be given (the reports count them); nothing is paid for it."""

    client = models.ForeignKey(
        Client, verbose_name=_("klients"), on_delete=models.PROTECT, related_name="cancellations"
    )
    letter = models.ForeignKey(
        GuaranteeLetter,
        verbose_name=_("garantijas vēstule"),
        on_delete=models.PROTECT,
        related_name="cancellations",
    )
    line_key = models.UUIDField(_("vēstules rinda"))
    provider = models.ForeignKey(
        Provider,
        verbose_name=_("sniedzējs"),
        on_delete=models.PROTECT,
        related_name="cancellations",
    )
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("pakalpojums"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("plānotais datums"))
    start_time = models.TimeField(_("plānotais laiks"), null=True, blank=True)
    units = models.DecimalField(_("nesniegtās vienības"), max_digits=8, decimal_places=2)
    amount = models.DecimalField(
        _("nesniegtā summa"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    cancelled_by = models.CharField(_("atcēla"), max_length=20, choices=CancelledBy.choices)
    reason = models.CharField(_("iemesls"), max_length=20, choices=CancelReason.choices)
    note = models.CharField(
        _("paskaidrojums"),
        max_length=500,
        blank=True,
        help_text=_("Obligāts citam iemeslam. Bez veselības ziņām."),
    )
    session = models.OneToOneField(
        Session,
        verbose_name=_("atceltā nodarbība"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cancellation",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reģistrēja"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("atcelšana")
        verbose_name_plural = _("atcelšanas")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(units__gte=0), name="cancellation_units_ok"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="cancellation_amount_ok"),
        ]
        indexes = [
            models.Index(fields=["provider", "date"], name="cancellation_provider_idx"),
            models.Index(fields=["client", "date"], name="cancellation_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.service_type} {dmy(self.date)}"


class RemoteQualityDecision(TimeStampedModel):
    """The social worker's decision, for one client and service, whether remote delivery can
    keep the service's quality (the 2020 amendment of the methodology). In an emergency, a
    remote session of a service that is not remote by nature counts only after such a
    decision that says yes. Decisions are dated and never overwritten: the latest one made on
    or before the session's day holds."""

    client = models.ForeignKey(
        Client,
        verbose_name=_("klients"),
        on_delete=models.PROTECT,
        related_name="remote_quality_decisions",
    )
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("pakalpojums"), on_delete=models.PROTECT, related_name="+"
    )
    keeps_quality = models.BooleanField(_("attālināti kvalitāte saglabājas"))
    note = models.TextField(_("pamatojums"), max_length=2000)
    decided_on = models.DateField(_("izvērtēts"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("izvērtēja"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attālinātas sniegšanas izvērtējums")
        verbose_name_plural = _("attālinātas sniegšanas izvērtējumi")
        ordering = ["client", "service_type", "-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.service_type} {dmy(self.decided_on)}"
