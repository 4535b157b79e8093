"""The catalogue's domain errors, each with a stable code and a Latvian message."""

from django.utils.translation import gettext_lazy as _

from atbalsts.core.errors import DomainError


class TariffNotValidOnDate(DomainError):
    code = "tariff_not_valid_on_date"
    default_message = _("Šim pakalpojumam šajā datumā nav spēkā esošas cenas.")


class TariffOverlap(DomainError):
    code = "tariff_overlap"
    default_message = _("Periods pārklājas ar citu šī sniedzēja tarifu tam pašam pakalpojumam.")


class PriceOverlap(DomainError):
    code = "price_overlap"
    default_message = _("Periods pārklājas ar citu šīs pašvaldības cenu šim pakalpojumam.")


class ServiceTypeInUse(DomainError):
    code = "service_type_in_use"
    default_message = _(
        "Pakalpojuma veids jau tiek izmantots, tāpēc to nevar dzēst; izņemiet to no lietošanas."
    )


class ServiceTypeRetired(DomainError):
    code = "service_type_retired"
    default_message = _("Pakalpojuma veids ir izņemts no lietošanas.")


class ProviderInactive(DomainError):
    code = "provider_inactive"
    default_message = _("Sniedzējs nav aktīvs.")


class ProviderNotQualified(DomainError):
    """The provider's registration for the service is missing or lapsed; needs an override."""

    code = "provider_not_qualified"
    default_message = _("Sniedzējam nav derīgas reģistrācijas šim pakalpojumam.")
