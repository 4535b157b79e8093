"""Distances: between municipality centres, and between points of the State Address Register
(a person's home, a provider's premises). Straight lines on the WGS84 sphere (the register's
LKS-92 metres are converted to degrees on import, `addresses.lks92`). Floats hold geometry
only, never money."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from atbalsts.addresses.models import Address
from atbalsts.people.models import Municipality

EARTH_RADIUS_KM = 6371.0088
KM_STEP = Decimal("0.1")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_km(a: Municipality, b: Municipality) -> Decimal:
    """Straight-line distance between two municipality centres, to 0.1 km."""
    km = haversine_km(float(a.latitude), float(a.longitude), float(b.latitude), float(b.longitude))
    return Decimal(repr(km)).quantize(KM_STEP, rounding=ROUND_HALF_UP)


def distances_from(origin: Municipality) -> dict[int, Decimal]:
    """Distance from `origin` to every municipality centre, by municipality id."""
    return {m.pk: distance_km(origin, m) for m in Municipality.objects.all()}


# --- points: a person's home and a provider's premises -----------------------------------------


@dataclass(frozen=True)
class Point:
    """Where something is, in WGS84 degrees. `geocoded` False: the address was not found in
    the address register, and its municipality's centre stands in for it."""

    latitude: float
    longitude: float
    geocoded: bool


def point_of(address: Address | None, municipality: Municipality | None) -> Point | None:
    """The address register's point, else the municipality's centre (not geocoded)."""
    if address is not None and address.latitude is not None and address.longitude is not None:
        return Point(float(address.latitude), float(address.longitude), True)
    if municipality is not None:
        return Point(float(municipality.latitude), float(municipality.longitude), False)
    return None


def km_between(a: Point, b: Point) -> Decimal:
    """The straight-line (great-circle) distance between two points, to 0.1 km."""
    km = haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)
    return Decimal(repr(km)).quantize(KM_STEP, rounding=ROUND_HALF_UP)
