"""LKS-92 (EPSG:3059: transverse Mercator on GRS80, central meridian 24° E, scale 0.9996,
false easting 500 000 m, false northing −6 000 000 m) to WGS84 degrees and back. The two
datums differ by centimetres, so GRS80 latitude and longitude are taken as WGS84.

Latvian usage, which the State Address Register follows: X is the northing, Y the easting.
The series are Snyder's ("Map Projections — A Working Manual", 1987, pp. 61–64): well under a
millimetre within Latvia. Floats hold geometry only, never money.
"""

from __future__ import annotations

import math

A = 6378137.0  # GRS80 semi-major axis
F = 1 / 298.257222101
E2 = F * (2 - F)
EP2 = E2 / (1 - E2)
K0 = 0.9996
LON0 = math.radians(24.0)
FALSE_EASTING = 500000.0
FALSE_NORTHING = -6000000.0


def _meridian_arc(phi: float) -> float:
    e4, e6 = E2 * E2, E2 * E2 * E2
    return A * (
        (1 - E2 / 4 - 3 * e4 / 64 - 5 * e6 / 256) * phi
        - (3 * E2 / 8 + 3 * e4 / 32 + 45 * e6 / 1024) * math.sin(2 * phi)
        + (15 * e4 / 256 + 45 * e6 / 1024) * math.sin(4 * phi)
        - (35 * e6 / 3072) * math.sin(6 * phi)
    )


def to_lks92(latitude: float, longitude: float) -> tuple[float, float]:
    """(x northing, y easting) in metres of a WGS84 point."""
    phi, lam = math.radians(latitude), math.radians(longitude)
    n = A / math.sqrt(1 - E2 * math.sin(phi) ** 2)
    t = math.tan(phi) ** 2
    c = EP2 * math.cos(phi) ** 2
    a = (lam - LON0) * math.cos(phi)
    m = _meridian_arc(phi)
    easting = (
        K0
        * n
        * (a + (1 - t + c) * a**3 / 6 + (5 - 18 * t + t * t + 72 * c - 58 * EP2) * a**5 / 120)
    )
    northing = K0 * (
        m
        + n
        * math.tan(phi)
        * (
            a * a / 2
            + (5 - t + 9 * c + 4 * c * c) * a**4 / 24
            + (61 - 58 * t + t * t + 600 * c - 330 * EP2) * a**6 / 720
        )
    )
    return northing + FALSE_NORTHING, easting + FALSE_EASTING


def to_wgs84(x: float, y: float) -> tuple[float, float]:
    """(latitude, longitude) in degrees of an LKS-92 point (x northing, y easting)."""
    m = (x - FALSE_NORTHING) / K0
    mu = m / (A * (1 - E2 / 4 - 3 * E2**2 / 64 - 5 * E2**3 / 256))
    e1 = (1 - math.sqrt(1 - E2)) / (1 + math.sqrt(1 - E2))
    phi1 = (
        mu
        + (3 * e1 / 2 - 27 * e1**3 / 32) * math.sin(2 * mu)
        + (21 * e1**2 / 16 - 55 * e1**4 / 32) * math.sin(4 * mu)
        + (151 * e1**3 / 96) * math.sin(6 * mu)
        + (1097 * e1**4 / 512) * math.sin(8 * mu)
    )
    n1 = A / math.sqrt(1 - E2 * math.sin(phi1) ** 2)
    t1 = math.tan(phi1) ** 2
    c1 = EP2 * math.cos(phi1) ** 2
    r1 = A * (1 - E2) / (1 - E2 * math.sin(phi1) ** 2) ** 1.5
    d = (y - FALSE_EASTING) / (n1 * K0)
    phi = phi1 - (n1 * math.tan(phi1) / r1) * (
        d * d / 2
        - (5 + 3 * t1 + 10 * c1 - 4 * c1 * c1 - 9 * EP2) * d**4 / 24
        + (61 + 90 * t1 + 298 * c1 + 45 * t1 * t1 - 252 * EP2 - 3 * c1 * c1) * d**6 / 720
    )
    lam = LON0 + (
        d
        - (1 + 2 * t1 + c1) * d**3 / 6
        + (5 - 2 * c1 + 28 * t1 - 3 * c1 * c1 + 8 * EP2 + 24 * t1 * t1) * d**5 / 120
    ) / math.cos(phi1)
    return math.degrees(phi), math.degrees(lam)
