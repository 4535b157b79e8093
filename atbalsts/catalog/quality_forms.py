"""Forms of a provider's contracts, free places and complaints (issue 16)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from atbalsts.core.forms import StyledFormMixin

from .models import ComplaintSource, ServiceType

CONTRACT_SERVICE_ROWS = 5


def _services() -> Any:
    return ServiceType.objects.filter(retired_at__isnull=True).order_by("name_lv")


class ContractForm(StyledFormMixin, forms.Form):
    """A contract with up to five services and their prices (more: a second contract)."""

    number = forms.CharField(label=_("Līguma numurs"), max_length=60)
    signed_on = forms.DateField(label=_("Noslēgts"), required=False)
    valid_from = forms.DateField(label=_("Spēkā no"))
    valid_to = forms.DateField(label=_("Spēkā līdz"), required=False)
    note = forms.CharField(label=_("Piezīme"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, CONTRACT_SERVICE_ROWS + 1):
            self.fields[f"service_{n}"] = forms.ModelChoiceField(
                label=_("%(n)s. pakalpojums") % {"n": n}, queryset=_services(), required=n == 1
            )
            self.fields[f"price_{n}"] = forms.DecimalField(
                label=_("%(n)s. pakalpojuma cena (EUR)") % {"n": n},
                max_digits=14,
                decimal_places=2,
                required=False,
            )

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        services = [
            {"service_type": data[f"service_{n}"].pk, "unit_price": data.get(f"price_{n}")}
            for n in range(1, CONTRACT_SERVICE_ROWS + 1)
            if data.get(f"service_{n}") is not None
        ]
        fields = ("number", "signed_on", "valid_from", "valid_to", "note")
        return {**{name: data.get(name) for name in fields}, "services": services}


class CapacityForm(StyledFormMixin, forms.Form):
    service_type = forms.ModelChoiceField(label=_("Pakalpojums"), queryset=_services())
    free_places = forms.IntegerField(label=_("Brīvās vietas"), min_value=0, max_value=10000)
    note = forms.CharField(label=_("Piezīme"), max_length=300, required=False)


class ComplaintForm(StyledFormMixin, forms.Form):
    service_type = forms.ModelChoiceField(
        label=_("Pakalpojums"), queryset=_services(), required=False
    )
    received_on = forms.DateField(label=_("Saņemta"))
    source = forms.ChoiceField(label=_("Kas sūdzas"), choices=ComplaintSource.choices)
    summary = forms.CharField(
        label=_("Sūdzības būtība"),
        max_length=1000,
        widget=forms.Textarea,
        help_text=_("Bez personas vārda un veselības ziņām."),
    )


class ComplaintResolveForm(StyledFormMixin, forms.Form):
    resolution = forms.CharField(label=_("Kā atrisināta"), max_length=1000)
    resolved_on = forms.DateField(label=_("Atrisināta"))
