"""Reads of the registers app: providers near a person's home for a service, the transport
there and back, and the imports with their reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from atbalsts.catalog.errors import TariffNotValidOnDate
from atbalsts.catalog.geography import KM_STEP, Point, km_between, point_of
from atbalsts.catalog.models import (
    LocationKind,
    Provider,
    ProviderLocation,
    ProviderRegistration,
    ServiceType,
    Tariff,
)
from atbalsts.catalog.policies import provider_policy
from atbalsts.catalog.selectors import price_on, transport_service_type
from atbalsts.core.collation import latvian_key
from atbalsts.core.money import round_money

from .models import LocationPlace, RegisterImport
from .policies import register_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer
    from atbalsts.people.models import Client

NEAR_LIMIT = 8


@dataclass(frozen=True)
class NearProvider:
    provider: Provider
    at_home: bool  # the provider comes to the person's home in their municipality
    km: Decimal | None  # one way, from home to the nearest premises (None: at home only)
    place: str  # the premises' address, or "" at home
    geocoded: bool  # both ends from the address register (else a municipality centre)
    registered: bool  # a registration covering the service is valid on the day


def client_home(client: Client) -> Point | None:
    """The person's home: the address register's point, else the municipality's centre."""
    return point_of(client.address_point, client.municipality)


def providers_near(
    *,
    user: Viewer,
    client: Client,
    service_type: ServiceType,
    day: dt.date,
    limit: int = NEAR_LIMIT,
) -> list[NearProvider]:
    """Active providers the user may see that offer the service (a tariff or a registration
    for it): those who come to the person's home first, then by distance from the home to
    their nearest premises. Remote-only providers are not listed."""
    home = client_home(client)
    covering = ProviderRegistration.objects.filter(
        provider=OuterRef("pk"), service_types=service_type
    )
    valid = covering.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    offers = provider_policy.visible(user, Provider.objects.filter(active=True)).filter(
        Exists(Tariff.objects.filter(provider=OuterRef("pk"), service_type=service_type))
        | Exists(covering)
    )
    offers = offers.annotate(registered=Exists(valid))
    providers = {p.pk: p for p in offers}
    locations = (
        ProviderLocation.objects.filter(provider_id__in=providers, active=True)
        .exclude(kind=LocationKind.REMOTE)
        .select_related("municipality")
    )
    places = {
        lp.location_id: lp.address
        for lp in LocationPlace.objects.filter(location__in=locations).select_related("address")
    }
    best: dict[int, NearProvider] = {}
    for location in locations:
        provider = providers[location.provider_id]
        registered = bool(getattr(provider, "registered", False)) or not (
            service_type.registration_required
        )
        if location.kind == LocationKind.CLIENT_HOME:
            if location.municipality_id != client.municipality_id:
                continue
            option = NearProvider(provider, True, None, "", True, registered)
        else:
            there = point_of(places.get(location.pk), location.municipality)
            if home is None or there is None:
                continue
            option = NearProvider(
                provider,
                False,
                km_between(home, there),
                str(places[location.pk]) if location.pk in places else location.address,
                home.geocoded and there.geocoded,
                registered,
            )
        known = best.get(provider.pk)
        if known is None or _order(option) < _order(known):
            best[provider.pk] = option
    found = sorted(best.values(), key=_order)
    return found[:limit]


def _order(option: NearProvider) -> tuple[bool, bool, Decimal, tuple[object, ...]]:
    return (
        not option.at_home,
        not option.registered,
        option.km if option.km is not None else Decimal(0),
        latvian_key(option.provider.name),
    )


@dataclass(frozen=True)
class Transport:
    service_type: ServiceType
    km_round_trip: Decimal
    trips: Decimal  # a month, one for each session of the line
    km_month: Decimal
    unit_price: Decimal  # the municipality's rate per km on the day
    amount: Decimal  # a month


def transport_to(
    *, client: Client, provider: Provider, trips: Decimal, day: dt.date
) -> Transport | None:
    """The round trip from the person's home to the provider's nearest premises, `trips`
    times a month, at the municipality's rate per km on `day` (catalog.price_on without a
    provider: the municipality's price, else the catalogue's). None when the provider comes
    home, has no premises, or the catalogue has no per-km transport."""
    service_type = transport_service_type()
    home = client_home(client)
    if service_type is None or home is None:
        return None
    premises = ProviderLocation.objects.filter(
        provider=provider, active=True, kind=LocationKind.PREMISES
    ).select_related("municipality")
    if ProviderLocation.objects.filter(
        provider=provider,
        active=True,
        kind=LocationKind.CLIENT_HOME,
        municipality_id=client.municipality_id,
    ).exists():
        return None
    places = {
        lp.location_id: lp.address
        for lp in LocationPlace.objects.filter(location__in=premises).select_related("address")
    }
    distances = [
        km_between(home, there)
        for location in premises
        if (there := point_of(places.get(location.pk), location.municipality)) is not None
    ]
    if not distances:
        return None
    try:
        price = price_on(
            provider=None, service_type=service_type, day=day, municipality=client.municipality
        )
    except TariffNotValidOnDate:
        return None
    round_trip = min(distances) * 2
    km_month = (round_trip * trips).quantize(KM_STEP, rounding=ROUND_HALF_UP)
    return Transport(
        service_type=service_type,
        km_round_trip=round_trip,
        trips=trips,
        km_month=km_month,
        unit_price=price.unit_price,
        amount=round_money(km_month * price.unit_price),
    )


def transport_providers(*, user: Viewer, service_type: ServiceType) -> QuerySet[Provider]:
    """Active providers the user may see with a tariff for the transport service."""
    return provider_policy.visible(user, Provider.objects.filter(active=True)).filter(
        Exists(Tariff.objects.filter(provider=OuterRef("pk"), service_type=service_type))
    )


def import_list(*, user: Viewer) -> QuerySet[RegisterImport]:
    return register_policy.visible(user, RegisterImport.objects.select_related("imported_by"))


def import_get(*, user: Viewer, pk: object) -> RegisterImport:
    return register_policy.get_visible(
        user, RegisterImport.objects.select_related("imported_by"), pk=pk
    )
