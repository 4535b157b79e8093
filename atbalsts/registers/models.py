"""The state registers' extracts as imported: each import kept as a record with its report,
each register entry as the latest extract gave it, and each provider registration's status
as the latest extract of its register says. See docs/domain.md, "Budget rules"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atbalsts.catalog.models import ProviderRegistration


class RegisterSource(models.TextChoices):
    # the first two share their values with catalog.RegisterKind (the registration's register)
    SOCIAL_SERVICE_PROVIDERS = (
        "social_service_providers",
        _("sociālo pakalpojumu sniedzēju reģistrs"),
    )
    MEDICAL_PRACTITIONERS = "medical_practitioners", _("ārstniecības personu reģistrs")
    ENTERPRISES = "enterprises", _("Uzņēmumu reģistrs (juridiskās personas)")


class EntryStatus(models.TextChoices):
    ACTIVE = "active", _("reģistrēts")
    LAPSED = "lapsed", _("izslēgts vai beidzies")


class RegisterImport(models.Model):
    """One extract as it was imported: who, when, what file, and what changed since the
    previous import of the same register (`report`, new lapses first)."""

    source = models.CharField(_("reģistrs"), max_length=30, choices=RegisterSource.choices)
    file_name = models.CharField(_("fails"), max_length=200)
    imported_at = models.DateTimeField(_("importēts"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importēja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rows = models.PositiveIntegerField(_("rindas"), default=0)
    entries = models.PositiveIntegerField(_("ieraksti"), default=0)
    report = models.JSONField(_("pārskats"), default=dict)

    class Meta:
        verbose_name = _("reģistra izraksta imports")
        verbose_name_plural = _("reģistru izrakstu imports")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.file_name}"


class RegisterEntry(models.Model):
    """One registered subject as the latest extract of its register gives it. `number` is the
    register's own number where the extract has one, else the company registration number."""

    source = models.CharField(_("reģistrs"), max_length=30, choices=RegisterSource.choices)
    number = models.CharField(_("numurs reģistrā"), max_length=40)
    regcode = models.CharField(_("reģistrācijas numurs"), max_length=11, blank=True)
    name = models.CharField(_("nosaukums"), max_length=300)
    status = models.CharField(_("statuss"), max_length=10, choices=EntryStatus.choices)
    registered_on = models.DateField(_("reģistrēts"), null=True, blank=True)
    lapsed_on = models.DateField(_("izslēgts"), null=True, blank=True)
    address = models.CharField(_("adrese"), max_length=300, blank=True)
    services = models.CharField(_("pakalpojumi"), max_length=1000, blank=True)
    last_import = models.ForeignKey(
        RegisterImport,
        verbose_name=_("mainīts izrakstā"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    in_latest = models.BooleanField(_("ir pēdējā izrakstā"), default=True)

    class Meta:
        verbose_name = _("reģistra ieraksts")
        verbose_name_plural = _("reģistra ieraksti")
        ordering = ["source", "number"]
        constraints = [
            models.UniqueConstraint(fields=["source", "number"], name="register_entry_once")
        ]
        indexes = [models.Index(fields=["source", "regcode"], name="register_entry_regcode_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class CheckStatus(models.TextChoices):
    ACTIVE = "active", _("reģistrā ir")
    LAPSED = "lapsed", _("izslēgts no reģistra")
    NOT_FOUND = "not_found", _("izrakstā nav atrasts")


class RegistrationCheck(models.Model):
    """What the latest extract of its register says of one provider registration. The manual
    check (`ProviderRegistration.verified_on`) stays for what the extracts miss."""

    registration = models.OneToOneField(
        ProviderRegistration,
        verbose_name=_("reģistrācija"),
        on_delete=models.CASCADE,
        related_name="register_check",
    )
    status = models.CharField(_("statuss"), max_length=10, choices=CheckStatus.choices)
    lapsed_on = models.DateField(_("izslēgts"), null=True, blank=True)
    name_in_register = models.CharField(_("nosaukums reģistrā"), max_length=300, blank=True)
    name_differs = models.BooleanField(_("nosaukums atšķiras"), default=False)
    checked_import = models.ForeignKey(
        RegisterImport, verbose_name=_("izraksts"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("reģistrācijas pārbaude izrakstā")
        verbose_name_plural = _("reģistrāciju pārbaudes izrakstos")

    def __str__(self) -> str:
        return f"{self.registration}: {self.get_status_display()}"


class LocationPlace(models.Model):
    """Where a provider's premises are in the address register: the point that distances
    from a person's home are measured to. A location without one is measured from its
    municipality's centre, and shown as not geocoded."""

    location = models.OneToOneField(
        "catalog.ProviderLocation",
        verbose_name=_("sniegšanas vieta"),
        on_delete=models.CASCADE,
        related_name="place",
    )
    address = models.ForeignKey(
        "addresses.Address",
        verbose_name=_("adrese adrešu reģistrā"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sniegšanas vietas adrese")
        verbose_name_plural = _("sniegšanas vietu adreses")

    def __str__(self) -> str:
        return str(self.address)
