"""Export of the catalogue and the provider register as XLSX (a sheet per table) and CSV."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from atbalsts.core.actors import Actor, Viewer
from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.errors import NotPermitted
from atbalsts.core.policies import Action
from atbalsts.core.tabular import SheetOut, write_csv, write_xlsx

from ..models import (
    MunicipalPrice,
    Provider,
    ProviderLocation,
    ProviderRegistration,
    ServiceType,
    Tariff,
)
from ..policies import municipal_price_policy, provider_policy, service_type_policy
from .tables import DATASETS, TABLES


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _blank(value: Any) -> Any:
    """An empty cell for a value that is not set."""
    return "" if value is None else value


def _provider_key(provider: Provider) -> list[Any]:
    """The columns naming a provider in the other register tables."""
    return [provider.municipality.code, provider.registration_number]


def _rows(user: Viewer, table: str) -> Iterator[list[Any]]:
    """The rows of one table, in the order of its columns (TABLES[table])."""
    if table == "service_types":
        for st in service_type_policy.visible(user, ServiceType.objects.order_by("code")):
            yield [
                st.code, st.name_lv, st.name_en, st.category, st.unit, _yes(st.remote_allowed),
                ";".join(st.target_groups), _yes(st.ib_fundable), _yes(st.confidential),
                _yes(st.registration_required), _blank(st.default_session_minutes),
                _blank(st.default_unit_price), _blank(st.di_unit_cost), st.price_note,
                _blank(st.retired_at),
            ]  # fmt: skip
    elif table == "municipal_prices":
        prices = municipal_price_policy.visible(
            user, MunicipalPrice.objects.select_related("municipality", "service_type")
        ).order_by("municipality__code", "service_type__code", "valid_from")
        for p in prices:
            yield [
                p.municipality.code, p.service_type.code, _blank(p.unit_price),
                _blank(p.di_unit_cost), p.valid_from, _blank(p.valid_to),
            ]  # fmt: skip
    elif table == "providers":
        for pr in _writable_providers(user).select_related("seat_municipality"):
            yield [
                *_provider_key(pr), pr.kind, pr.name, pr.contact_person, pr.phone, pr.email,
                pr.address, pr.seat_municipality.code if pr.seat_municipality else "", pr.iban,
                _yes(pr.active), pr.notes,
            ]  # fmt: skip
    elif table == "registrations":
        regs = (
            ProviderRegistration.objects.filter(provider__in=_writable_providers(user))
            .select_related("provider__municipality")
            .prefetch_related("service_types")
            .order_by("provider__municipality__code", "provider__registration_number", "number")
        )
        for r in regs:
            codes = ";".join(sorted(st.code for st in r.service_types.all()))
            yield [
                *_provider_key(r.provider), r.register, r.number, codes, r.valid_from,
                _blank(r.valid_to), _blank(r.verified_on),
            ]  # fmt: skip
    elif table == "locations":
        for loc in _locations(user):
            yield [
                *_provider_key(loc.provider), loc.kind,
                loc.municipality.code if loc.municipality else "", loc.address, _yes(loc.active),
            ]  # fmt: skip
    elif table == "tariffs":
        tariffs = (
            Tariff.objects.filter(provider__in=_writable_providers(user))
            .select_related("provider__municipality", "service_type", "location__municipality")
            .order_by(
                "provider__municipality__code",
                "provider__registration_number",
                "service_type__code",
                "location_id",
                "valid_from",
            )
        )
        for t in tariffs:
            place = t.location
            yield [
                *_provider_key(t.provider), t.service_type.code, place.kind if place else "",
                place.municipality.code if place and place.municipality else "",
                place.address if place else "", t.unit_price, _blank(t.session_minutes),
                _yes(t.remote_allowed), t.valid_from, _blank(t.valid_to),
            ]  # fmt: skip


def _writable_providers(user: Viewer) -> QuerySet[Provider]:
    """The register is exported for those who keep it: a head, their municipality's part."""
    return provider_policy.changeable(
        user, Provider.objects.select_related("municipality")
    ).order_by("municipality__code", "registration_number")


def _locations(user: Viewer) -> QuerySet[ProviderLocation]:
    return (
        ProviderLocation.objects.filter(provider__in=_writable_providers(user))
        .select_related("provider__municipality", "municipality")
        .order_by("provider__municipality__code", "provider__registration_number", "kind", "id")
    )


def export_xlsx(*, actor: Actor, dataset: str) -> bytes:
    """The tables of a dataset as one workbook. A price is written as text ("12.50"), so
    that a spreadsheet shows it as the register holds it."""
    _require_exchange(actor)
    content = write_xlsx(
        SheetOut(
            table,
            TABLES[table],
            ([str(v) if isinstance(v, Decimal) else v for v in row] for row in _rows(actor, table)),
        )
        for table in DATASETS[dataset]
    )
    _audit_export(actor, dataset, "xlsx")
    return content


def export_csv(*, actor: Actor, table: str) -> bytes:
    """One table as CSV in UTF-8 with a BOM, so that Excel shows Latvian letters right."""
    _require_exchange(actor)
    content = write_csv(TABLES[table], _rows(actor, table))
    _audit_export(actor, table, "csv")
    return content


def _require_exchange(actor: Actor) -> None:
    """The same rule as the transfer page's: provider organisations take no catalogue files."""
    if not service_type_policy.may_exchange_files(actor):
        raise NotPermitted()


def _audit_export(actor: Actor, what: str, fmt: str) -> None:
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_EXPORTED,
        subject_type="catalog.export",
        municipality_id=actor.municipality_id,
        extra_data={"what": what, "format": fmt},
    )


def can_export_register(user: Viewer) -> bool:
    return provider_policy.can(user, Action.CREATE, getattr(user, "municipality", None))
