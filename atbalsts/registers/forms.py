"""Forms of the registers pages: shape and format only; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from atbalsts.addresses.widgets import AddressField
from atbalsts.core.forms import StyledFormMixin
from atbalsts.plans.models import FundingSource

from .models import RegisterSource
from .progress import ADDRESSES

SOURCES = [
    *RegisterSource.choices,
    (ADDRESSES, _("Valsts adrešu reģistrs (adreses ar koordinātām)")),
]


class UploadForm(StyledFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("Reģistrs"), choices=[("", "—"), *SOURCES])
    file = forms.FileField(
        label=_("Izraksta fails (CSV vai XLSX)"),
        help_text=_("Kā reģistrs to publicē atvērto datu portālā; lielu failu apstrādā fonā."),
    )


class PlaceForm(StyledFormMixin, forms.Form):
    address = AddressField(label=_("Adrese adrešu reģistrā"))


class TransportForm(forms.Form):
    """The transport line the plan-line form proposes (its fields are shown to the user)."""

    revision = forms.IntegerField(min_value=1)
    trips = forms.DecimalField(min_value=0, max_digits=6, decimal_places=2)
    provider = forms.IntegerField(label=_("Pārvadātājs"))
    funding_source = forms.ChoiceField(label=_("Finansējuma avots"), choices=FundingSource.choices)
    start = forms.DateField()
    months = forms.IntegerField(min_value=1, max_value=36)
    for_provider = forms.IntegerField()
