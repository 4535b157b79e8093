"""Service types, providers and tariffs, created through the services so that the rules apply."""

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from atbalsts.catalog import services
from atbalsts.catalog.identifiers import iban_with_check_digits
from atbalsts.catalog.models import (
    LocationKind,
    MunicipalPrice,
    Provider,
    ProviderKind,
    ProviderLocation,
    ProviderRegistration,
    RegisterKind,
    ServiceCategory,
    ServiceType,
    ServiceUnit,
    Tariff,
)
from atbalsts.people.models import Municipality

_serial = itertools.count(1)


def company_number() -> str:
    """A fresh 11-digit company number whose check digit is right (python-stdnum's rule)."""
    while True:
        body = f"4000{next(_serial):06d}"
        check = (3 - sum(w * int(d) for w, d in zip(WEIGHTS, body, strict=True))) % 11
        if check < 10:
            return body + str(check)


WEIGHTS = (9, 1, 4, 8, 3, 10, 2, 5, 7, 6)  # a Latvian company number's check digit weights


def valid_iban() -> str:
    return iban_with_check_digits(f"LVHABA{next(_serial):013d}")


def make_service_type(*, actor: Any, **overrides: Any) -> ServiceType:
    n = next(_serial)
    data = {
        "name_lv": f"Pakalpojums {n}",
        "name_en": f"Service {n}",
        "category": ServiceCategory.SOCIAL_SERVICE,
        "unit": ServiceUnit.HOUR,
        "default_unit_price": Decimal("10.00"),
        **overrides,
    }
    return services.service_type_create(actor=actor, data=data)


def make_provider(*, actor: Any, municipality: Municipality, **overrides: Any) -> Provider:
    data = {
        "kind": ProviderKind.LEGAL,
        "name": f"Biedrība Nr. {next(_serial)}",
        "registration_number": company_number(),
        "iban": valid_iban(),
        **overrides,
    }
    return services.provider_create(actor=actor, municipality=municipality, data=data)


def make_registration(
    *,
    actor: Any,
    provider: Provider,
    service_types: list[ServiceType],
    valid_from: dt.date = dt.date(2025, 1, 1),
    valid_to: dt.date | None = None,
    **overrides: Any,
) -> ProviderRegistration:
    data = {
        "register": RegisterKind.SOCIAL_SERVICE_PROVIDERS,
        "number": f"SP-{next(_serial)}",
        "valid_from": valid_from,
        "valid_to": valid_to,
        "service_types": service_types,
        **overrides,
    }
    return services.registration_create(actor=actor, provider=provider, data=data)


def make_location(
    *, actor: Any, provider: Provider, municipality: Municipality | None, **overrides: Any
) -> ProviderLocation:
    data = {
        "kind": LocationKind.PREMISES,
        "municipality": municipality,
        "address": f"Brīvības iela {next(_serial)}",
        **overrides,
    }
    return services.location_create(actor=actor, provider=provider, data=data)


def make_tariff(
    *,
    actor: Any,
    provider: Provider,
    service_type: ServiceType,
    unit_price: str = "20.00",
    valid_from: dt.date = dt.date(2026, 1, 1),
    valid_to: dt.date | None = None,
    **overrides: Any,
) -> Tariff:
    data = {
        "service_type": service_type,
        "unit_price": Decimal(unit_price),
        "valid_from": valid_from,
        "valid_to": valid_to,
        **overrides,
    }
    return services.tariff_create(actor=actor, provider=provider, data=data)


def make_municipal_price(
    *,
    actor: Any,
    municipality: Municipality,
    service_type: ServiceType,
    valid_from: dt.date = dt.date(2026, 1, 1),
    valid_to: dt.date | None = None,
    unit_price: str | None = None,
    di_unit_cost: str | None = None,
) -> MunicipalPrice:
    """A municipality's price from `valid_from`; only the amounts and the end given are sent."""
    data: dict[str, Any] = {"service_type": service_type, "valid_from": valid_from}
    if valid_to is not None:
        data["valid_to"] = valid_to
    if unit_price is not None:
        data["unit_price"] = Decimal(unit_price)
    if di_unit_cost is not None:
        data["di_unit_cost"] = Decimal(di_unit_cost)
    return services.municipal_price_create(actor=actor, municipality=municipality, data=data)
