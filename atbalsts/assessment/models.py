"""Needs assessments, the allocation rules that turn them into money, and indicative budgets."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from atbalsts.core.dates import dmy, span
from atbalsts.core.models import TimeStampedModel
from atbalsts.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from atbalsts.people.models import Client, Municipality, TargetGroup

MAX_INTENSITY = 4
INTENSITIES = range(MAX_INTENSITY + 1)


class LifeDomain(models.TextChoices):
    # Adults: the domains of the Supports Intensity Scale plus behavioural and medical needs.
    HOME_LIVING = "home_living", _("mājas dzīve")
    COMMUNITY_LIVING = "community_living", _("dzīve sabiedrībā")
    LIFELONG_LEARNING = "lifelong_learning", _("mūžizglītība")
    EMPLOYMENT = "employment", _("nodarbinātība")
    HEALTH_SAFETY = "health_safety", _("veselība un drošība")
    SOCIAL_ACTIVITIES = "social_activities", _("sociālās aktivitātes")
    PROTECTION_ADVOCACY = "protection_advocacy", _("aizsardzība un interešu aizstāvība")
    BEHAVIOURAL_NEEDS = "behavioural_needs", _("uzvedības atbalsta vajadzības")
    MEDICAL_NEEDS = "medical_needs", _("medicīniskās atbalsta vajadzības")
    # Children: the three domains their services fall in.
    FAMILY_CAPACITY = "family_capacity", _("ģimenes kapacitātes stiprināšana")
    LOST_FUNCTION = "lost_function", _("zaudētās funkcijas kompensēšana")
    FUNCTIONING = "functioning", _("funkcionēšanas saglabāšana un attīstīšana")


ADULT_DOMAINS: tuple[LifeDomain, ...] = (
    LifeDomain.HOME_LIVING,
    LifeDomain.COMMUNITY_LIVING,
    LifeDomain.LIFELONG_LEARNING,
    LifeDomain.EMPLOYMENT,
    LifeDomain.HEALTH_SAFETY,
    LifeDomain.SOCIAL_ACTIVITIES,
    LifeDomain.PROTECTION_ADVOCACY,
    LifeDomain.BEHAVIOURAL_NEEDS,
    LifeDomain.MEDICAL_NEEDS,
)
CHILD_DOMAINS: tuple[LifeDomain, ...] = (
    LifeDomain.FAMILY_CAPACITY,
    LifeDomain.LOST_FUNCTION,
    LifeDomain.FUNCTIONING,
)


def domains_for(target_group: str) -> tuple[LifeDomain, ...]:
    return CHILD_DOMAINS if target_group == TargetGroup.CHILD_FT else ADULT_DOMAINS


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("melnraksts")
    COMPLETED = "completed", _("pabeigts")


class NeedsAssessment(TimeStampedModel):
    """One assessment of a client's needs; once completed it is never changed again.

    Adults fill `own_goals`, `anamnesis` and `family_description`; children have the team's
    conclusions, `common_goals` and recommended services. Both score their domains.
    """

    client = models.ForeignKey(
        Client, verbose_name=_("klients"), on_delete=models.PROTECT, related_name="assessments"
    )
    target_group = models.CharField(_("mērķa grupa"), max_length=20, choices=TargetGroup.choices)
    assessed_on = models.DateField(_("izvērtēšanas datums"))
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sociālais darbinieks"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    status = models.CharField(
        _("statuss"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    own_goals = models.JSONField(
        _("sapņi un mērķi"),
        default=list,
        blank=True,
        help_text=_("Personas pašas vārdiem, katrs mērķis atsevišķi."),
    )
    anamnesis = models.TextField(_("anamnēze"), max_length=10000, blank=True)
    family_description = models.TextField(_("ģimenes apraksts"), max_length=5000, blank=True)
    common_goals = models.JSONField(
        _("kopīgie mērķi"),
        default=list,
        blank=True,
        help_text=_("Speciālistu komandas un ģimenes kopīgi noteiktie mērķi."),
    )
    completed_at = models.DateTimeField(_("pabeigts"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pabeidza"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("vajadzību izvērtējums")
        verbose_name_plural = _("vajadzību izvērtējumi")
        ordering = ["client", "-assessed_on", "-id"]
        indexes = [
            models.Index(fields=["client", "status", "-assessed_on"], name="assessment_client_idx")
        ]

    def __str__(self) -> str:
        return _("Izvērtējums %(date)s") % {"date": dmy(self.assessed_on)}

    def get_absolute_url(self) -> str:
        return reverse("assessment:assessment_detail", args=[self.pk])

    @property
    def is_child(self) -> bool:
        return self.target_group == TargetGroup.CHILD_FT

    @property
    def is_completed(self) -> bool:
        return self.status == AssessmentStatus.COMPLETED


class DomainScore(models.Model):
    """The support-need intensity in one life domain: 0 none … 4 very high."""

    assessment = models.ForeignKey(
        NeedsAssessment,
        verbose_name=_("izvērtējums"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    domain = models.CharField(_("joma"), max_length=30, choices=LifeDomain.choices)
    intensity = models.PositiveSmallIntegerField(_("atbalsta intensitāte"))

    class Meta:
        verbose_name = _("jomas vērtējums")
        verbose_name_plural = _("jomu vērtējumi")
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="score_domain_unique"),
            models.CheckConstraint(
                condition=Q(intensity__lte=MAX_INTENSITY), name="score_intensity_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_domain_display()}: {self.intensity}"


class SpecialistRole(models.TextChoices):
    REHABILITATION_PHYSICIAN = "rehabilitation_physician", _("fizikālās un rehabilitācijas ārsts")
    SPEECH_THERAPIST = "speech_therapist", _("logopēds / speciālais pedagogs")
    PSYCHOLOGIST = "psychologist", _("psihologs")
    OCCUPATIONAL_THERAPIST = "occupational_therapist", _("ergoterapeits")
    PHYSIOTHERAPIST = "physiotherapist", _("fizioterapeits")
    SOCIAL_WORKER = "social_worker", _("sociālais darbinieks")


def conclusion_upload_to(instance: SpecialistConclusion, filename: str) -> str:
    """A random name under the client's folder: the original name may hold personal data."""
    suffix = PurePath(filename).suffix.lower()
    assessment = instance.assessment
    return f"assessments/{assessment.client_id}/{assessment.pk}/{uuid.uuid4().hex}{suffix}"


class SpecialistConclusion(models.Model):
    """One specialist's written conclusion (atzinums) in a child's multidisciplinary team."""

    assessment = models.ForeignKey(
        NeedsAssessment,
        verbose_name=_("izvērtējums"),
        on_delete=models.CASCADE,
        related_name="conclusions",
    )
    role = models.CharField(_("speciālists"), max_length=30, choices=SpecialistRole.choices)
    text = models.TextField(_("atzinums"), max_length=10000)
    document = models.FileField(
        _("dokuments"), upload_to=conclusion_upload_to, max_length=200, blank=True
    )
    document_name = models.CharField(_("dokumenta nosaukums"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("speciālista atzinums")
        verbose_name_plural = _("speciālistu atzinumi")
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "role"], name="conclusion_role_unique")
        ]

    def __str__(self) -> str:
        return str(self.get_role_display())


class RecommendedService(models.Model):
    """A service the team recommends for a child, in the team's priority order."""

    assessment = models.ForeignKey(
        NeedsAssessment,
        verbose_name=_("izvērtējums"),
        on_delete=models.CASCADE,
        related_name="recommended_services",
    )
    priority = models.PositiveSmallIntegerField(_("prioritāte"))
    service_name = models.CharField(_("pakalpojums"), max_length=200)
    # The catalogue of service types is being built beside this app; until plans link the
    # two, this holds the id of catalog.ServiceType as a plain number, not a foreign key.
    service_type_id = models.BigIntegerField(_("pakalpojuma veida id"), null=True, blank=True)
    intensity = models.CharField(
        _("intensitāte"), max_length=200, help_text=_("Piemēram: 2 reizes nedēļā pa 45 minūtēm")
    )
    parents_rank = models.PositiveSmallIntegerField(
        _("vecāku vērtējums"),
        null=True,
        blank=True,
        help_text=_("Kurā vietā šo pakalpojumu ierindo vecāki (1 — vissvarīgākais)."),
    )

    class Meta:
        verbose_name = _("ieteiktais pakalpojums")
        verbose_name_plural = _("ieteiktie pakalpojumi")
        ordering = ["assessment", "priority", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "priority"], name="recommended_priority_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.priority}. {self.service_name}"


class AllocationRule(TimeStampedModel):
    """How an assessment becomes euros: points per domain and intensity, then bands.

    `points` maps each domain of the target group to five numbers, the points for intensity
    0 … 4. A rule without a municipality is the national default; a municipality's own rule
    takes precedence on the dates it is valid. Once a budget was computed with a rule it is
    not changed: a new rule valid from a later date replaces it.
    """

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("pašvaldība"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocation_rules",
        help_text=_("Tukšs — valsts noklusējuma noteikums."),
    )
    target_group = models.CharField(_("mērķa grupa"), max_length=20, choices=TargetGroup.choices)
    name = models.CharField(_("nosaukums"), max_length=200)
    valid_from = models.DateField(_("spēkā no"))
    valid_to = models.DateField(_("spēkā līdz"), null=True, blank=True)
    points = models.JSONField(_("punkti"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("izveidoja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("budžeta sadales noteikums")
        verbose_name_plural = _("budžeta sadales noteikumi")
        ordering = ["target_group", "municipality_id", "-valid_from", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assessment:rule_detail", args=[self.pk])

    def points_for(self, domain: str, intensity: int) -> int:
        return int(self.points[domain][intensity])


class AllocationBand(models.Model):
    """From `min_points` on (up to the next band), the budget is `monthly_amount` a month."""

    rule = models.ForeignKey(
        AllocationRule, verbose_name=_("noteikums"), on_delete=models.CASCADE, related_name="bands"
    )
    min_points = models.PositiveIntegerField(_("no punktiem"))
    code = models.CharField(_("grupa"), max_length=20)
    monthly_amount = models.DecimalField(
        _("eiro mēnesī"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )

    class Meta:
        verbose_name = _("budžeta grupa")
        verbose_name_plural = _("budžeta grupas")
        ordering = ["rule", "min_points"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "min_points"], name="band_points_unique"),
            models.UniqueConstraint(fields=["rule", "code"], name="band_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.min_points}+)"


class BudgetPeriod(TimeStampedModel):
    """A stretch of months an indicative budget is set for (6 months for a child in the pilot)."""

    client = models.ForeignKey(
        Client, verbose_name=_("klients"), on_delete=models.PROTECT, related_name="budget_periods"
    )
    start = models.DateField(_("sākums"))
    end = models.DateField(_("beigas"))
    months = models.PositiveSmallIntegerField(_("mēneši"))

    class Meta:
        verbose_name = _("budžeta periods")
        verbose_name_plural = _("budžeta periodi")
        ordering = ["client", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_dates")
        ]

    def __str__(self) -> str:
        return span(self.start, self.end)


class IndicativeBudget(TimeStampedModel):
    """The amount computed for a period from an assessment by a rule, with the reasoning.

    `explanation` keeps every step of the calculation as it was made, so the person can see
    why the amount is what it is. `monthly_amount` and `period_amount` are what applies: the
    computed amounts unless the head approved an override.
    """

    period = models.ForeignKey(
        BudgetPeriod, verbose_name=_("periods"), on_delete=models.PROTECT, related_name="budgets"
    )
    assessment = models.ForeignKey(
        NeedsAssessment,
        verbose_name=_("izvērtējums"),
        on_delete=models.PROTECT,
        related_name="budgets",
    )
    rule = models.ForeignKey(
        AllocationRule,
        verbose_name=_("noteikums"),
        on_delete=models.PROTECT,
        related_name="budgets",
    )
    is_current = models.BooleanField(_("spēkā"), default=True)
    total_points = models.PositiveIntegerField(_("punkti kopā"))
    band_code = models.CharField(_("grupa"), max_length=20)
    computed_monthly_amount = models.DecimalField(
        _("aprēķināts mēnesī"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    computed_period_amount = models.DecimalField(
        _("aprēķināts periodā"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    monthly_amount = models.DecimalField(
        _("mēnesī"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    period_amount = models.DecimalField(
        _("periodā"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    explanation = models.JSONField(_("aprēķina gaita"), default=dict)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aprēķināja"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # History as it was granted (an import of a municipality's records): the amount decided
    # by a named person on a date, where it differs from what the rule computes, and an
    # overrun of the period approved then. Names are as the records give them; the user who
    # imported them is `granted_recorded_by`.
    granted_by_name = models.CharField(_("piešķīra (vēsturiski)"), max_length=150, blank=True)
    granted_on = models.DateField(_("piešķiršanas lēmuma datums"), null=True, blank=True)
    granted_reason = models.CharField(_("piešķiršanas pamatojums"), max_length=1000, blank=True)
    overrun_amount = models.DecimalField(
        _("apstiprinātais pārsniegums periodā"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        default=0,
    )
    overrun_by_name = models.CharField(
        _("pārsniegumu apstiprināja (vēsturiski)"), max_length=150, blank=True
    )
    overrun_on = models.DateField(_("pārsnieguma lēmuma datums"), null=True, blank=True)
    overrun_reason = models.CharField(_("pārsnieguma pamatojums"), max_length=1000, blank=True)
    granted_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("piešķīrumu ierakstīja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("indikatīvais budžets")
        verbose_name_plural = _("indikatīvie budžeti")
        ordering = ["period", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"], condition=Q(is_current=True), name="budget_one_current"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.monthly_amount} €"

    def get_absolute_url(self) -> str:
        return reverse("assessment:budget_detail", args=[self.pk])

    @property
    def is_overridden(self) -> bool:
        return self.monthly_amount != self.computed_monthly_amount

    @property
    def limit(self) -> Decimal:
        """What may be spent in the period: the amount that applies and an approved overrun."""
        return self.period_amount + self.overrun_amount


class OverrideStatus(models.TextChoices):
    PROPOSED = "proposed", _("iesniegts")
    APPROVED = "approved", _("apstiprināts")
    REJECTED = "rejected", _("noraidīts")


class BudgetOverride(TimeStampedModel):
    """A social worker's proposal of a different monthly amount; applies once the head approves."""

    budget = models.ForeignKey(
        IndicativeBudget,
        verbose_name=_("budžets"),
        on_delete=models.PROTECT,
        related_name="overrides",
    )
    monthly_amount = models.DecimalField(
        _("ierosinātā summa mēnesī"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
    )
    reason = models.TextField(_("pamatojums"), max_length=2000)
    status = models.CharField(
        _("statuss"), max_length=20, choices=OverrideStatus.choices, default=OverrideStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ierosināja"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lēma"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("lēmuma laiks"), null=True, blank=True)
    decision_note = models.CharField(_("lēmuma piezīme"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("budžeta summas maiņa")
        verbose_name_plural = _("budžeta summas maiņas")
        ordering = ["budget", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget"],
                condition=Q(status="proposed"),
                name="override_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.monthly_amount} € ({self.get_status_display()})"
