"""Pauses of plan lines (a hospital stay, a holiday) and the provider contract each guarantee
letter falls under (issue 16). Imported at the end of `plans.models`, so Django registers them
with the plans app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from atbalsts.catalog.models import ServiceType
from atbalsts.core.dates import dmy
from atbalsts.core.models import TimeStampedModel

from .models import GuaranteeLetter, SupportPlan


class PauseReason(models.TextChoices):
    HOSPITAL = "hospital", _("ārstēšanās slimnīcā")
    HOLIDAY = "holiday", _("atvaļinājums")
    OTHER = "other", _("cits iemesls")


class PlanLinePause(TimeStampedModel):
    """A pause of one plan line (a hospital stay, a holiday): no session is accepted from
    `start` to `end`, the calendar plans none, the letters show it and the forecast leaves
    the paused days out. The line is named by its key, which stays the same in every version
    of the plan, so a pause outlives a new version."""

    plan = models.ForeignKey(
        SupportPlan, verbose_name=_("plāns"), on_delete=models.CASCADE, related_name="pauses"
    )
    line_key = models.UUIDField(_("plāna rinda"))
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("pakalpojums"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(_("no"))
    end = models.DateField(_("līdz"))
    reason = models.CharField(_("iemesls"), max_length=20, choices=PauseReason.choices)
    note = models.CharField(_("piezīme"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reģistrēja"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("plāna rindas pārtraukums")
        verbose_name_plural = _("plāna rindu pārtraukumi")
        ordering = ["plan", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="pause_period_ok"),
        ]
        indexes = [models.Index(fields=["plan", "line_key"], name="pause_line_idx")]

    def __str__(self) -> str:
        return f"{self.service_type} {dmy(self.start)}–{dmy(self.end)}"

    def covers(self, day: object) -> bool:
        return self.start <= day <= self.end  # type: ignore[operator]


class LetterContract(TimeStampedModel):
    """The provider contract (līgums) a guarantee letter falls under: found when exactly one
    contract fits the letter, otherwise chosen by the social worker (never a guess)."""

    letter = models.OneToOneField(
        GuaranteeLetter,
        verbose_name=_("garantijas vēstule"),
        on_delete=models.CASCADE,
        related_name="contract_link",
    )
    contract = models.ForeignKey(
        "catalog.ProviderContract",
        verbose_name=_("līgums"),
        on_delete=models.PROTECT,
        related_name="letter_links",
    )
    found_automatically = models.BooleanField(_("atrasts automātiski"), default=False)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("izvēlējās"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("vēstules līgums")
        verbose_name_plural = _("vēstuļu līgumi")

    def __str__(self) -> str:
        return f"{self.letter} → {self.contract}"
