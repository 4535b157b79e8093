"""Writes to the catalogue of service types: create, change, retire, delete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import slugify
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

from ..errors import ServiceTypeInUse
from ..models import ServiceCategory, ServiceType, ServiceUnit
from ..policies import service_type_policy
from ..selectors import service_type_in_use
from .rules import SERVICE_TYPE_FIELDS, check_choice, check_minutes, check_money


def _validate_service_type(service_type: ServiceType) -> None:
    errors: dict[str, list[str]] = {}
    if not service_type.code:
        service_type.code = slugify(service_type.name_en or service_type.name_lv)[:80]
    check_choice(service_type, "category", ServiceCategory, errors)
    check_choice(service_type, "unit", ServiceUnit, errors)
    check_money(service_type.default_unit_price, "default_unit_price", errors)
    check_money(service_type.di_unit_cost, "di_unit_cost", errors)
    check_minutes(service_type.default_session_minutes, "default_session_minutes", errors)
    if not (service_type.for_adult_grt or service_type.for_child_ft):
        add_error(errors, "for_adult_grt", _("Norādiet vismaz vienu mērķa grupu."))
    add_model_field_errors(service_type, errors)
    others = ServiceType.objects.exclude(pk=service_type.pk)
    if "name_lv" not in errors and others.filter(name_lv__iexact=service_type.name_lv).exists():
        add_error(errors, "name_lv", _("Pakalpojuma veids ar šādu nosaukumu jau ir katalogā."))
    if "code" not in errors and others.filter(code=service_type.code).exists():
        add_error(errors, "code", _("Šāds kods jau ir citam pakalpojuma veidam."))
    raise_if_errors(errors)


@transaction.atomic
def service_type_create(*, actor: Actor, data: Mapping[str, object]) -> ServiceType:
    service_type_policy.require(actor, Action.CREATE)
    service_type = ServiceType()
    assign_fields(service_type, data, SERVICE_TYPE_FIELDS)
    _validate_service_type(service_type)
    service_type.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_SERVICE_TYPE_CREATED,
        subject=service_type,
        extra_data={"values": snapshot(service_type, SERVICE_TYPE_FIELDS)},
    )
    return service_type


@transaction.atomic
def service_type_update(
    *, actor: Actor, service_type: ServiceType, data: Mapping[str, object]
) -> ServiceType:
    service_type_policy.require(actor, Action.CHANGE, service_type)
    service_type = ServiceType.objects.select_for_update().get(pk=service_type.pk)
    before = snapshot(service_type, SERVICE_TYPE_FIELDS)
    assign_fields(service_type, data, SERVICE_TYPE_FIELDS)
    _validate_service_type(service_type)
    changes = diff(before, snapshot(service_type, SERVICE_TYPE_FIELDS))
    if changes:
        service_type.save()
        audit_record(
            actor=actor,
            event_type=AuditEventType.CATALOG_SERVICE_TYPE_CHANGED,
            subject=service_type,
            extra_data={"changes": changes},
        )
    return service_type


@transaction.atomic
def service_type_retire(
    *, actor: Actor, service_type: ServiceType, retired_at: dt.date | None
) -> ServiceType:
    """Take a service type out of use from a date (None brings it back). Plans made before
    keep it; it cannot be chosen for days from that date on."""
    service_type_policy.require(actor, Action.CHANGE, service_type)
    service_type = ServiceType.objects.select_for_update().get(pk=service_type.pk)
    before = snapshot(service_type, ("retired_at",))
    service_type.retired_at = retired_at
    changes = diff(before, snapshot(service_type, ("retired_at",)))
    if changes:
        service_type.save(update_fields=["retired_at", "updated_at"])
        audit_record(
            actor=actor,
            event_type=AuditEventType.CATALOG_SERVICE_TYPE_RETIRED,
            subject=service_type,
            extra_data={"changes": changes},
        )
    return service_type


@transaction.atomic
def service_type_delete(*, actor: Actor, service_type: ServiceType) -> None:
    """Delete a service type added by mistake; one that is used is retired instead."""
    service_type_policy.require(actor, Action.DELETE, service_type)
    if service_type_in_use(service_type=service_type):
        raise ServiceTypeInUse()
    pk, values = service_type.pk, snapshot(service_type, SERVICE_TYPE_FIELDS)
    try:
        with transaction.atomic():
            service_type.delete()
    except ProtectedError as exc:
        raise ServiceTypeInUse() from exc
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_SERVICE_TYPE_DELETED,
        subject_type=ServiceType._meta.label_lower,
        subject_id=str(pk),
        extra_data={"values": values},
    )
