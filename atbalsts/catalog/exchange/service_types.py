"""Importing the catalogue's rows: service types and municipal prices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Actor

from .. import services
from ..models import MunicipalPrice, ServiceType
from .cells import Lookups, RowFailed, boolean, cell, date, integer, money, outcome, present, text


def import_service_type(
    actor: Actor, record: dict[str, Any], lookups: Lookups, header: list[str]
) -> str:
    errors: dict[str, str] = {}
    parsers: dict[str, Callable[[Any], Any]] = {
        "code": text, "name_lv": text, "name_en": text, "category": text, "unit": text,
        "remote_allowed": boolean, "ib_fundable": boolean, "confidential": boolean,
        "registration_required": boolean, "default_session_minutes": integer,
        "default_unit_price": money, "di_unit_cost": money, "price_note": text,
    }  # fmt: skip
    data = {c: cell(record, c, parsers[c], errors) for c in present(header, parsers)}
    if "target_groups" in header:
        groups = {g.strip() for g in text(record.get("target_groups")).split(";") if g.strip()}
        unknown = groups - {"adult_grt", "child_ft"}
        if unknown:
            errors["target_groups"] = str(
                _("Nezināma mērķa grupa „%(value)s”; atļautās: adult_grt, child_ft.")
                % {"value": ", ".join(sorted(unknown))}
            )
        data["for_adult_grt"] = "adult_grt" in groups
        data["for_child_ft"] = "child_ft" in groups
    retired_at = cell(record, "retired_at", date, errors) if "retired_at" in header else None
    if errors:
        raise RowFailed(errors)
    existing = ServiceType.objects.filter(code=data.get("code")).first()
    outcome = "created" if existing is None else "unchanged"
    if existing is None:
        existing = services.service_type_create(actor=actor, data=data)
    else:
        before = existing.updated_at
        existing = services.service_type_update(actor=actor, service_type=existing, data=data)
        if existing.updated_at != before:
            outcome = "updated"
    if "retired_at" in header and existing.retired_at != retired_at:
        services.service_type_retire(actor=actor, service_type=existing, retired_at=retired_at)
        outcome = "updated" if outcome == "unchanged" else outcome
    return outcome


def import_price(actor: Actor, record: dict[str, Any], lookups: Lookups, header: list[str]) -> str:
    errors: dict[str, str] = {}
    municipality = cell(record, "municipality", lookups.municipality, errors)
    service_type = cell(record, "service_type", lookups.service_type, errors)
    data: dict[str, Any] = {
        "service_type": service_type,
        "unit_price": cell(record, "unit_price", money, errors),
        "di_unit_cost": cell(record, "di_unit_cost", money, errors),
        "valid_from": cell(record, "valid_from", date, errors),
        "valid_to": cell(record, "valid_to", date, errors),
    }
    if errors or municipality is None:  # a required cell reads as None only with an error
        raise RowFailed(errors)
    existing = MunicipalPrice.objects.filter(
        municipality=municipality, service_type=service_type, valid_from=data["valid_from"]
    ).first()
    if existing is None:
        services.municipal_price_create(actor=actor, municipality=municipality, data=data)
        return "created"
    return outcome(
        existing, services.municipal_price_update(actor=actor, price=existing, data=data)
    )
