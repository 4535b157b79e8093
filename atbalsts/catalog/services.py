"""Writes to the catalogue and the provider register. Each checks permission, enforces the
rules, and audits in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_record, diff, masked, snapshot
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.money import CENT, format_money
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    add_model_field_errors,
    assign_fields,
    raise_if_errors,
)
from atbalsts.people.models import Municipality

from .errors import (
    PriceOverlap,
    ProviderInactive,
    ProviderNotQualified,
    ServiceTypeInUse,
    ServiceTypeRetired,
    TariffOverlap,
)
from .identifiers import (
    InvalidIban,
    InvalidRegistrationNumber,
    normalise_iban,
    normalise_registration_number,
)
from .models import (
    LocationKind,
    MunicipalPrice,
    Provider,
    ProviderKind,
    ProviderLocation,
    ProviderMembership,
    ProviderRegistration,
    RegisterKind,
    ServiceCategory,
    ServiceType,
    ServiceUnit,
    Tariff,
)
from .policies import municipal_price_policy, provider_policy, service_type_policy
from .selectors import RegistrationStatus, provider_registration_status, service_type_in_use

# Prices above this are refused as typing mistakes; a deployment may set its own.
DEFAULT_PRICE_CEILING = Decimal("5000.00")
MAX_SESSION_MINUTES = 24 * 60

SERVICE_TYPE_FIELDS = (
    "code",
    "name_lv",
    "name_en",
    "category",
    "unit",
    "remote_allowed",
    "for_adult_grt",
    "for_child_ft",
    "ib_fundable",
    "confidential",
    "registration_required",
    "default_session_minutes",
    "default_unit_price",
    "di_unit_cost",
    "price_note",
)
PRICE_FIELDS = ("service_type", "unit_price", "di_unit_cost", "valid_from", "valid_to")
PROVIDER_FIELDS = (
    "kind",
    "name",
    "registration_number",
    "contact_person",
    "phone",
    "email",
    "address",
    "seat_municipality",
    "iban",
    "active",
    "notes",
)
REGISTRATION_FIELDS = ("register", "number", "valid_from", "valid_to", "verified_on")
LOCATION_FIELDS = ("kind", "municipality", "address", "active")
TARIFF_FIELDS = (
    "service_type",
    "location",
    "unit_price",
    "session_minutes",
    "remote_allowed",
    "valid_from",
    "valid_to",
)


def price_ceiling() -> Decimal:
    return Decimal(str(getattr(settings, "CATALOG_PRICE_CEILING", DEFAULT_PRICE_CEILING)))


# --- helpers ---------------------------------------------------------------------------------


def _check_choice(
    instance: models.Model, field: str, choices: type[models.TextChoices], errors: dict[str, Any]
) -> None:
    value = getattr(instance, field)
    if value not in choices.values:
        add_error(
            errors,
            field,
            _("Nezināma vērtība „%(value)s”; atļautās: %(allowed)s.")
            % {"value": value, "allowed": ", ".join(choices.values)},
        )


def _check_money(
    value: Any, field: str, errors: dict[str, list[str]], *, required: bool = False
) -> None:
    if value is None or value == "":
        if required:
            add_error(errors, field, _("Norādiet cenu."))
        return
    if not isinstance(value, Decimal) or not value.is_finite():
        add_error(errors, field, _("Cenai jābūt skaitlim, piem. 12,50."))
        return
    if value != value.quantize(CENT):
        add_error(errors, field, _("Cenai var būt ne vairāk kā divi cipari aiz komata."))
    elif value < 0:
        add_error(errors, field, _("Cena nevar būt negatīva."))
    elif value > price_ceiling():
        add_error(
            errors,
            field,
            _("Cena %(price)s ir lielāka par pieļaujamo %(ceiling)s — pārbaudiet to.")
            % {"price": format_money(value), "ceiling": format_money(price_ceiling())},
        )


def _check_minutes(value: Any, field: str, errors: dict[str, list[str]]) -> None:
    if value is not None and not (0 < value <= MAX_SESSION_MINUTES):
        add_error(
            errors,
            field,
            _("Ilgumam jābūt no 1 līdz %(max)s minūtēm.") % {"max": MAX_SESSION_MINUTES},
        )


def _check_period(
    valid_from: dt.date | None, valid_to: dt.date | None, errors: dict[str, list[str]]
) -> None:
    if valid_from is None:
        add_error(errors, "valid_from", _("Norādiet sākuma datumu."))
    elif valid_to is not None and valid_to < valid_from:
        add_error(errors, "valid_to", _("Beigu datums nevar būt pirms sākuma datuma."))


def _overlapping(qs: QuerySet[Any], valid_from: dt.date, valid_to: dt.date | None) -> QuerySet[Any]:
    """Rows of `qs` whose period shares at least one day with [valid_from, valid_to]."""
    qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    return qs.filter(valid_from__lte=valid_to) if valid_to is not None else qs


def _dmy(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "…"


def _close_open_predecessor(
    qs: QuerySet[Any], valid_from: dt.date, *, actor: Any, event: AuditEventType, **audit: Any
) -> None:
    """A new period from D ends the open-ended one that began before D on D−1 (dated, not
    overwritten); anything else that overlaps stays an error for the caller to report."""
    overlapping = list(_overlapping(qs, valid_from, None))
    if len(overlapping) != 1:
        return
    previous = overlapping[0]
    if previous.valid_to is not None or previous.valid_from >= valid_from:
        return
    before = snapshot(previous, ("valid_to",))
    previous.valid_to = valid_from - dt.timedelta(days=1)
    previous.save(update_fields=["valid_to", "updated_at"])
    audit_record(
        actor=actor,
        event_type=event,
        subject=previous,
        extra_data={"changes": diff(before, snapshot(previous, ("valid_to",)))},
        **audit,
    )


# --- service types -----------------------------------------------------------------------------


def _validate_service_type(service_type: ServiceType) -> None:
    errors: dict[str, list[str]] = {}
    if not service_type.code:
        service_type.code = slugify(service_type.name_en or service_type.name_lv)[:80]
    _check_choice(service_type, "category", ServiceCategory, errors)
    _check_choice(service_type, "unit", ServiceUnit, errors)
    _check_money(service_type.default_unit_price, "default_unit_price", errors)
    _check_money(service_type.di_unit_cost, "di_unit_cost", errors)
    _check_minutes(service_type.default_session_minutes, "default_session_minutes", errors)
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
def service_type_create(*, actor: Any, data: Mapping[str, Any]) -> ServiceType:
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
    *, actor: Any, service_type: ServiceType, data: Mapping[str, Any]
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
    *, actor: Any, service_type: ServiceType, retired_at: dt.date | None
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
def service_type_delete(*, actor: Any, service_type: ServiceType) -> None:
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


# --- municipal prices --------------------------------------------------------------------------


def _validate_price(price: MunicipalPrice) -> None:
    errors: dict[str, list[str]] = {}
    _check_money(price.unit_price, "unit_price", errors)
    _check_money(price.di_unit_cost, "di_unit_cost", errors)
    if price.unit_price is None and price.di_unit_cost is None:
        add_error(errors, "unit_price", _("Norādiet cenu vai DI vienības izmaksas."))
    _check_period(price.valid_from, price.valid_to, errors)
    add_model_field_errors(price, errors, exclude=["municipality"])
    raise_if_errors(errors)
    clash = (
        _overlapping(
            MunicipalPrice.objects.filter(
                municipality_id=price.municipality_id, service_type_id=price.service_type_id
            ),
            price.valid_from,
            price.valid_to,
        )
        .exclude(pk=price.pk)
        .first()
    )
    if clash is not None:
        raise PriceOverlap(
            _("Periods pārklājas ar cenu, kas spēkā %(start)s–%(end)s.")
            % {"start": _dmy(clash.valid_from), "end": _dmy(clash.valid_to)},
            field="valid_from",
        )


@transaction.atomic
def municipal_price_create(
    *, actor: Any, municipality: Municipality, data: Mapping[str, Any]
) -> MunicipalPrice:
    municipal_price_policy.require(actor, Action.CREATE, municipality)
    price = MunicipalPrice(municipality=municipality)
    assign_fields(price, data, PRICE_FIELDS)
    if price.service_type_id and price.valid_from:
        _close_open_predecessor(
            MunicipalPrice.objects.select_for_update().filter(
                municipality=municipality, service_type_id=price.service_type_id
            ),
            price.valid_from,
            actor=actor,
            event=AuditEventType.CATALOG_PRICE_CHANGED,
            municipality_id=municipality.pk,
        )
    _validate_price(price)
    price.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_PRICE_CREATED,
        subject=price,
        municipality_id=municipality.pk,
        extra_data={"values": snapshot(price, PRICE_FIELDS)},
    )
    return price


@transaction.atomic
def municipal_price_update(
    *, actor: Any, price: MunicipalPrice, data: Mapping[str, Any]
) -> MunicipalPrice:
    municipal_price_policy.require(actor, Action.CHANGE, price)
    price = MunicipalPrice.objects.select_for_update().get(pk=price.pk)
    before = snapshot(price, PRICE_FIELDS)
    assign_fields(price, data, PRICE_FIELDS)
    _validate_price(price)
    changes = diff(before, snapshot(price, PRICE_FIELDS))
    if changes:
        price.save()
        audit_record(
            actor=actor,
            event_type=AuditEventType.CATALOG_PRICE_CHANGED,
            subject=price,
            municipality_id=price.municipality_id,
            extra_data={"changes": changes},
        )
    return price


# --- providers ---------------------------------------------------------------------------------


def _validate_provider(provider: Provider) -> None:
    errors: dict[str, list[str]] = {}
    _check_choice(provider, "kind", ProviderKind, errors)
    if "kind" not in errors:
        try:
            provider.registration_number = normalise_registration_number(
                provider.kind, provider.registration_number
            )
        except InvalidRegistrationNumber as exc:
            add_error(errors, "registration_number", exc.message)
    if provider.iban:
        try:
            provider.iban = normalise_iban(provider.iban)
        except InvalidIban as exc:
            add_error(errors, "iban", exc.message)
    add_model_field_errors(provider, errors, exclude=["municipality"])
    if (
        "registration_number" not in errors
        and Provider.objects.filter(
            municipality_id=provider.municipality_id,
            registration_number=provider.registration_number,
        )
        .exclude(pk=provider.pk)
        .exists()
    ):
        add_error(
            errors,
            "registration_number",
            _("Sniedzējs ar šo reģistrācijas numuru pašvaldībā jau ir reģistrēts."),
        )
    raise_if_errors(errors)


def _provider_audit(provider: Provider) -> dict[str, Any]:
    return {"municipality_id": provider.municipality_id}


@transaction.atomic
def provider_create(*, actor: Any, municipality: Municipality, data: Mapping[str, Any]) -> Provider:
    provider_policy.require(actor, Action.CREATE, municipality)
    provider = Provider(municipality=municipality)
    assign_fields(provider, data, PROVIDER_FIELDS)
    _validate_provider(provider)
    provider.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_PROVIDER_CREATED,
        subject=provider,
        extra_data={"values": masked(snapshot(provider, PROVIDER_FIELDS))},
        **_provider_audit(provider),
    )
    return provider


@transaction.atomic
def provider_update(*, actor: Any, provider: Provider, data: Mapping[str, Any]) -> Provider:
    provider_policy.require(actor, Action.CHANGE, provider)
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    before = snapshot(provider, PROVIDER_FIELDS)
    assign_fields(provider, data, PROVIDER_FIELDS)
    _validate_provider(provider)
    changes = diff(before, snapshot(provider, PROVIDER_FIELDS))
    if changes:
        provider.save()
        if provider.kind == ProviderKind.NATURAL and "registration_number" in changes:
            changes["registration_number"] = {"before": "***", "after": "***"}
        audit_record(
            actor=actor,
            event_type=AuditEventType.CATALOG_PROVIDER_CHANGED,
            subject=provider,
            extra_data={"changes": changes},
            **_provider_audit(provider),
        )
    return provider


@transaction.atomic
def provider_member_add(*, actor: Any, provider: Provider, user: Any) -> ProviderMembership:
    """Link a provider-staff login to its organisation (one organisation per login)."""
    provider_policy.require(actor, Action.CHANGE, provider)
    if getattr(user, "role", None) != "provider":
        raise ValidationFailed(
            {
                "user": [
                    _("Piesaistīt var tikai lietotāju ar lomu „pakalpojumu sniedzēja darbinieks”.")
                ]
            }
        )
    if ProviderMembership.objects.filter(user=user).exists():
        raise ValidationFailed({"user": [_("Lietotājs jau ir piesaistīts kādam sniedzējam.")]})
    membership = ProviderMembership.objects.create(user=user, provider=provider)
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_MEMBER_ADDED,
        subject=membership,
        extra_data={"user": user.pk, "provider": provider.pk},
        **_provider_audit(provider),
    )
    return membership


@transaction.atomic
def provider_member_remove(*, actor: Any, membership: ProviderMembership) -> None:
    provider_policy.require(actor, Action.CHANGE, membership.provider)
    pk, provider = membership.pk, membership.provider
    extra = {"user": membership.user_id, "provider": provider.pk}
    membership.delete()
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_MEMBER_REMOVED,
        subject_type=ProviderMembership._meta.label_lower,
        subject_id=str(pk),
        extra_data=extra,
        **_provider_audit(provider),
    )


# --- registrations -----------------------------------------------------------------------------


def _validate_registration(
    registration: ProviderRegistration, service_types: list[ServiceType] | None
) -> None:
    errors: dict[str, list[str]] = {}
    _check_choice(registration, "register", RegisterKind, errors)
    _check_period(registration.valid_from, registration.valid_to, errors)
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


def _registration_values(registration: ProviderRegistration) -> dict[str, Any]:
    values = snapshot(registration, (*REGISTRATION_FIELDS, "verified_by"))
    values["service_types"] = sorted(registration.service_types.values_list("code", flat=True))
    return values


def _split_service_types(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any] | None]:
    data = dict(data)
    service_types = data.pop("service_types", None)
    return data, (list(service_types) if service_types is not None else None)


@transaction.atomic
def registration_create(
    *, actor: Any, provider: Provider, data: Mapping[str, Any]
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
        extra_data={"provider": provider.pk, "values": _registration_values(registration)},
        **_provider_audit(provider),
    )
    return registration


@transaction.atomic
def registration_update(
    *, actor: Any, registration: ProviderRegistration, data: Mapping[str, Any]
) -> ProviderRegistration:
    provider_policy.require(actor, Action.CHANGE, registration.provider)
    registration = ProviderRegistration.objects.select_for_update().get(pk=registration.pk)
    before = _registration_values(registration)
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
    changes = diff(before, _registration_values(registration))
    if changes:
        audit_record(
            actor=actor,
            event_type=AuditEventType.CATALOG_REGISTRATION_CHANGED,
            subject=registration,
            extra_data={"provider": registration.provider_id, "changes": changes},
            **_provider_audit(registration.provider),
        )
    return registration


# --- locations ---------------------------------------------------------------------------------


def _validate_location(location: ProviderLocation) -> None:
    errors: dict[str, list[str]] = {}
    _check_choice(location, "kind", LocationKind, errors)
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
def location_create(*, actor: Any, provider: Provider, data: Mapping[str, Any]) -> ProviderLocation:
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
        **_provider_audit(provider),
    )
    return location


@transaction.atomic
def location_update(
    *, actor: Any, location: ProviderLocation, data: Mapping[str, Any]
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
            **_provider_audit(location.provider),
        )
    return location


# --- tariffs -----------------------------------------------------------------------------------


def _same_line(tariff: Tariff) -> QuerySet[Tariff]:
    """Tariffs of the same provider, service and location (no location counts as one)."""
    return Tariff.objects.filter(
        provider_id=tariff.provider_id,
        service_type_id=tariff.service_type_id,
        location_id=tariff.location_id,
    ).exclude(pk=tariff.pk)


def _validate_tariff(tariff: Tariff) -> None:
    errors: dict[str, list[str]] = {}
    _check_money(tariff.unit_price, "unit_price", errors, required=True)
    _check_minutes(tariff.session_minutes, "session_minutes", errors)
    _check_period(tariff.valid_from, tariff.valid_to, errors)
    if tariff.location is not None and tariff.location.provider_id != tariff.provider_id:
        add_error(errors, "location", _("Vieta pieder citam sniedzējam."))
    # read afresh: the caller's copy may predate a retirement
    service_type = ServiceType.objects.filter(pk=tariff.service_type_id).first()
    if service_type is None:
        add_error(errors, "service_type", _("Norādiet pakalpojuma veidu."))
    else:
        if tariff.remote_allowed and not service_type.remote_allowed:
            add_error(
                errors,
                "remote_allowed",
                _("Pakalpojumu „%(service)s” katalogs neļauj sniegt attālināti.")
                % {"service": service_type.name_lv},
            )
        if tariff.valid_from and service_type.is_retired_on(tariff.valid_from):
            add_error(
                errors,
                "service_type",
                _("Pakalpojuma veids ir izņemts no lietošanas no %(day)s.")
                % {"day": _dmy(service_type.retired_at)},
            )
    add_model_field_errors(tariff, errors, exclude=["provider", "service_type", "location"])
    raise_if_errors(errors)
    clash = _overlapping(_same_line(tariff), tariff.valid_from, tariff.valid_to).first()
    if clash is not None:
        raise TariffOverlap(
            _("Periods pārklājas ar tarifu, kas spēkā %(start)s–%(end)s (%(price)s).")
            % {
                "start": _dmy(clash.valid_from),
                "end": _dmy(clash.valid_to),
                "price": format_money(clash.unit_price),
            },
            field="valid_from",
        )


@transaction.atomic
def tariff_create(*, actor: Any, provider: Provider, data: Mapping[str, Any]) -> Tariff:
    """A new price from a date. An open-ended tariff of the same line that began earlier is
    ended the day before; any other overlap is refused."""
    provider_policy.require(actor, Action.CHANGE, provider)
    tariff = Tariff(provider=provider)
    assign_fields(tariff, data, TARIFF_FIELDS)
    if tariff.service_type_id and tariff.valid_from:
        _close_open_predecessor(
            _same_line(tariff).select_for_update(),
            tariff.valid_from,
            actor=actor,
            event=AuditEventType.CATALOG_TARIFF_CHANGED,
            municipality_id=provider.municipality_id,
        )
    _validate_tariff(tariff)
    tariff.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_TARIFF_CREATED,
        subject=tariff,
        extra_data={"provider": provider.pk, "values": snapshot(tariff, TARIFF_FIELDS)},
        **_provider_audit(provider),
    )
    return tariff


@transaction.atomic
def tariff_update(*, actor: Any, tariff: Tariff, data: Mapping[str, Any]) -> Tariff:
    provider_policy.require(actor, Action.CHANGE, tariff.provider)
    tariff = Tariff.objects.select_for_update().get(pk=tariff.pk)
    before = snapshot(tariff, TARIFF_FIELDS)
    assign_fields(tariff, data, TARIFF_FIELDS)
    _validate_tariff(tariff)
    changes = diff(before, snapshot(tariff, TARIFF_FIELDS))
    if changes:
        tariff.save()
        audit_record(
            actor=actor,
            event_type=AuditEventType.CATALOG_TARIFF_CHANGED,
            subject=tariff,
            extra_data={"provider": tariff.provider_id, "changes": changes},
            **_provider_audit(tariff.provider),
        )
    return tariff


# --- choosing a provider for a service ---------------------------------------------------------


@dataclass(frozen=True)
class ProviderChoice:
    status: str
    override_reason: str = ""

    @property
    def overridden(self) -> bool:
        return bool(self.override_reason)


@transaction.atomic
def provider_choice_check(
    *,
    actor: Any,
    provider: Provider,
    service_type: ServiceType,
    day: dt.date,
    override_reason: str = "",
) -> ProviderChoice:
    """May `provider` be chosen for `service_type` on `day`? Plan lines call this.

    An inactive provider or a retired service type is refused outright. A provider whose
    registration for the service is lapsed or missing is refused with ProviderNotQualified
    unless the actor gives a reason; the override is then audited and returned.
    """
    if not provider_policy.can(actor, Action.VIEW, provider):
        raise NotPermitted()
    if not provider.active:
        raise ProviderInactive(
            _("Sniedzējs „%(name)s” nav aktīvs.") % {"name": provider.name}, field="provider"
        )
    if service_type.is_retired_on(day):
        raise ServiceTypeRetired(
            _("Pakalpojuma veids „%(service)s” ir izņemts no lietošanas no %(day)s.")
            % {"service": service_type.name_lv, "day": _dmy(service_type.retired_at)},
            field="service_type",
        )
    status = provider_registration_status(provider=provider, service_type=service_type, day=day)
    if status == RegistrationStatus.OK:
        return ProviderChoice(status=status)
    reason = (override_reason or "").strip()
    if not reason:
        message = (
            _(
                "Sniedzēja „%(name)s” reģistrācijas termiņš pakalpojumam „%(service)s” %(day)s "
                "ir beidzies. Izvēlieties citu sniedzēju vai norādiet izņēmuma pamatojumu."
            )
            if status == RegistrationStatus.LAPSED
            else _(
                "Sniedzējs „%(name)s” nav reģistrēts pakalpojumam „%(service)s” %(day)s. "
                "Izvēlieties citu sniedzēju vai norādiet izņēmuma pamatojumu."
            )
        )
        raise ProviderNotQualified(
            message % {"name": provider.name, "service": service_type.name_lv, "day": _dmy(day)},
            field="override_reason",
        )
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_REGISTRATION_OVERRIDDEN,
        subject=provider,
        extra_data={
            "service_type": service_type.pk,
            "day": day.isoformat(),
            "status": status,
            "reason": reason,
        },
        **_provider_audit(provider),
    )
    return ProviderChoice(status=status, override_reason=reason)
