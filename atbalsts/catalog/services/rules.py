"""The rules the catalogue's writes share: prices, durations, periods that may not overlap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_record, diff, snapshot
from atbalsts.core.money import CENT, format_money
from atbalsts.core.validation import add_error

from ..models import Provider

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


# A period still open at its end, in a message: 01.01.2026–….
OPEN_END = "…"


def check_choice(
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


def check_money(
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


def check_minutes(value: Any, field: str, errors: dict[str, list[str]]) -> None:
    if value is not None and not (0 < value <= MAX_SESSION_MINUTES):
        add_error(
            errors,
            field,
            _("Ilgumam jābūt no 1 līdz %(max)s minūtēm.") % {"max": MAX_SESSION_MINUTES},
        )


def check_period(
    valid_from: dt.date | None, valid_to: dt.date | None, errors: dict[str, list[str]]
) -> None:
    if valid_from is None:
        add_error(errors, "valid_from", _("Norādiet sākuma datumu."))
    elif valid_to is not None and valid_to < valid_from:
        add_error(errors, "valid_to", _("Beigu datums nevar būt pirms sākuma datuma."))


def overlapping(qs: QuerySet[Any], valid_from: dt.date, valid_to: dt.date | None) -> QuerySet[Any]:
    """Rows of `qs` whose period shares at least one day with [valid_from, valid_to]."""
    qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    return qs.filter(valid_from__lte=valid_to) if valid_to is not None else qs


def close_open_predecessor(
    qs: QuerySet[Any], valid_from: dt.date, *, actor: Actor, event: AuditEventType, **audit: Any
) -> None:
    """A new period from D ends the open-ended one that began before D on D−1 (dated, not
    overwritten); anything else that overlaps stays an error for the caller to report."""
    clashes = list(overlapping(qs, valid_from, None))
    if len(clashes) != 1:
        return
    previous = clashes[0]
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


def provider_audit(provider: Provider) -> dict[str, Any]:
    """The audit fields every register change carries: the provider's municipality."""
    return {"municipality_id": provider.municipality_id}
