"""Writes to a municipality's prices for the catalogue's services."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_record, diff, snapshot
from atbalsts.core.dates import dmy
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    add_model_field_errors,
    assign_fields,
    raise_if_errors,
)
from atbalsts.people.models import Municipality

from ..errors import PriceOverlap
from ..models import MunicipalPrice
from ..policies import municipal_price_policy
from .rules import (
    OPEN_END,
    PRICE_FIELDS,
    check_money,
    check_period,
    close_open_predecessor,
    overlapping,
)


def _validate_price(price: MunicipalPrice) -> None:
    errors: dict[str, list[str]] = {}
    check_money(price.unit_price, "unit_price", errors)
    check_money(price.di_unit_cost, "di_unit_cost", errors)
    if price.unit_price is None and price.di_unit_cost is None:
        add_error(errors, "unit_price", _("Norādiet cenu vai DI vienības izmaksas."))
    check_period(price.valid_from, price.valid_to, errors)
    add_model_field_errors(price, errors, exclude=["municipality"])
    raise_if_errors(errors)
    clash = (
        overlapping(
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
            % {"start": dmy(clash.valid_from), "end": dmy(clash.valid_to) or OPEN_END},
            field="valid_from",
        )


@transaction.atomic
def municipal_price_create(
    *, actor: Actor, municipality: Municipality, data: Mapping[str, object]
) -> MunicipalPrice:
    municipal_price_policy.require(actor, Action.CREATE, municipality)
    price = MunicipalPrice(municipality=municipality)
    assign_fields(price, data, PRICE_FIELDS)
    if price.service_type_id and price.valid_from:
        close_open_predecessor(
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
    *, actor: Actor, price: MunicipalPrice, data: Mapping[str, object]
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
