"""Forms of the catalogue: shape and format only; the rules live in services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Actor
from atbalsts.core.collation import USER_NAMES, latvian_order
from atbalsts.core.forms import StyledFormMixin
from atbalsts.core.money import parse_money
from atbalsts.core.roles import Role
from atbalsts.people.models import Municipality

from .models import (
    MunicipalPrice,
    Provider,
    ProviderLocation,
    ProviderRegistration,
    ServiceCategory,
    ServiceType,
    Tariff,
)
from .selectors import PROVIDER_SORTS, RegistrationStatus
from .services import LOCATION_FIELDS, PRICE_FIELDS, PROVIDER_FIELDS, TARIFF_FIELDS


class MoneyField(forms.Field):
    """An amount as people type it ("12,50", "12.50", "1 234,56"), read exactly as Decimal."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 20})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 20:
            raise forms.ValidationError(_("Pārāk gara summa."))
        try:
            return parse_money(text)
        except ValueError:
            raise forms.ValidationError(
                _("Ievadiet summu, piem. 12,50 (ne vairāk kā divi cipari aiz komata).")
            ) from None


class ServiceRulesForm(StyledFormMixin, forms.ModelForm):
    """A model form that leaves uniqueness and constraints to the service, which explains."""

    def validate_unique(self) -> None:
        """Checked by the service."""

    def validate_constraints(self) -> None:
        """Checked by the service."""


class ServiceTypeForm(ServiceRulesForm):
    default_unit_price = MoneyField(label=_("Kataloga cena"), required=False)
    di_unit_cost = MoneyField(label=_("DI vienības izmaksas"), required=False)

    class Meta:
        model = ServiceType
        fields = [
            "name_lv",
            "name_en",
            "code",
            "category",
            "unit",
            "for_adult_grt",
            "for_child_ft",
            "remote_allowed",
            "ib_fundable",
            "confidential",
            "registration_required",
            "default_session_minutes",
            "default_unit_price",
            "di_unit_cost",
            "price_note",
        ]
        help_texts = {"code": _("Nemainīgs saīsinājums importam un API; tukšu aizpilda pats.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False


class RetireForm(StyledFormMixin, forms.Form):
    retired_at = forms.DateField(
        label=_("Izņemts no lietošanas no"),
        required=False,
        help_text=_("Atstājiet tukšu, lai pakalpojuma veidu atjaunotu lietošanā."),
    )


class MunicipalPriceForm(ServiceRulesForm):
    unit_price = MoneyField(label=_("Vienības cena"), required=False)
    di_unit_cost = MoneyField(label=_("DI vienības izmaksas"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Pašvaldība"), queryset=Municipality.objects.all(), required=True
    )

    class Meta:
        model = MunicipalPrice
        fields = ["municipality", *PRICE_FIELDS]

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.order_by("name_lv")  # type: ignore[attr-defined]
        if user.municipality_id or self.instance.pk:
            del self.fields["municipality"]


class ProviderForm(ServiceRulesForm):
    municipality = forms.ModelChoiceField(
        label=_("Reģistrējusī pašvaldība"), queryset=Municipality.objects.all(), required=True
    )

    class Meta:
        model = Provider
        fields = ["municipality", *PROVIDER_FIELDS]
        help_texts = {
            "registration_number": _(
                "Juridiskai personai — 11 cipari; fiziskai personai — personas kods."
            ),
            "iban": _("Piem. LV80BANK0000435195001; atstarpes drīkst."),
        }

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the service explains what is wrong with a number or an account
        self.fields["registration_number"].max_length = 30  # type: ignore[attr-defined]
        self.fields["registration_number"].widget.attrs["maxlength"] = 30
        self.fields["iban"].max_length = 50  # type: ignore[attr-defined]
        self.fields["iban"].widget.attrs["maxlength"] = 50
        if user.municipality_id or self.instance.pk:
            del self.fields["municipality"]
        if not self.instance.pk:
            del self.fields["active"]


class RegistrationForm(ServiceRulesForm):
    class Meta:
        model = ProviderRegistration
        fields = ["register", "number", "service_types", "valid_from", "valid_to", "verified_on"]
        help_texts = {
            "verified_on": _(
                "Datums, kad ierakstu pārbaudījāt valsts reģistrā; saglabājot jūs tiksiet "
                "norādīts kā pārbaudītājs."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service_types"]
        field.queryset = ServiceType.objects.filter(retired_at__isnull=True).order_by("name_lv")  # type: ignore[attr-defined]
        field.widget.attrs["size"] = 12


class LocationForm(ServiceRulesForm):
    class Meta:
        model = ProviderLocation
        fields = list(LOCATION_FIELDS)
        help_texts = {
            "municipality": _(
                "Telpām — kur tās atrodas; klienta dzīvesvietai — kuru pašvaldību apkalpo."
            ),
        }


class TariffForm(ServiceRulesForm):
    unit_price = MoneyField(label=_("Vienības cena"))

    class Meta:
        model = Tariff
        fields = list(TARIFF_FIELDS)
        help_texts = {
            "valid_from": _(
                "Jauna cena no šī datuma automātiski noslēdz iepriekšējo beztermiņa tarifu "
                "ar iepriekšējo dienu."
            ),
            "location": _("Tukšs — tarifs visām vietām, kurām nav sava tarifa."),
        }

    def __init__(self, *args: Any, provider: Provider, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.order_by("name_lv")  # type: ignore[attr-defined]
        self.fields["location"].queryset = provider.locations.select_related("municipality")  # type: ignore[attr-defined]


class MemberForm(StyledFormMixin, forms.Form):
    user = forms.ModelChoiceField(
        label=_("Lietotājs"),
        queryset=get_user_model().objects.none(),
        help_text=_(
            "Lietotāji ar lomu „pakalpojumu sniedzēja darbinieks”, kas vēl nav piesaistīti."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        free = get_user_model().objects.filter(
            role=Role.PROVIDER, is_active=True, provider_membership__isnull=True
        )
        self.fields["user"].queryset = free.order_by(  # type: ignore[attr-defined]
            *latvian_order("last_name", "first_name", "username", text=USER_NAMES)
        )


class ServiceTypeFilterForm(forms.Form):
    q = forms.CharField(label=_("Meklēt"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("Kategorija"), choices=[("", _("visas")), *ServiceCategory.choices], required=False
    )
    retired = forms.BooleanField(label=_("rādīt arī izņemtos"), required=False)


class ProviderFilterForm(forms.Form):
    q = forms.CharField(label=_("Nosaukums vai numurs"), required=False, max_length=100)
    service_type = forms.ModelChoiceField(
        label=_("Pakalpojums"),
        queryset=ServiceType.objects.filter(retired_at__isnull=True).order_by("name_lv"),
        required=False,
    )
    municipality = forms.ModelChoiceField(
        label=_("Pašvaldība"), queryset=Municipality.objects.all(), required=False
    )
    near = forms.ModelChoiceField(
        label=_("Attālums no"), queryset=Municipality.objects.all(), required=False
    )
    max_km = forms.DecimalField(
        label=_("Ne tālāk par (km)"), required=False, min_value=0, max_value=1000, decimal_places=1
    )
    status = forms.ChoiceField(
        label=_("Reģistrācija"),
        choices=[("", _("jebkāda")), *RegistrationStatus.LABELS.items()],
        required=False,
    )
    inactive = forms.BooleanField(label=_("arī neaktīvie"), required=False)
    sort = forms.ChoiceField(
        choices=[(key, key) for key in PROVIDER_SORTS], required=False, widget=forms.HiddenInput
    )


class ImportForm(StyledFormMixin, forms.Form):
    dataset = forms.ChoiceField(
        label=_("Ko importēt"),
        choices=[
            ("catalogue", _("pakalpojumu katalogu (service_types, municipal_prices)")),
            ("register", _("sniedzēju reģistru (providers, registrations, locations, tariffs)")),
        ],
    )
    file = forms.FileField(label=_("Fails (.xlsx vai .csv)"))
