"""Forms of the billing pages: they check shape only; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from atbalsts.catalog.models import Provider
from atbalsts.core.dates import iso_month
from atbalsts.core.forms import StyledFormMixin
from atbalsts.people.models import Municipality

from .models import InvoiceStatus
from .services import NUMBER_MAX, REASON_MAX, REFERENCE_MAX, parse_month


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.CharField):
    """A month typed as GGGG-MM (the browser's month picker sends that); cleans to its 1st."""

    widget = MonthInput

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_month(text)
        except (ValueError, TypeError) as exc:
            raise forms.ValidationError(_("Mēnesim jābūt formā GGGG-MM.")) from exc

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return iso_month(value)
        return value


class InvoiceFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Statuss"), required=False, choices=[("", _("visi")), *InvoiceStatus.choices]
    )
    month = MonthField(label=_("Mēnesis"), required=False)
    provider = forms.ModelChoiceField(
        label=_("Sniedzējs"), required=False, queryset=Provider.objects.none()
    )

    def __init__(self, *args: Any, providers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if providers is None:
            del self.fields["provider"]
        else:
            self.fields["provider"].queryset = providers  # type: ignore[attr-defined]


class SubmitForm(StyledFormMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Pašvaldība"), queryset=Municipality.objects.none()
    )
    month = MonthField(label=_("Mēnesis"), help_text=_("Piemēram, 2026-10."))
    number = forms.CharField(label=_("Rēķina numurs"), max_length=NUMBER_MAX)

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]


class PaperHeaderForm(StyledFormMixin, forms.Form):
    provider = forms.ModelChoiceField(label=_("Sniedzējs"), queryset=Provider.objects.none())
    month = MonthField(label=_("Mēnesis"), help_text=_("Piemēram, 2026-10."))
    number = forms.CharField(label=_("Rēķina numurs"), max_length=NUMBER_MAX, required=False)

    def __init__(self, *args: Any, providers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]


class RejectForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Noraidīšanas iemesls"), max_length=REASON_MAX, widget=forms.Textarea
    )


class PayForm(StyledFormMixin, forms.Form):
    paid_on = forms.DateField(label=_("Apmaksas datums"))
    payment_reference = forms.CharField(label=_("Maksājuma uzdevums"), max_length=REFERENCE_MAX)


class ExportForm(StyledFormMixin, forms.Form):
    month = MonthField(label=_("Mēnesis"))
    format = forms.ChoiceField(
        label=_("Formāts"), choices=[("xlsx", "XLSX (Excel)"), ("csv", "CSV (UTF-8)")]
    )
