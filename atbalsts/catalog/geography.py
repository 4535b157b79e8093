"""Distances between municipality centres. Floats hold geometry only, never money."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

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
