"""Provider contracts (līgumi): a municipality's contract with a provider, its number and
period, and the services it covers at their prices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    date_field,
    decimal_field,
    id_or_none,
    raise_if_errors,
    refuse_unknown,
    text_field,
)
from atbalsts.people.models import Municipality

from ..models import ContractService, Provider, ProviderContract, ServiceType
from ..policies import provider_quality_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

CONTRACT_FIELDS = ("number", "signed_on", "valid_from", "valid_to", "note", "services")
MAX_CONTRACT_PRICE = Decimal("100000.00")


def _services(value: object, errors: dict[str, list[str]]) -> list[tuple[ServiceType, Decimal]]:
    """The contract's services: a list of {"service_type": id, "unit_price": price}."""
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        add_error(errors, "services", _("Norādiet vismaz vienu pakalpojumu ar cenu."))
        return []
    found: list[tuple[ServiceType, Decimal]] = []
    seen: set[int] = set()
    for n, item in enumerate(value, start=1):
        if not isinstance(item, Mapping):
            add_error(errors, "services", _("%(n)s. pakalpojums: nav norādīts.") % {"n": n})
            continue
        raw = item.get("service_type")
        service_id = id_or_none(raw)
        service = ServiceType.objects.filter(pk=service_id).first() if service_id else None
        price = decimal_field(
            item.get("unit_price"), "services", errors, high=MAX_CONTRACT_PRICE, required=True
        )
        if service is None:
            add_error(errors, "services", _("%(n)s. pakalpojums: tāda katalogā nav.") % {"n": n})
        elif service.pk in seen:
            add_error(
                errors,
                "services",
                _("Pakalpojums „%(service)s” norādīts divreiz.") % {"service": service.name_lv},
            )
        elif price is not None:
            seen.add(service.pk)
            found.append((service, price))
    return found


@transaction.atomic
def contract_create(
    *,
    actor: Actor,
    municipality: Municipality,
    provider: Provider,
    data: Mapping[str, object],
) -> ProviderContract:
    """Register the municipality's contract with a provider (the head, or an administrator)."""
    refuse_unknown(data, CONTRACT_FIELDS)
    if not provider_quality_policy.can(actor, Action.CREATE, municipality):
        raise NotPermitted()
    errors: dict[str, list[str]] = {}
    number = text_field(data.get("number"), "number", errors, limit=60, required=True)
    signed_on = date_field(data.get("signed_on"), "signed_on", errors, required=False)
    valid_from = date_field(data.get("valid_from"), "valid_from", errors)
    valid_to = date_field(data.get("valid_to"), "valid_to", errors, required=False)
    note = text_field(data.get("note"), "note", errors, limit=500)
    services = _services(data.get("services"), errors)
    if valid_from and valid_to and valid_to < valid_from:
        add_error(errors, "valid_to", _("Beigu datums nevar būt pirms sākuma datuma."))
    if (
        number
        and ProviderContract.objects.filter(municipality=municipality, number=number).exists()
    ):
        add_error(errors, "number", _("Līgums ar šādu numuru pašvaldībā jau ir reģistrēts."))
    raise_if_errors(errors)
    if valid_from is None:  # pragma: no cover - reported above
        raise ValidationFailed({"valid_from": [_("Obligāts lauks.")]})
    contract = ProviderContract.objects.create(
        municipality=municipality,
        provider=provider,
        number=number,
        signed_on=signed_on,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note,
        created_by=actor,
    )
    ContractService.objects.bulk_create(
        ContractService(contract=contract, service_type=service, unit_price=price)
        for service, price in services
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_CONTRACT_CREATED,
        subject=contract,
        municipality_id=municipality.pk,
        extra_data={
            "provider": provider.pk,
            "number": number,
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else None,
            "services": {str(s.pk): str(p) for s, p in services},
        },
    )
    return contract
