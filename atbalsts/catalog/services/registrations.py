"""Writes to a provider's registrations in the state registers, and who verified them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
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

from ..models import Provider, ProviderRegistration, RegisterKind, ServiceType
from ..policies import provider_policy
from .rules import REGISTRATION_FIELDS, check_choice, check_period, provider_audit


def _validate_registration(
    registration: ProviderRegistration, service_types: list[ServiceType] | None
) -> None:
    errors: dict[str, list[str]] = {}
    check_choice(registration, "register", RegisterKind, errors)
    check_period(registration.valid_from, registration.valid_to, errors)
    if registration.verified_on and registration.verified_on > timezone.localdate():
        add_error(errors, "verified_on", _("Pārbaudes datums nevar būt nākotnē."))
    if service_types is not None and not service_types:
        add_error(errors, "service_types", _("Norādiet, kurus pakalpojumus reģistrācija aptver."))
    add_model_field_errors(registration, errors, exclude=["provider", "verified_by"])
    if (
        "number" not in errors
        and ProviderRegistration.objects.filter(
            provider_id=registration.provider_id,
            register=registration.register,
            number=registration.number,
        )
        .exclude(pk=registration.pk)
        .exists()
    ):
        add_error(errors, "number", _("Šī reģistrācija sniedzējam jau ir ierakstīta."))
    raise_if_errors(errors)


def registration_values(registration: ProviderRegistration) -> dict[str, Any]:
    """What an audit event records of a registration, and an import compares."""
    values = snapshot(registration, (*REGISTRATION_FIELDS, "verified_by"))
    values["service_types"] = sorted(registration.service_types.values_list("code", flat=True))
    return values


def _split_service_types(
    data: Mapping[str, object],
) -> tuple[dict[str, object], list[ServiceType] | None]:
    fields = dict(data)
    # the pages, the API and the import all pass the covered service types as a list
    service_types = cast("Iterable[ServiceType] | None", fields.pop("service_types", None))
    return fields, (list(service_types) if service_types is not None else None)


@transaction.atomic
def registration_create(
    *, actor: Actor, provider: Provider, data: Mapping[str, object]
) -> ProviderRegistration:
    """Record a register entry; setting `verified_on` records the actor as the verifier."""
    provider_policy.require(actor, Action.CHANGE, provider)
    fields, service_types = _split_service_types(data)
    registration = ProviderRegistration(provider=provider)
    assign_fields(registration, fields, REGISTRATION_FIELDS)
    _validate_registration(registration, service_types or [])
    if registration.verified_on:
        registration.verified_by = actor
    registration.save()
    registration.service_types.set(service_types or [])
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_REGISTRATION_CREATED,
        subject=registration,
        extra_data={"provider": provider.pk, "values": registration_values(registration)},
        **provider_audit(provider),
    )
    return registration


@transaction.atomic
def registration_update(
    *, actor: Actor, registration: ProviderRegistration, data: Mapping[str, object]
) -> ProviderRegistration:
    provider_policy.require(actor, Action.CHANGE, registration.provider)
    registration = ProviderRegistration.objects.select_for_update().get(pk=registration.pk)
    before = registration_values(registration)
    verified_before = registration.verified_on
    fields, service_types = _split_service_types(data)
    assign_fields(registration, fields, REGISTRATION_FIELDS)
    _validate_registration(registration, service_types)
    # whoever records a (new) verification date is the one who checked the register
    if registration.verified_on != verified_before:
        registration.verified_by = actor if registration.verified_on else None
    registration.save()
    if service_types is not None:
        registration.service_types.set(service_types)
    changes = diff(before, registration_values(registration))
    if changes:
        audit_record(
            actor=actor,
            event_type=AuditEventType.CATALOG_REGISTRATION_CHANGED,
            subject=registration,
            extra_data={"provider": registration.provider_id, "changes": changes},
            **provider_audit(registration.provider),
        )
    return registration
