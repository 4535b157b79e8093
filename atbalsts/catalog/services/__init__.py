"""Writes to the catalogue and the provider register. Each checks permission, enforces the
rules, and audits in the same transaction."""

from .choice import ProviderChoice, provider_choice_check
from .locations import location_create, location_update
from .prices import municipal_price_create, municipal_price_update
from .providers import (
    provider_create,
    provider_member_add,
    provider_member_remove,
    provider_update,
)
from .registrations import registration_create, registration_update, registration_values
from .rules import (
    DEFAULT_PRICE_CEILING,
    LOCATION_FIELDS,
    MAX_SESSION_MINUTES,
    PRICE_FIELDS,
    PROVIDER_FIELDS,
    REGISTRATION_FIELDS,
    SERVICE_TYPE_FIELDS,
    TARIFF_FIELDS,
    price_ceiling,
)
from .service_types import (
    service_type_create,
    service_type_delete,
    service_type_retire,
    service_type_update,
)
from .tariffs import tariff_create, tariff_update

__all__ = [
    "DEFAULT_PRICE_CEILING",
    "LOCATION_FIELDS",
    "MAX_SESSION_MINUTES",
    "PRICE_FIELDS",
    "PROVIDER_FIELDS",
    "REGISTRATION_FIELDS",
    "SERVICE_TYPE_FIELDS",
    "TARIFF_FIELDS",
    "ProviderChoice",
    "location_create",
    "location_update",
    "municipal_price_create",
    "municipal_price_update",
    "price_ceiling",
    "provider_choice_check",
    "provider_create",
    "provider_member_add",
    "provider_member_remove",
    "provider_update",
    "registration_create",
    "registration_update",
    "registration_values",
    "service_type_create",
    "service_type_delete",
    "service_type_retire",
    "service_type_update",
    "tariff_create",
    "tariff_update",
]
