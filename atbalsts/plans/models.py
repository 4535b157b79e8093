"""Support plans: versions, goals, plan lines (services with money) and guarantee letters."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from atbalsts.assessment.models import LifeDomain
from atbalsts.catalog.models import Provider, ServiceType, Tariff
from atbalsts.core.dates import dmy
from atbalsts.core.models import TimeStampedModel
from atbalsts.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from atbalsts.people.models import Client, Municipality, Representative, SupportCircleMember


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("melnraksts")
    AGREED = "agreed", _("saskaņots")
    ACTIVE = "active", _("spēkā")
    SUPERSEDED = "superseded", _("aizstāts")
    CLOSED = "closed", _("slēgts")


class SignMethod(models.TextChoices):
    PAPER = "paper", _("parakstīts uz papīra")
    IN_PERSON = "in_person", _("apstiprināts klātienē")
    ELECTRONIC = "electronic", _("parakstīts elektroniski")


class GoalOutcome(models.TextChoices):
    ACHIEVED = "achieved", _("sasniegts")
    PARTLY = "partly", _("daļēji sasniegts")
    NOT_ACHIEVED = "not_achieved", _("nav sasniegts")


class GoalTerm(models.TextChoices):
    LONG = "long", _("ilgtermiņa")
    SHORT = "short", _("īstermiņa")


class DecisionDomain(models.TextChoices):
    """The six domains of the support person for decision-making (docs/domain.md)."""

    RIGHTS = "rights", _("tiesības un intereses")
    FINANCES = "finances", _("finanses (budžets, pirkumi)")
    DAILY_LIFE = "daily_life", _("ikdiena (pašaprūpe, izglītība, nodarbinātība)")
    HEALTH_CARE = "health_care", _("veselības aprūpe")
    SOCIAL_CARE = "social_care", _("sociālā aprūpe")
    SUPPORT_CIRCLE = "support_circle", _("atbalsta loka veidošana")


class FundingSource(models.TextChoices):
    INDIVIDUAL_BUDGET = "individual_budget", _("individuālais budžets")
    MUNICIPAL = "municipal", _("pašvaldības budžets")
    STATE = "state", _("valsts budžets")
    DI_PROJECT = "di_project", _("DI projekts")
    NGO_PROJECT = "ngo_project", _("NVO projekts")
    DONATION = "donation", _("ziedojums")
    OWN_MONEY = "own_money", _("personas līdzekļi")


class QuantityBasis(models.TextChoices):
    """What a plan line's quantity counts: so many a month, or so many over the line's whole
    period (25 sessions over the year, used as the person needs them)."""

    MONTH = "month", _("mēnesī")
    PERIOD = "period", _("visā periodā")


# Money the municipality administers and therefore guarantees to the provider in a letter;
# NGO projects, donations and the person's own money pay the provider directly.
GUARANTEED_SOURCES = frozenset(
    {
        FundingSource.INDIVIDUAL_BUDGET,
        FundingSource.MUNICIPAL,
        FundingSource.STATE,
        FundingSource.DI_PROJECT,
    }
)


class SupportPlan(TimeStampedModel):
    """A client's support plan; what it says lives in its versions."""

    client = models.ForeignKey(
        Client, verbose_name=_("klients"), on_delete=models.PROTECT, related_name="support_plans"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("izveidoja"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("atbalsta plāns")
        verbose_name_plural = _("atbalsta plāni")
        ordering = ["client", "-created_at", "-id"]

    def __str__(self) -> str:
        return _("Atbalsta plāns Nr. %(id)s") % {"id": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", args=[self.pk])


class PlanVersion(TimeStampedModel):
    """One version of a plan: draft → agreed (signed) → active → superseded / closed.

    Only a draft is changed, and every change passes the `revision` it was read at, so two
    people editing the same draft cannot overwrite each other.
    """

    plan = models.ForeignKey(
        SupportPlan, verbose_name=_("plāns"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("versija"))
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("aizstāj versiju"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
    )
    status = models.CharField(
        _("statuss"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    start = models.DateField(_("sākums"))
    end = models.DateField(_("beigas"))
    revision = models.PositiveIntegerField(_("redakcija"), default=1)
    notes = models.TextField(_("piezīmes"), max_length=5000, blank=True)
    # The agreement: who signed (the client, or a representative valid on that day), when, how.
    signed_by_representative = models.ForeignKey(
        Representative,
        verbose_name=_("parakstīja pārstāvis"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Tukšs, ja parakstījis pats klients."),
    )
    signed_on = models.DateField(_("parakstīts"), null=True, blank=True)
    sign_method = models.CharField(
        _("kā parakstīts"), max_length=20, choices=SignMethod.choices, blank=True
    )
    agreed_at = models.DateTimeField(_("saskaņošana reģistrēta"), null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saskaņošanu reģistrēja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    activated_at = models.DateTimeField(_("stājās spēkā"), null=True, blank=True)
    closed_at = models.DateTimeField(_("slēgts"), null=True, blank=True)
    close_reason = models.CharField(_("slēgšanas iemesls"), max_length=500, blank=True)
    # A head's approval to plan more from the individual budget than the indicative budget.
    overrun_allowance = models.DecimalField(
        _("atļautais budžeta pārsniegums periodā"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        default=0,
    )
    overrun_reason = models.CharField(_("pārsnieguma pamatojums"), max_length=1000, blank=True)
    overrun_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pārsniegumu apstiprināja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    overrun_approved_at = models.DateTimeField(_("pārsniegums apstiprināts"), null=True, blank=True)
    # Set by an extension: the remaining budget spread over the remaining months.
    extension = models.JSONField(_("pagarinājums"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("izveidoja"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("plāna versija")
        verbose_name_plural = _("plāna versijas")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planversion_number_unique"),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(status="draft"), name="planversion_one_draft"
            ),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(status="active"), name="planversion_one_active"
            ),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="planversion_dates"),
        ]

    def __str__(self) -> str:
        return _("versija %(number)s (%(status)s)") % {
            "number": self.number,
            "status": self.get_status_display(),
        }

    def get_absolute_url(self) -> str:
        return reverse("plans:version_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None


class Goal(models.Model):
    """A goal of the person, long or short term, in a life domain, with how progress is judged.

    `key` stays the same when a new version copies the goal, so versions can be compared.
    """

    version = models.ForeignKey(
        PlanVersion, verbose_name=_("versija"), on_delete=models.CASCADE, related_name="goals"
    )
    key = models.UUIDField(_("atslēga"), default=uuid.uuid4, editable=False)
    position = models.PositiveSmallIntegerField(_("secība"), default=1)
    term = models.CharField(_("termiņš"), max_length=10, choices=GoalTerm.choices)
    domain = models.CharField(_("dzīves joma"), max_length=30, choices=LifeDomain.choices)
    decision_domain = models.CharField(
        _("lēmumu pieņemšanas joma"),
        max_length=20,
        choices=DecisionDomain.choices,
        blank=True,
        help_text=_("Pieaugušajiem: kurā no sešām jomām palīdz atbalsta persona."),
    )
    text = models.TextField(_("mērķis"), max_length=2000)
    progress_measure = models.TextField(_("kā vērtēs sasniegto"), max_length=2000, blank=True)
    # Recorded at review, on a version that was agreed and put in force; never on a draft.
    outcome = models.CharField(
        _("rezultāts"), max_length=20, choices=GoalOutcome.choices, blank=True
    )
    outcome_reviewed_on = models.DateField(_("rezultāts novērtēts"), null=True, blank=True)
    outcome_note = models.TextField(_("piezīme par rezultātu"), max_length=2000, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rezultātu ierakstīja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mērķis")
        verbose_name_plural = _("mērķi")
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="goal_key_unique"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class PlanReview(TimeStampedModel):
    """A review of a plan: what changed in the person's life (the pilots' outcome figures)."""

    plan = models.ForeignKey(
        SupportPlan, verbose_name=_("plāns"), on_delete=models.CASCADE, related_name="reviews"
    )
    version = models.ForeignKey(
        PlanVersion,
        verbose_name=_("pārskatītā versija"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    reviewed_on = models.DateField(_("pārskatīts"))
    started_paid_work = models.BooleanField(_("sāka algotu darbu"), default=False)
    moved_to_live_on_own = models.BooleanField(_("sāka dzīvot patstāvīgi"), default=False)
    widened_support_circle = models.BooleanField(_("paplašināja atbalsta loku"), default=False)
    note = models.TextField(_("piezīmes"), max_length=5000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ierakstīja"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("plāna pārskatīšana")
        verbose_name_plural = _("plāna pārskatīšanas")
        ordering = ["plan", "-reviewed_on", "-id"]
        indexes = [models.Index(fields=["reviewed_on"], name="planreview_reviewed_idx")]

    def __str__(self) -> str:
        return _("Pārskatīšana %(date)s") % {"date": dmy(self.reviewed_on)}


class PlanLine(models.Model):
    """A planned service: who provides it, at what price, how much, for how long, paid by whom.

    `total` = unit price × quantity per month × months (or × the quantity of the whole
    period, for a per-period quantity), rounded once to the cent. The unit price is the agreed
    price where there is one, else the list price.
    """

    version = models.ForeignKey(
        PlanVersion, verbose_name=_("versija"), on_delete=models.CASCADE, related_name="lines"
    )
    key = models.UUIDField(_("atslēga"), default=uuid.uuid4, editable=False)
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("pakalpojums"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("sniedzējs"), on_delete=models.PROTECT, related_name="+"
    )
    registration_status = models.CharField(_("reģistrācija"), max_length=20, default="ok")
    override_reason = models.CharField(
        _("izņēmuma pamatojums"),
        max_length=500,
        blank=True,
        help_text=_("Ja sniedzējam nav derīgas reģistrācijas šim pakalpojumam."),
    )
    tariff = models.ForeignKey(
        Tariff,
        verbose_name=_("tarifs"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit_price = models.DecimalField(
        _("vienības cena"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    price_source = models.CharField(_("cenas avots"), max_length=30, blank=True)
    # A price agreed for this person (another session length, the person's letter, a
    # municipal decision): it replaces the list price (`list_price`: the tariff, else the
    # municipal, DI or catalogue price). Above the list price it needs the head's approval
    # before the version is agreed; a change of the price or of what it is compared with
    # clears the approval.
    list_price = models.DecimalField(
        _("tarifa cena"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    agreed_unit_price = models.DecimalField(
        _("norunātā vienības cena"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    agreed_price_reason = models.CharField(
        _("norunātās cenas pamatojums"), max_length=500, blank=True
    )
    price_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cenu apstiprināja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # An imported approval: the head as the old records name them (`price_approved_by` is then
    # the user who imported it).
    price_approved_by_name = models.CharField(
        _("cenu apstiprināja (vēsturiski)"), max_length=150, blank=True
    )
    price_approved_at = models.DateTimeField(_("cena apstiprināta"), null=True, blank=True)
    quantity = models.DecimalField(_("daudzums mēnesī"), max_digits=8, decimal_places=2)
    quantity_basis = models.CharField(
        _("daudzuma periods"),
        max_length=10,
        choices=QuantityBasis.choices,
        default=QuantityBasis.MONTH,
    )
    start = models.DateField(_("no"))
    months = models.PositiveSmallIntegerField(_("mēneši"))
    end = models.DateField(_("līdz"))
    session_minutes = models.PositiveSmallIntegerField(
        _("nodarbības ilgums (min)"), null=True, blank=True
    )
    funding_source = models.CharField(
        _("finansējuma avots"), max_length=20, choices=FundingSource.choices
    )
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("mērķis"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lines",
    )
    priority = models.PositiveSmallIntegerField(_("prioritāte"), default=1)
    recipient = models.ForeignKey(
        SupportCircleMember,
        verbose_name=_("saņēmējs"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Tukšs — pakalpojumu saņem pats klients."),
    )
    decision_domain = models.CharField(
        _("lēmumu pieņemšanas joma"), max_length=20, choices=DecisionDomain.choices, blank=True
    )
    total = models.DecimalField(
        _("kopā"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, default=0
    )

    class Meta:
        verbose_name = _("plāna rinda")
        verbose_name_plural = _("plāna rindas")
        ordering = ["version", "priority", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="planline_key_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="planline_quantity_positive"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="planline_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.service_type} — {self.provider}"

    @property
    def is_budget(self) -> bool:
        return self.funding_source == FundingSource.INDIVIDUAL_BUDGET

    @property
    def price_needs_approval(self) -> bool:
        """An agreed price above the list price (or where there is none) needs the head."""
        if self.agreed_unit_price is None:
            return False
        return self.list_price is None or self.agreed_unit_price > self.list_price

    @property
    def price_approved(self) -> bool:
        return self.price_approved_at is not None

    @property
    def per_period(self) -> bool:
        return self.quantity_basis == QuantityBasis.PERIOD


class LetterStatus(models.TextChoices):
    ISSUED = "issued", _("izsniegta")
    REPLACED = "replaced", _("aizstāta")


class LetterCounter(models.Model):
    """The last letter number used by a municipality in a year; locked while a number is taken."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("pašvaldība"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("gads"))
    last_sequence = models.PositiveIntegerField(_("pēdējais numurs"), default=0)

    class Meta:
        verbose_name = _("vēstuļu numurētājs")
        verbose_name_plural = _("vēstuļu numurētāji")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="lettercounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.year}: {self.last_sequence}"


class GuaranteeLetter(TimeStampedModel):
    """A numbered guarantee letter (garantijas vēstule) to one provider for one plan version.

    `lines` keeps the letter's content as issued (JSON), so billing can check invoices against
    exactly what was promised, whatever happens to the plan later.
    """

    number = models.CharField(_("numurs"), max_length=80, unique=True)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("pašvaldība"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("gads"))
    sequence = models.PositiveIntegerField(_("kārtas numurs"))
    version = models.ForeignKey(
        PlanVersion,
        verbose_name=_("plāna versija"),
        on_delete=models.PROTECT,
        related_name="letters",
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("sniedzējs"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("statuss"), max_length=20, choices=LetterStatus.choices, default=LetterStatus.ISSUED
    )
    issued_at = models.DateTimeField(_("izsniegta"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("izsniedza"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("aizstāta ar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
    )
    replaced_at = models.DateTimeField(_("aizstāta"), null=True, blank=True)
    period_start = models.DateField(_("no"))
    period_end = models.DateField(_("līdz"))
    lines = models.JSONField(_("rindas"), default=list)
    client_identity = models.JSONField(_("klienta identifikācija"), default=dict)
    social_worker_contact = models.JSONField(_("sociālā darbinieka kontakti"), default=dict)
    total = models.DecimalField(
        _("kopā"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    budget_total = models.DecimalField(
        _("no individuālā budžeta"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
    )

    class Meta:
        verbose_name = _("garantijas vēstule")
        verbose_name_plural = _("garantijas vēstules")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "sequence"], name="letter_sequence_unique"
            ),
        ]
        indexes = [models.Index(fields=["provider", "status"], name="letter_provider_idx")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("plans:letter_detail", args=[self.pk])


from .pause_models import LetterContract, PauseReason, PlanLinePause  # noqa: E402, F401
