"""Forms of the delivery edge cases: a cancellation, and the social worker's decision whether
remote delivery keeps a service's quality."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atbalsts.catalog.models import ServiceType
from atbalsts.core.forms import StyledFormMixin
from atbalsts.plans.models import GuaranteeLetter

from .models import CancelledBy, CancelReason


class CancellationReasonForm(StyledFormMixin, forms.Form):
    cancelled_by = forms.ChoiceField(label=_("Kas atcēla"), choices=CancelledBy.choices)
    reason = forms.ChoiceField(label=_("Iemesls"), choices=CancelReason.choices)
    note = forms.CharField(
        label=_("Paskaidrojums"),
        max_length=500,
        required=False,
        help_text=_("Obligāts citam iemeslam. Bez veselības ziņām."),
    )


class CancellationForm(CancellationReasonForm):
    """A planned session of a letter line that was cancelled."""

    field_order = ["line_key", "date", "start_time", "cancelled_by", "reason", "note"]

    line_key = forms.ChoiceField(label=_("Pakalpojums"))
    date = forms.DateField(label=_("Plānotais datums"))
    start_time = forms.TimeField(label=_("Plānotais laiks"), required=False)

    def __init__(self, *args: Any, letter: GuaranteeLetter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line_key"].choices = [  # type: ignore[attr-defined]
            (line["key"], f"{n}. {line['service']}") for n, line in enumerate(letter.lines, 1)
        ]
        self.fields["start_time"].widget = forms.TimeInput(attrs={"type": "time"})


class RemoteQualityForm(StyledFormMixin, forms.Form):
    service_type = forms.ModelChoiceField(
        label=_("Pakalpojums"), queryset=ServiceType.objects.none()
    )
    keeps_quality = forms.TypedChoiceField(
        label=_("Vai attālināti kvalitāte saglabājas?"),
        choices=[("true", pgettext_lazy("answer", "Jā")), ("false", pgettext_lazy("answer", "Nē"))],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Pamatojums"), max_length=2000, widget=forms.Textarea)
    decided_on = forms.DateField(label=_("Izvērtēts"), required=False)

    def __init__(self, *args: Any, service_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.filter(  # type: ignore[attr-defined]
            pk__in=service_ids
        ).order_by("name_lv")
