"""The record of each bundle import, and the keys of the rows it brought in."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atbalsts.core.dates import dmy, hm
from atbalsts.people.models import Municipality


class RunStatus(models.TextChoices):
    RUNNING = "running", _("notiek")
    DONE = "done", _("pabeigts")
    REJECTED = "rejected", _("noraidīts")


class ImportRun(models.Model):
    """One attempt to import a bundle; kept even when the import was rejected."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("pašvaldība"), on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importēja"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("fails"), max_length=200)
    checksum = models.CharField(_("kontrolsumma"), max_length=64)
    started = models.DateTimeField(_("sākts"))
    finished = models.DateTimeField(_("pabeigts"), null=True, blank=True)
    status = models.CharField(
        _("statuss"), max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    counts = models.JSONField(_("skaiti"), default=dict, blank=True)
    errors = models.JSONField(_("kļūdas"), default=list, blank=True)

    class Meta:
        verbose_name = _("datu imports")
        verbose_name_plural = _("datu importi")
        ordering = ["-started", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({dmy(self.started)} {hm(self.started.time())})"


class ImportedKey(models.Model):
    """A history row (plan, session, invoice) the bundle created, by its natural key, with a
    checksum of the row as imported: the same row again is skipped, a changed one refused."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("pašvaldība"), on_delete=models.PROTECT, related_name="+"
    )
    sheet = models.CharField(_("lapa"), max_length=40)
    key = models.CharField(_("atslēga"), max_length=300)
    object_id = models.PositiveBigIntegerField(_("ieraksta id"))
    checksum = models.CharField(_("kontrolsumma"), max_length=64)

    class Meta:
        verbose_name = _("importēts ieraksts")
        verbose_name_plural = _("importēti ieraksti")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "sheet", "key"], name="bundle_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sheet}: {self.key}"
