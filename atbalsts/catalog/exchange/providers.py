"""Importing the provider register's rows: providers and their registrations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Actor

from .. import services
from ..identifiers import InvalidRegistrationNumber, normalise_registration_number
from ..models import Provider, ProviderRegistration, ServiceType
from .cells import Lookups, RowFailed, boolean, cell, date, outcome, present, text


def import_provider(
    actor: Actor, record: dict[str, Any], lookups: Lookups, header: list[str]
) -> str:
    errors: dict[str, str] = {}
    municipality = cell(record, "municipality", lookups.municipality, errors)
    parsers: dict[str, Callable[[Any], Any]] = {
        "kind": text, "name": text, "registration_number": text, "contact_person": text,
        "phone": text, "email": text, "address": text, "iban": text, "active": boolean,
        "notes": text,
        "seat_municipality": lookups.optional_municipality,
    }  # fmt: skip
    data: dict[str, Any] = {
        c: cell(record, c, parsers[c], errors) for c in present(header, parsers)
    }
    if errors or municipality is None:  # a required cell reads as None only with an error
        raise RowFailed(errors)
    existing = None
    if data.get("registration_number"):
        try:
            number = normalise_registration_number(
                data.get("kind", ""), data["registration_number"]
            )
        except InvalidRegistrationNumber:
            number = data["registration_number"]
        existing = Provider.objects.filter(
            municipality=municipality, registration_number=number
        ).first()
    if existing is None:
        services.provider_create(actor=actor, municipality=municipality, data=data)
        return "created"
    return outcome(existing, services.provider_update(actor=actor, provider=existing, data=data))


def import_registration(
    actor: Actor, record: dict[str, Any], lookups: Lookups, header: list[str]
) -> str:
    errors: dict[str, str] = {}
    provider = cell(
        record, "provider_registration_number", lambda _v: lookups.provider(record), errors
    )
    codes = [c.strip() for c in text(record.get("service_types")).split(";") if c.strip()]
    found = {st.code: st for st in ServiceType.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors["service_types"] = str(
            _("Nezināms pakalpojuma kods „%(code)s”.") % {"code": ", ".join(unknown)}
        )
    data: dict[str, Any] = {
        "register": text(record.get("register")),
        "number": text(record.get("number")),
        "valid_from": cell(record, "valid_from", date, errors),
        "valid_to": cell(record, "valid_to", date, errors),
        "service_types": [found[c] for c in codes if c in found],
    }
    if "verified_on" in header:
        data["verified_on"] = cell(record, "verified_on", date, errors)
    if errors or provider is None:  # a required cell reads as None only with an error
        raise RowFailed(errors)
    existing = ProviderRegistration.objects.filter(
        provider=provider, register=data["register"], number=data["number"]
    ).first()
    if existing is None:
        services.registration_create(actor=actor, provider=provider, data=data)
        return "created"
    before = services.registration_values(existing)
    updated = services.registration_update(actor=actor, registration=existing, data=data)
    return "unchanged" if services.registration_values(updated) == before else "updated"
