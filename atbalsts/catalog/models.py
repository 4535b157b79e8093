"""The service catalogue, the provider register and the dated prices.

See docs/domain.md, "Budget rules" and "Delivery and evidence".
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from atbalsts.core.models import TimeStampedModel
from atbalsts.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from atbalsts.people.models import Municipality, TargetGroup


class ServiceCategory(models.TextChoices):
    SOCIAL_SERVICE = "social_service", _("sociālais pakalpojums")
    CARE = "care", _("aprūpe")
    SOCIAL_REHABILITATION = "social_rehabilitation", _("sociālā rehabilitācija")
    PSYCHOLOGY = "psychology", _("psiholoģiskā palīdzība")
    MEDICAL_REHABILITATION = "medical_rehabilitation", _("medicīniskā rehabilitācija")
    EDUCATION = "education", _("izglītība")
    THERAPY = "therapy", _("terapija")
    TRANSPORT = "transport", _("transports")


class ServiceUnit(models.TextChoices):
    HOUR = "hour", _("stunda")
    SESSION = "session", _("nodarbība")
    DAY = "day", _("diena")
    KM = "km", _("km")
    TRIP = "trip", _("brauciens")
    COURSE = "course", _("kurss")
    MONTH = "month", _("mēnesis")


def _period_ok(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
        name=f"{prefix}_period_ok",
    )


class ServiceType(TimeStampedModel):
    """A kind of service the individual budget may buy, with its unit and catalogue price."""

    code = models.SlugField(_("kods"), max_length=80, unique=True)
    name_lv = models.CharField(_("nosaukums latviski"), max_length=200, unique=True)
    name_en = models.CharField(_("nosaukums angliski"), max_length=200, blank=True)
    category = models.CharField(_("kategorija"), max_length=30, choices=ServiceCategory.choices)
    unit = models.CharField(_("mērvienība"), max_length=20, choices=ServiceUnit.choices)
    remote_allowed = models.BooleanField(_("var sniegt attālināti"), default=False)
    for_adult_grt = models.BooleanField(_("pilngadīgām personām ar GRT"), default=True)
    for_child_ft = models.BooleanField(_("bērniem ar FT"), default=True)
    ib_fundable = models.BooleanField(
        _("var apmaksāt no individuālā budžeta"),
        default=True,
        help_text=_("Valsts apmaksātais asistents pašvaldībā nekad netiek apmaksāts no budžeta."),
    )
    confidential = models.BooleanField(
        _("saturs konfidenciāls"),
        default=False,
        help_text=_(
            "Psihologa, psihoterapeita un ārstniecības personu nodarbību saturs paliek pie "
            "speciālista; sociālais dienests redz tikai apmeklējumu."
        ),
    )
    registration_required = models.BooleanField(
        _("sniedzējam nepieciešama reģistrācija"),
        default=True,
        help_text=_(
            "Vai sniedzējam jābūt reģistrētam sniedzēju vai ārstniecības personu reģistrā."
        ),
    )
    default_session_minutes = models.PositiveSmallIntegerField(
        _("nodarbības ilgums pēc noklusējuma (min)"), null=True, blank=True
    )
    default_unit_price = models.DecimalField(
        _("kataloga cena"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    di_unit_cost = models.DecimalField(
        _("DI vienības izmaksas"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    price_note = models.CharField(_("piezīme par cenu"), max_length=300, blank=True)
    retired_at = models.DateField(_("izņemts no lietošanas"), null=True, blank=True)

    class Meta:
        verbose_name = _("pakalpojuma veids")
        verbose_name_plural = _("pakalpojumu veidi")
        ordering = ["category", "name_lv"]

    def __str__(self) -> str:
        return self.name_lv

    def get_absolute_url(self) -> str:
        return reverse("catalog:service_type_edit", args=[self.pk])

    @property
    def target_groups(self) -> list[str]:
        groups = []
        if self.for_adult_grt:
            groups.append(TargetGroup.ADULT_GRT.value)
        if self.for_child_ft:
            groups.append(TargetGroup.CHILD_FT.value)
        return groups

    def is_retired_on(self, day: dt.date) -> bool:
        return self.retired_at is not None and self.retired_at <= day


class MunicipalPrice(TimeStampedModel):
    """A municipality's own default price for a service, the fallback when no tariff applies."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("pašvaldība"), on_delete=models.PROTECT, related_name="+"
    )
    service_type = models.ForeignKey(
        ServiceType,
        verbose_name=_("pakalpojuma veids"),
        on_delete=models.PROTECT,
        related_name="municipal_prices",
    )
    unit_price = models.DecimalField(
        _("vienības cena"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    di_unit_cost = models.DecimalField(
        _("DI vienības izmaksas"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    valid_from = models.DateField(_("spēkā no"))
    valid_to = models.DateField(_("spēkā līdz"), null=True, blank=True)

    class Meta:
        verbose_name = _("pašvaldības cena")
        verbose_name_plural = _("pašvaldības cenas")
        ordering = ["municipality", "service_type", "valid_from"]
        constraints = [_period_ok("municipalprice")]
        indexes = [
            models.Index(
                fields=["municipality", "service_type", "valid_from"], name="munprice_lookup_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_type} ({self.municipality}, {self.valid_from})"


class ProviderKind(models.TextChoices):
    LEGAL = "legal", _("juridiska persona")
    NATURAL = "natural", _("fiziska persona")


class Provider(TimeStampedModel):
    """A service provider, kept by the municipality that registered it."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("reģistrējusī pašvaldība"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("veids"), max_length=10, choices=ProviderKind.choices)
    name = models.CharField(_("nosaukums vai vārds, uzvārds"), max_length=200)
    registration_number = models.CharField(
        _("reģistrācijas numurs vai personas kods"), max_length=20
    )
    contact_person = models.CharField(_("kontaktpersona"), max_length=120, blank=True)
    phone = models.CharField(_("tālrunis"), max_length=30, blank=True)
    email = models.EmailField(_("e-pasts"), max_length=120, blank=True)
    address = models.CharField(_("juridiskā adrese"), max_length=200, blank=True)
    seat_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("juridiskās adreses pašvaldība"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    iban = models.CharField(_("konta numurs (IBAN)"), max_length=34, blank=True)
    active = models.BooleanField(_("aktīvs"), default=True)
    notes = models.TextField(_("piezīmes"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("pakalpojumu sniedzējs")
        verbose_name_plural = _("pakalpojumu sniedzēji")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "registration_number"], name="provider_unique_regno"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:provider_detail", args=[self.pk])


class ProviderMembership(TimeStampedModel):
    """A provider's staff user: links the login to the organisation it works for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lietotājs"),
        on_delete=models.CASCADE,
        related_name="provider_membership",
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("sniedzējs"), on_delete=models.CASCADE, related_name="members"
    )

    class Meta:
        verbose_name = _("sniedzēja darbinieks")
        verbose_name_plural = _("sniedzēja darbinieki")

    def __str__(self) -> str:
        return f"{self.user} → {self.provider}"


class RegisterKind(models.TextChoices):
    SOCIAL_SERVICE_PROVIDERS = (
        "social_service_providers",
        _("sociālo pakalpojumu sniedzēju reģistrs"),
    )
    MEDICAL_PRACTITIONERS = "medical_practitioners", _("ārstniecības personu reģistrs")


class ProviderRegistration(TimeStampedModel):
    """An entry in a state register that qualifies the provider for some service types."""

    provider = models.ForeignKey(
        Provider,
        verbose_name=_("sniedzējs"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    register = models.CharField(_("reģistrs"), max_length=30, choices=RegisterKind.choices)
    number = models.CharField(_("reģistrācijas numurs"), max_length=40)
    service_types = models.ManyToManyField(
        ServiceType, verbose_name=_("aptvertie pakalpojumi"), related_name="registrations"
    )
    valid_from = models.DateField(_("spēkā no"))
    valid_to = models.DateField(_("spēkā līdz"), null=True, blank=True)
    verified_on = models.DateField(_("pārbaudīts"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pārbaudīja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reģistrācija")
        verbose_name_plural = _("reģistrācijas")
        ordering = ["provider", "register", "valid_from"]
        constraints = [
            _period_ok("registration"),
            models.UniqueConstraint(
                fields=["provider", "register", "number"], name="registration_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_register_display()} {self.number}"

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class LocationKind(models.TextChoices):
    PREMISES = "premises", _("sniedzēja telpās")
    CLIENT_HOME = "client_home", _("klienta dzīvesvietā")
    REMOTE = "remote", _("attālināti")


class ProviderLocation(TimeStampedModel):
    """Where a provider delivers: its premises, clients' homes in a municipality, or remotely."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("sniedzējs"), on_delete=models.CASCADE, related_name="locations"
    )
    kind = models.CharField(_("veids"), max_length=20, choices=LocationKind.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("pašvaldība"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("adrese"), max_length=200, blank=True)
    active = models.BooleanField(_("aktīva"), default=True)

    class Meta:
        verbose_name = _("pakalpojuma sniegšanas vieta")
        verbose_name_plural = _("pakalpojuma sniegšanas vietas")
        ordering = ["provider", "kind", "municipality", "address"]

    def __str__(self) -> str:
        if self.kind == LocationKind.REMOTE:
            return str(LocationKind.REMOTE.label)
        place = ", ".join(p for p in (self.address, str(self.municipality or "")) if p)
        if self.kind == LocationKind.CLIENT_HOME:
            return f"{LocationKind.CLIENT_HOME.label} ({place})"
        return place


class Tariff(TimeStampedModel):
    """The provider's price for one service (optionally at one location) for a period."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("sniedzējs"), on_delete=models.PROTECT, related_name="tariffs"
    )
    service_type = models.ForeignKey(
        ServiceType,
        verbose_name=_("pakalpojuma veids"),
        on_delete=models.PROTECT,
        related_name="tariffs",
    )
    location = models.ForeignKey(
        ProviderLocation,
        verbose_name=_("vieta"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tariffs",
    )
    unit_price = models.DecimalField(
        _("vienības cena"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    session_minutes = models.PositiveSmallIntegerField(
        _("nodarbības ilgums (min)"), null=True, blank=True
    )
    remote_allowed = models.BooleanField(_("var sniegt attālināti"), default=False)
    valid_from = models.DateField(_("spēkā no"))
    valid_to = models.DateField(_("spēkā līdz"), null=True, blank=True)

    class Meta:
        verbose_name = _("tarifs")
        verbose_name_plural = _("tarifi")
        ordering = ["provider", "service_type", "valid_from"]
        constraints = [_period_ok("tariff")]
        indexes = [
            models.Index(
                fields=["provider", "service_type", "valid_from"], name="tariff_lookup_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} — {self.service_type} ({self.valid_from})"

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class ProviderContract(TimeStampedModel):
    """A contract (līgums) between a municipality and a provider: its number, its period, and
    the services it covers at their prices. Guarantee letters refer to the contract they fall
    under (`plans.LetterContract`); an expired contract is flagged like a lapsed registration."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("pašvaldība"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("sniedzējs"), on_delete=models.PROTECT, related_name="contracts"
    )
    number = models.CharField(_("līguma numurs"), max_length=60)
    signed_on = models.DateField(_("noslēgts"), null=True, blank=True)
    valid_from = models.DateField(_("spēkā no"))
    valid_to = models.DateField(_("spēkā līdz"), null=True, blank=True)
    note = models.CharField(_("piezīme"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reģistrēja"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("līgums")
        verbose_name_plural = _("līgumi")
        ordering = ["provider", "-valid_from", "-id"]
        constraints = [
            _period_ok("contract"),
            models.UniqueConstraint(
                fields=["municipality", "number"], name="contract_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class ContractService(models.Model):
    """One service of a contract and its agreed unit price."""

    contract = models.ForeignKey(
        ProviderContract,
        verbose_name=_("līgums"),
        on_delete=models.CASCADE,
        related_name="services",
    )
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("pakalpojums"), on_delete=models.PROTECT, related_name="+"
    )
    unit_price = models.DecimalField(
        _("vienības cena"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )

    class Meta:
        verbose_name = _("līguma pakalpojums")
        verbose_name_plural = _("līguma pakalpojumi")
        ordering = ["contract", "service_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "service_type"], name="contract_service_once"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="contract_service_price_ok"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} — {self.service_type}"


class ProviderCapacity(TimeStampedModel):
    """How many free places a provider has for a service now, as its own staff entered it."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("sniedzējs"), on_delete=models.CASCADE, related_name="capacities"
    )
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("pakalpojums"), on_delete=models.PROTECT, related_name="+"
    )
    free_places = models.PositiveSmallIntegerField(_("brīvās vietas"))
    note = models.CharField(_("piezīme"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("norādīja"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("brīvās vietas")
        verbose_name_plural = _("brīvās vietas")
        ordering = ["provider", "service_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "service_type"], name="capacity_once_per_service"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} — {self.service_type}: {self.free_places}"


class ComplaintSource(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("sociālais darbinieks")
    PERSON = "person", _("persona vai tās pārstāvis")


class ProviderComplaint(TimeStampedModel):
    """A complaint about the quality of a provider's service, recorded by the social worker
    (in their own name or for the person or the person's representative). Shown when a
    provider is chosen for a plan line. The text names no person and no health detail."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("pašvaldība"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("sniedzējs"), on_delete=models.PROTECT, related_name="complaints"
    )
    service_type = models.ForeignKey(
        ServiceType,
        verbose_name=_("pakalpojums"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_on = models.DateField(_("saņemta"))
    source = models.CharField(_("kas sūdzas"), max_length=20, choices=ComplaintSource.choices)
    summary = models.CharField(_("sūdzības būtība"), max_length=1000)
    resolution = models.CharField(_("kā atrisināta"), max_length=1000, blank=True)
    resolved_on = models.DateField(_("atrisināta"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reģistrēja"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sūdzība par sniedzēju")
        verbose_name_plural = _("sūdzības par sniedzējiem")
        ordering = ["provider", "-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("received_on")),
                name="complaint_resolved_after_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.received_on}"

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None
