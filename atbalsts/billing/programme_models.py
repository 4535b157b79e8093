"""The programme's money: how a funding source is co-financed (dated shares of payers, e.g. a
European fund 85 % and the state 15 %) and the envelopes the programme allots to each
municipality, target group and year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from atbalsts.core.models import TimeStampedModel
from atbalsts.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from atbalsts.people.models import Municipality, TargetGroup
from atbalsts.plans.models import FundingSource


class CoFinancing(TimeStampedModel):
    """The split of one funding source into payers' shares from `valid_from` (to `valid_to`,
    or open): for every municipality when `municipality` is empty, else for that one (which
    then goes before the national split). Dated, never overwritten: a new split ends the old
    one. Its shares sum to exactly 100 %."""

    funding_source = models.CharField(
        _("finansējuma avots"), max_length=20, choices=FundingSource.choices
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("pašvaldība"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    valid_from = models.DateField(_("spēkā no"))
    valid_to = models.DateField(_("spēkā līdz"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ievadīja"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("līdzfinansējums")
        verbose_name_plural = _("līdzfinansējumi")
        ordering = ["funding_source", "-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="cofinancing_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_funding_source_display()} {self.valid_from:%d.%m.%Y}"


class CoFinancingShare(models.Model):
    """One payer's share of a co-financed source, in percent with two decimals."""

    co_financing = models.ForeignKey(
        CoFinancing,
        verbose_name=_("līdzfinansējums"),
        on_delete=models.CASCADE,
        related_name="shares",
    )
    position = models.PositiveSmallIntegerField(_("secība"), default=1)
    payer = models.CharField(_("maksātājs"), max_length=200)
    percent = models.DecimalField(_("daļa, %"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("līdzfinansējuma daļa")
        verbose_name_plural = _("līdzfinansējuma daļas")
        ordering = ["co_financing", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="cofinancingshare_percent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.payer} {self.percent} %"


class Envelope(TimeStampedModel):
    """What the programme allots to a municipality for a target group and a year, from one
    funding source; committed (letters), spent (the ledger) and the forecast are measured
    against it (`billing.selectors_programme.envelope_status`)."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("pašvaldība"), on_delete=models.PROTECT, related_name="+"
    )
    target_group = models.CharField(_("mērķa grupa"), max_length=20, choices=TargetGroup.choices)
    year = models.PositiveSmallIntegerField(_("gads"))
    funding_source = models.CharField(
        _("finansējuma avots"), max_length=20, choices=FundingSource.choices
    )
    amount = models.DecimalField(
        _("piešķirtā summa"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    note = models.CharField(_("piezīme"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ievadīja"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("piešķīrums")
        verbose_name_plural = _("piešķīrumi")
        ordering = ["-year", "municipality", "target_group", "funding_source"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "target_group", "year", "funding_source"],
                name="envelope_unique",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="envelope_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.get_target_group_display()} {self.year}"
