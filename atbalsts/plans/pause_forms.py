"""The form of a plan line's pause (a hospital stay, a holiday)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atbalsts.core.forms import StyledFormMixin

from .models import PlanLine
from .pause_models import PauseReason


class PauseForm(StyledFormMixin, forms.Form):
    line_key = forms.ChoiceField(label=_("Pakalpojums"))
    start = forms.DateField(label=pgettext_lazy("period", "No"))
    end = forms.DateField(label=pgettext_lazy("period", "Līdz"))
    reason = forms.ChoiceField(label=_("Iemesls"), choices=PauseReason.choices)
    note = forms.CharField(
        label=_("Piezīme"),
        max_length=500,
        required=False,
        help_text=_("Obligāta citam iemeslam. Bez veselības ziņām."),
    )

    def __init__(self, *args: Any, lines: list[PlanLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line_key"].choices = [  # type: ignore[attr-defined]
            (str(line.key), f"{line.service_type.name_lv} — {line.provider.name}") for line in lines
        ]


class PauseEndForm(StyledFormMixin, forms.Form):
    end = forms.DateField(label=_("Jaunās beigas"))
