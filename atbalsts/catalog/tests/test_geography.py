"""Distances between municipality centres and the transport estimate."""

import datetime as dt
from decimal import Decimal

import pytest

from atbalsts.catalog.errors import TariffNotValidOnDate
from atbalsts.catalog.geography import distance_km, haversine_km
from atbalsts.catalog.selectors import transport_cost_estimate
from atbalsts.people.models import Municipality

from .factories import make_municipal_price


def test_haversine_known_distance():
    # Rīga → Daugavpils is about 187 km in a straight line
    assert 180 < haversine_km(56.9496, 24.1052, 55.8747, 26.5362) < 195
    assert haversine_km(56.9, 24.1, 56.9, 24.1) == 0


def test_distance_is_symmetric_decimal_to_tenth(balvi, tukums):
    km = distance_km(balvi, tukums)
    assert isinstance(km, Decimal) and km == km.quantize(Decimal("0.1"))
    assert km == distance_km(tukums, balvi)
    assert km > Decimal("200")


def test_transport_estimate_is_km_times_price_rounded_once(balvi, tukums):
    riga = Municipality.objects.get(code="riga")
    km = distance_km(balvi, riga)
    estimate = transport_cost_estimate(origin=balvi, destination=riga, day=dt.date(2026, 3, 1))
    assert estimate.km == km * 2
    assert estimate.unit_price == Decimal("0.15")
    assert estimate.amount == (km * 2 * Decimal("0.15")).quantize(Decimal("0.01"))
    one_way = transport_cost_estimate(
        origin=balvi, destination=riga, day=dt.date(2026, 3, 1), round_trip=False
    )
    assert one_way.km == km


def test_transport_estimate_uses_the_municipal_price(head, balvi):
    from atbalsts.catalog.selectors import transport_service_type

    km_service = transport_service_type()
    make_municipal_price(actor=head, municipality=balvi, service_type=km_service, unit_price="0.20")
    riga = Municipality.objects.get(code="riga")
    estimate = transport_cost_estimate(origin=balvi, destination=riga, day=dt.date(2026, 3, 1))
    assert estimate.unit_price == Decimal("0.20")
    assert estimate.price_source == "municipal_default"


def test_non_km_service_cannot_estimate(balvi, tukums):
    from atbalsts.catalog.models import ServiceType

    trip = ServiceType.objects.get(code="specialised-transport")
    with pytest.raises(TariffNotValidOnDate):
        transport_cost_estimate(
            origin=balvi, destination=tukums, day=dt.date(2026, 1, 1), service_type=trip
        )
