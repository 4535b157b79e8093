"""Writes to a provider's tariffs: its price for a service (at a place) over a period."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_record, diff, snapshot
from atbalsts.core.dates import dmy
from atbalsts.core.money import format_money
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    add_model_field_errors,
    assign_fields,
    raise_if_errors,
)

from ..errors import TariffOverlap
from ..models import Provider, ServiceType, Tariff
from ..policies import provider_policy
from .rules import (
    OPEN_END,
    TARIFF_FIELDS,
    check_minutes,
    check_money,
    check_period,
    close_open_predecessor,
    overlapping,
    provider_audit,
)


def _same_line(tariff: Tariff) -> QuerySet[Tariff]:
    """Tariffs of the same provider, service and location (no location counts as one)."""
    return Tariff.objects.filter(
        provider_id=tariff.provider_id,
        service_type_id=tariff.service_type_id,
        location_id=tariff.location_id,
    ).exclude(pk=tariff.pk)


def _validate_tariff(tariff: Tariff) -> None:
    errors: dict[str, list[str]] = {}
    check_money(tariff.unit_price, "unit_price", errors, required=True)
    check_minutes(tariff.session_minutes, "session_minutes", errors)
    check_period(tariff.valid_from, tariff.valid_to, errors)
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
                % {"day": dmy(service_type.retired_at)},
            )
    add_model_field_errors(tariff, errors, exclude=["provider", "service_type", "location"])
    raise_if_errors(errors)
    clash = overlapping(_same_line(tariff), tariff.valid_from, tariff.valid_to).first()
    if clash is not None:
        raise TariffOverlap(
            _("Periods pārklājas ar tarifu, kas spēkā %(start)s–%(end)s (%(price)s).")
            % {
                "start": dmy(clash.valid_from),
                "end": dmy(clash.valid_to) or OPEN_END,
                "price": format_money(clash.unit_price),
            },
            field="valid_from",
        )


@transaction.atomic
def tariff_create(*, actor: Actor, provider: Provider, data: Mapping[str, object]) -> Tariff:
    """A new price from a date. An open-ended tariff of the same line that began earlier is
    ended the day before; any other overlap is refused."""
    provider_policy.require(actor, Action.CHANGE, provider)
    tariff = Tariff(provider=provider)
    assign_fields(tariff, data, TARIFF_FIELDS)
    if tariff.service_type_id and tariff.valid_from:
        close_open_predecessor(
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
        **provider_audit(provider),
    )
    return tariff


@transaction.atomic
def tariff_update(*, actor: Actor, tariff: Tariff, data: Mapping[str, object]) -> Tariff:
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
            **provider_audit(tariff.provider),
        )
    return tariff
