"""Importing the provider register's places and prices: locations and tariffs."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Actor
from atbalsts.people.models import Municipality

from .. import services
from ..models import Provider, ProviderLocation, Tariff
from .cells import Lookups, RowFailed, boolean, cell, date, integer, money, outcome, text


def _location_of(
    provider: Provider, kind: str, municipality: Municipality | None, address: str
) -> ProviderLocation | None:
    if kind == "remote":
        municipality, address = None, ""
    return ProviderLocation.objects.filter(
        provider=provider, kind=kind, municipality=municipality, address=address
    ).first()


def import_location(
    actor: Actor, record: dict[str, Any], lookups: Lookups, header: list[str]
) -> str:
    errors: dict[str, str] = {}
    provider = cell(
        record, "provider_registration_number", lambda _v: lookups.provider(record), errors
    )
    data: dict[str, Any] = {
        "kind": text(record.get("kind")),
        "municipality": cell(record, "municipality", lookups.optional_municipality, errors),
        "address": text(record.get("address")),
    }
    if "active" in header:
        data["active"] = cell(record, "active", boolean, errors)
    if errors or provider is None:  # a required cell reads as None only with an error
        raise RowFailed(errors)
    existing = _location_of(provider, data["kind"], data["municipality"], data["address"])
    if existing is None:
        services.location_create(actor=actor, provider=provider, data=data)
        return "created"
    return outcome(existing, services.location_update(actor=actor, location=existing, data=data))


def import_tariff(actor: Actor, record: dict[str, Any], lookups: Lookups, header: list[str]) -> str:
    errors: dict[str, str] = {}
    provider = cell(
        record, "provider_registration_number", lambda _v: lookups.provider(record), errors
    )
    service_type = cell(record, "service_type", lookups.service_type, errors)
    location = None
    kind = text(record.get("location_kind"))
    if kind and provider is not None:
        place = cell(
            record,
            "location_municipality",
            lookups.optional_municipality,
            errors,
        )
        location = _location_of(provider, kind, place, text(record.get("location_address")))
        if location is None and "location_municipality" not in errors:
            errors["location_kind"] = str(
                _("Sniedzējam nav šādas vietas; pievienojiet to lapā „locations”.")
            )
    data: dict[str, Any] = {
        "service_type": service_type,
        "location": location,
        "unit_price": cell(record, "unit_price", money, errors),
        "valid_from": cell(record, "valid_from", date, errors),
        "valid_to": cell(record, "valid_to", date, errors),
    }
    if "session_minutes" in header:
        data["session_minutes"] = cell(record, "session_minutes", integer, errors)
    if "remote_allowed" in header:
        data["remote_allowed"] = cell(record, "remote_allowed", boolean, errors)
    if errors or provider is None:  # a required cell reads as None only with an error
        raise RowFailed(errors)
    existing = Tariff.objects.filter(
        provider=provider,
        service_type=service_type,
        location=location,
        valid_from=data["valid_from"],
    ).first()
    if existing is None:
        services.tariff_create(actor=actor, provider=provider, data=data)
        return "created"
    return outcome(existing, services.tariff_update(actor=actor, tariff=existing, data=data))
