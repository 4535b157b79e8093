"""Forms of the programme's pages: the year to look at, an envelope, a co-financing split.
They check shape only; the billing services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from atbalsts.core.forms import StyledFormMixin
from atbalsts.people.models import Municipality, TargetGroup
from atbalsts.plans.models import FundingSource

SHARE_ROWS = 4


class YearForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Gads"), min_value=2019, max_value=2100)


class EnvelopeForm(StyledFormMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Pašvaldība"), queryset=Municipality.objects.all()
    )
    target_group = forms.ChoiceField(label=_("Mērķa grupa"), choices=TargetGroup.choices)
    year = forms.IntegerField(label=_("Gads"), min_value=2019, max_value=2100)
    funding_source = forms.ChoiceField(
        label=_("Finansējuma avots"), choices=[("", "—"), *FundingSource.choices]
    )
    amount = forms.CharField(label=_("Piešķirtā summa, €"), max_length=20)
    note = forms.CharField(label=_("Piezīme"), max_length=500, required=False)


class CoFinancingForm(StyledFormMixin, forms.Form):
    funding_source = forms.ChoiceField(
        label=_("Finansējuma avots"), choices=[("", "—"), *FundingSource.choices]
    )
    municipality = forms.ModelChoiceField(
        label=_("Pašvaldība"),
        queryset=Municipality.objects.all(),
        required=False,
        help_text=_("Tukšs: dalījums visām pašvaldībām."),
    )
    valid_from = forms.DateField(label=_("Spēkā no"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, SHARE_ROWS + 1):
            self.fields[f"payer_{i}"] = forms.CharField(
                label=_("Maksātājs %(n)s") % {"n": i}, max_length=200, required=i == 1
            )
            self.fields[f"percent_{i}"] = forms.CharField(
                label=_("Daļa %(n)s, %%") % {"n": i}, max_length=10, required=i == 1
            )

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        shares = [
            {"payer": data[f"payer_{i}"], "percent": data[f"percent_{i}"]}
            for i in range(1, SHARE_ROWS + 1)
            if data.get(f"payer_{i}") or data.get(f"percent_{i}")
        ]
        return {
            "funding_source": data["funding_source"],
            "municipality": data["municipality"],
            "valid_from": data["valid_from"],
            "shares": shares,
        }
