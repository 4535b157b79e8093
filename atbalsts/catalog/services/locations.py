"""Writes to the places where a provider gives its services."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_record, diff, snapshot
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    add_model_field_errors,
    assign_fields,
    raise_if_errors,
)

from ..models import LocationKind, Provider, ProviderLocation
from ..policies import provider_policy
from .rules import LOCATION_FIELDS, check_choice, provider_audit


def _validate_location(location: ProviderLocation) -> None:
    errors: dict[str, list[str]] = {}
    check_choice(location, "kind", LocationKind, errors)
    if location.kind == LocationKind.REMOTE:
        location.municipality = None
        location.address = ""
    elif location.municipality_id is None:
        add_error(errors, "municipality", _("Norādiet pašvaldību."))
    if location.kind == LocationKind.PREMISES and not (location.address or "").strip():
        add_error(errors, "address", _("Norādiet telpu adresi."))
    add_model_field_errors(location, errors, exclude=["provider"])
    duplicate = ProviderLocation.objects.filter(
        provider_id=location.provider_id,
        kind=location.kind,
        municipality=location.municipality,
        address=location.address,
    ).exclude(pk=location.pk)
    if not errors and duplicate.exists():
        add_error(errors, "address", _("Šāda vieta sniedzējam jau ir ierakstīta."))
    raise_if_errors(errors)


@transaction.atomic
def location_create(
    *, actor: Actor, provider: Provider, data: Mapping[str, object]
) -> ProviderLocation:
    provider_policy.require(actor, Action.CHANGE, provider)
    location = ProviderLocation(provider=provider)
    assign_fields(location, data, LOCATION_FIELDS)
    _validate_location(location)
    location.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_LOCATION_CREATED,
        subject=location,
        extra_data={"provider": provider.pk, "values": snapshot(location, LOCATION_FIELDS)},
        **provider_audit(provider),
    )
    return location


@transaction.atomic
def location_update(
    *, actor: Actor, location: ProviderLocation, data: Mapping[str, object]
) -> ProviderLocation:
    provider_policy.require(actor, Action.CHANGE, location.provider)
    location = ProviderLocation.objects.select_for_update().get(pk=location.pk)
    before = snapshot(location, LOCATION_FIELDS)
    assign_fields(location, data, LOCATION_FIELDS)
    _validate_location(location)
    changes = diff(before, snapshot(location, LOCATION_FIELDS))
    if changes:
        location.save()
        audit_record(
            actor=actor,
            event_type=AuditEventType.CATALOG_LOCATION_CHANGED,
            subject=location,
            extra_data={"provider": location.provider_id, "changes": changes},
            **provider_audit(location.provider),
        )
    return location
