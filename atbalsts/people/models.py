"""The register of people a social service works with."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from atbalsts.core.collation import latvian
from atbalsts.core.dates import dmy
from atbalsts.core.models import TimeStampedModel


class MunicipalityKind(models.TextChoices):
    CITY = "valstspilsēta", _("valstspilsēta")
    COUNTY = "novads", _("novads")


class Municipality(models.Model):
    code = models.SlugField(_("kods"), max_length=40, unique=True)
    name = models.CharField(_("nosaukums"), max_length=80)
    kind = models.CharField(_("veids"), max_length=20, choices=MunicipalityKind.choices)
    admin_centre = models.CharField(_("administratīvais centrs"), max_length=80)
    latitude = models.DecimalField(_("platums"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("garums"), max_digits=8, decimal_places=5)

    class Meta:
        verbose_name = _("pašvaldība")
        verbose_name_plural = _("pašvaldības")
        ordering = [latvian("name")]  # Ādažu novads first, Ķekavas after Kuldīgas

    def __str__(self) -> str:
        return self.name


class TargetGroup(models.TextChoices):
    ADULT_GRT = "adult_grt", _("pilngadīga persona ar GRT")
    CHILD_FT = "child_ft", _("bērns ar FT")


class DisabilityGroup(models.TextChoices):
    I = "I", _("I grupa")  # noqa: E741
    II = "II", _("II grupa")
    III = "III", _("III grupa")
    CHILD = "child", _("invaliditāte bērnam")
    NONE = "none", _("nav noteikta")


class LegalCapacity(models.TextChoices):
    FULL = "full", _("pilna rīcībspēja")
    LIMITED = "limited", _("ierobežota rīcībspēja")
    MINOR = "minor", _("nepilngadīgs")


class ClientStatus(models.TextChoices):
    ACTIVE = "active", _("aktīvs")
    PAUSED = "paused", _("pārtraukts")
    CLOSED = "closed", _("slēgts")


class Client(TimeStampedModel):
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("pašvaldība"), on_delete=models.PROTECT, related_name="clients"
    )
    target_group = models.CharField(_("mērķa grupa"), max_length=20, choices=TargetGroup.choices)
    status = models.CharField(
        _("statuss"), max_length=20, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    first_name = models.CharField(_("vārds"), max_length=80)
    last_name = models.CharField(_("uzvārds"), max_length=80)
    personal_code = models.CharField(_("personas kods"), max_length=12, unique=True)
    date_of_birth = models.DateField(_("dzimšanas datums"))
    start_date = models.DateField(
        _("pakalpojumu sākums"),
        help_text=_("Datums, no kura plānots sniegt pakalpojumus; pēc tā pārbauda vecumu."),
    )
    disability_group = models.CharField(
        _("invaliditātes grupa"),
        max_length=10,
        choices=DisabilityGroup.choices,
        default=DisabilityGroup.NONE,
    )
    disability_valid_until = models.DateField(
        _("invaliditāte noteikta līdz"), null=True, blank=True
    )
    legal_capacity = models.CharField(
        _("rīcībspēja"), max_length=20, choices=LegalCapacity.choices, default=LegalCapacity.FULL
    )
    address = models.CharField(_("adrese"), max_length=200, blank=True)
    # the address chosen from the State Address Register (with its coordinates); a free-text
    # `address` without one is shown as not geocoded
    address_point = models.ForeignKey(
        "addresses.Address",
        verbose_name=_("adrese adrešu reģistrā"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    phone = models.CharField(_("tālrunis"), max_length=30, blank=True)
    email = models.EmailField(_("e-pasts"), max_length=120, blank=True)
    languages = models.CharField(
        _("valodas"), max_length=120, blank=True, help_text=_("Piemēram: latviešu, krievu")
    )
    notes = models.TextField(_("piezīmes"), max_length=5000, blank=True)

    class Meta:
        verbose_name = _("klients")
        verbose_name_plural = _("klienti")
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(
                fields=["municipality", "last_name", "first_name"], name="client_mun_name_idx"
            ),
            models.Index(fields=["municipality", "status"], name="client_mun_status_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("people:client_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class RepresentativeKind(models.TextChoices):
    PARENT = "parent", _("vecāks")
    GUARDIAN = "guardian", _("aizbildnis")
    LEGAL_REPRESENTATIVE = "legal_representative", _("likumiskais pārstāvis")
    SUPPORT_PERSON = "support_person", _("atbalsta persona")


class Representative(TimeStampedModel):
    client = models.ForeignKey(
        Client, verbose_name=_("klients"), on_delete=models.CASCADE, related_name="representatives"
    )
    kind = models.CharField(_("veids"), max_length=30, choices=RepresentativeKind.choices)
    first_name = models.CharField(_("vārds"), max_length=80)
    last_name = models.CharField(_("uzvārds"), max_length=80)
    personal_code = models.CharField(_("personas kods"), max_length=12, blank=True)
    authority = models.CharField(
        _("pilnvaras"),
        max_length=300,
        blank=True,
        help_text=_("Ko pārstāvis drīkst izlemt klienta vārdā, un uz kāda pamata."),
    )
    valid_from = models.DateField(_("spēkā no"))
    valid_to = models.DateField(_("spēkā līdz"), null=True, blank=True)
    phone = models.CharField(_("tālrunis"), max_length=30, blank=True)
    email = models.EmailField(_("e-pasts"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("pārstāvis")
        verbose_name_plural = _("pārstāvji")
        ordering = ["client", "valid_from", "id"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class CircleRelation(models.TextChoices):
    PARENT = "parent", _("vecāks")
    SIBLING = "sibling", _("brālis vai māsa")
    PARTNER = "partner", _("partneris")
    CHILD = "child", _("bērns")
    RELATIVE = "relative", _("cits radinieks")
    FRIEND = "friend", _("draugs")
    NEIGHBOUR = "neighbour", _("kaimiņš")
    OTHER = "other", _("cits")


class SupportCircleMember(TimeStampedModel):
    """Someone from the person's natural support circle; may receive services themselves."""

    client = models.ForeignKey(
        Client, verbose_name=_("klients"), on_delete=models.CASCADE, related_name="circle_members"
    )
    first_name = models.CharField(_("vārds"), max_length=80)
    last_name = models.CharField(_("uzvārds"), max_length=80, blank=True)
    relation = models.CharField(_("saikne"), max_length=20, choices=CircleRelation.choices)
    phone = models.CharField(_("tālrunis"), max_length=30, blank=True)
    notes = models.CharField(_("piezīmes"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("dabiskā atbalsta loka dalībnieks")
        verbose_name_plural = _("dabiskā atbalsta loks")
        ordering = ["client", "first_name", "id"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ConsentPurpose(models.TextChoices):
    SHARE_SPECIALIST_CONCLUSION = (
        "share_specialist_conclusion",
        _("speciālista atzinuma nodošana sociālajam dienestam"),
    )
    SHARE_WITH_PROVIDER = "share_with_provider", _("datu nodošana norādītam pakalpojumu sniedzējam")
    PSEUDONYMISED_EVALUATION = (
        "pseudonymised_evaluation",
        _("datu izmantošana pseidonimizētā izvērtēšanā"),
    )
    OTHER = "other", _("cits mērķis")


class Consent(TimeStampedModel):
    client = models.ForeignKey(
        Client, verbose_name=_("klients"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("mērķis"), max_length=40, choices=ConsentPurpose.choices)
    recipient = models.CharField(
        _("saņēmējs"),
        max_length=200,
        blank=True,
        help_text=_("Kam datus drīkst nodot (piemēram, pakalpojumu sniedzēja nosaukums)."),
    )
    given_by_representative = models.ForeignKey(
        Representative,
        verbose_name=_("devis pārstāvis"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        help_text=_("Tukšs, ja piekrišanu devis pats klients."),
    )
    given_on = models.DateField(_("dota"))
    revoked_on = models.DateField(_("atsaukta"), null=True, blank=True)
    revoke_reason = models.CharField(_("atsaukšanas iemesls"), max_length=300, blank=True)
    notes = models.CharField(_("piezīmes"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("piekrišana")
        verbose_name_plural = _("piekrišanas")
        ordering = ["client", "-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({dmy(self.given_on)})"

    @property
    def is_active(self) -> bool:
        return self.revoked_on is None


class ReferralDecision(models.TextChoices):
    PENDING = "pending", _("gaida lēmumu")
    ACCEPTED = "accepted", _("uzņemts")
    WAITING = "waiting", _("gaidīšanas sarakstā")
    DECLINED = "declined", _("atteikts")


class Referral(TimeStampedModel):
    """A candidate referred to the individual budget model, and the selection decision."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("pašvaldība"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    target_group = models.CharField(_("mērķa grupa"), max_length=20, choices=TargetGroup.choices)
    first_name = models.CharField(_("vārds"), max_length=80)
    last_name = models.CharField(_("uzvārds"), max_length=80)
    personal_code = models.CharField(_("personas kods"), max_length=12, blank=True)
    referred_by = models.CharField(
        _("nosūtītājs"),
        max_length=200,
        help_text=_("Kas nosūtīja: ģimenes ārsts, skola, pati persona…"),
    )
    referred_on = models.DateField(_("nosūtīts"))
    reason = models.TextField(_("nosūtījuma iemesls"), max_length=2000, blank=True)
    decision = models.CharField(
        _("lēmums"),
        max_length=20,
        choices=ReferralDecision.choices,
        default=ReferralDecision.PENDING,
    )
    decision_reason = models.CharField(_("lēmuma pamatojums"), max_length=500, blank=True)
    decided_on = models.DateField(_("lēmuma datums"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lēma"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    client = models.OneToOneField(
        Client,
        verbose_name=_("klients"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referral",
    )

    class Meta:
        verbose_name = _("nosūtījums")
        verbose_name_plural = _("nosūtījumi")
        ordering = ["-referred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class CaseAssignment(TimeStampedModel):
    """Which social worker holds a client's case, from when to when."""

    client = models.ForeignKey(
        Client, verbose_name=_("klients"), on_delete=models.CASCADE, related_name="assignments"
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sociālais darbinieks"),
        on_delete=models.PROTECT,
        related_name="case_assignments",
    )
    start_date = models.DateField(_("no"))
    end_date = models.DateField(_("līdz"), null=True, blank=True)

    class Meta:
        verbose_name = _("lietas piešķīrums")
        verbose_name_plural = _("lietu piešķīrumi")
        ordering = ["client", "-start_date", "-id"]
        indexes = [models.Index(fields=["social_worker", "end_date"], name="assignment_worker_idx")]

    def __str__(self) -> str:
        return f"{self.client} → {self.social_worker}"


class AppointmentReminderChoice(TimeStampedModel):
    """The person's wish (or their representative's) to get an e-mail the day before a planned
    session, recorded by the social worker with the date and who recorded it. Mail goes only
    to the address recorded here, and only while `opted_out_on` is empty."""

    client = models.ForeignKey(
        Client,
        verbose_name=_("klients"),
        on_delete=models.CASCADE,
        related_name="appointment_reminders",
    )
    email = models.EmailField(_("e-pasts atgādinājumiem"), max_length=120)
    requested_by_representative = models.ForeignKey(
        Representative,
        verbose_name=_("lūdza pārstāvis"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Tukšs, ja atgādinājumus lūdza pats klients."),
    )
    opted_in_on = models.DateField(_("piekrita"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reģistrēja"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opted_out_on = models.DateField(_("atteicās"), null=True, blank=True)
    opted_out_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("atteikumu reģistrēja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("piekrišana tikšanās atgādinājumiem")
        verbose_name_plural = _("piekrišanas tikšanās atgādinājumiem")
        ordering = ["client", "-opted_in_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(opted_out_on__isnull=True),
                name="one_active_reminder_choice",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} ({dmy(self.opted_in_on)})"

    @property
    def is_active(self) -> bool:
        return self.opted_out_on is None


class AppointmentReminderSent(models.Model):
    """One appointment reminder mailed: for this choice (and so this address) about this day.
    The daily run finds it and does not mail the same day twice."""

    choice = models.ForeignKey(
        AppointmentReminderChoice,
        verbose_name=_("piekrišana"),
        on_delete=models.CASCADE,
        related_name="sent",
    )
    day = models.DateField(_("tikšanās diena"))
    sent_at = models.DateTimeField(_("nosūtīts"), auto_now_add=True)

    class Meta:
        verbose_name = _("nosūtīts tikšanās atgādinājums")
        verbose_name_plural = _("nosūtītie tikšanās atgādinājumi")
        constraints = [
            models.UniqueConstraint(fields=["choice", "day"], name="one_reminder_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.choice_id} {dmy(self.day)}"
