"""An address point of the State Address Register (VZD „Valsts adrešu reģistrs”): its code,
its full text and where it is. See docs/development.md, "Addresses and distance"."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Address(models.Model):
    """One address as the register last gave it. `code` is the register's own (KODS): a
    re-import updates the row with the same code. An address the register marks as no longer
    existing stays (clients and places may point at it) but is no longer offered."""

    code = models.PositiveIntegerField(_("adreses kods"), unique=True)
    text = models.CharField(_("adrese"), max_length=300)
    search_text = models.CharField(max_length=300, db_index=True, editable=False)
    # LKS-92 (EPSG:3059) as the register gives it: x to the north, y to the east, metres
    lks_x = models.DecimalField(
        _("LKS-92 X"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    lks_y = models.DecimalField(
        _("LKS-92 Y"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # WGS84, from the register's own degrees or converted from LKS-92 (addresses.lks92)
    latitude = models.DecimalField(_("platums"), max_digits=9, decimal_places=6, null=True)
    longitude = models.DecimalField(_("garums"), max_digits=9, decimal_places=6, null=True)
    active = models.BooleanField(_("pastāv"), default=True)
    changed_on = models.DateField(_("mainīta reģistrā"), null=True, blank=True)

    class Meta:
        verbose_name = _("adrese")
        verbose_name_plural = _("adreses")
        ordering = ["text", "code"]

    def __str__(self) -> str:
        return self.text

    @property
    def geocoded(self) -> bool:
        return self.latitude is not None and self.longitude is not None
