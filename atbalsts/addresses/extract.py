"""The State Address Register's open-data extract, row by row.

VZD publishes the address points as `AW_EKA.CSV` (buildings and land plots with an address):
';' between cells, '#' around text, a header row. The columns read here (any case, with or
without diacritics; the variants in brackets are accepted too):

- `KODS` (adr_cd, code, adreses_kods): the address's code, kept as the key of a re-import;
- `STD` (adrese, address, pilna_adrese): the full address as written;
- `STATUSS` (status): `EKS` exists; anything else (`DEL`, `ERR`) no longer offered;
- `KOORD_X`, `KOORD_Y` (x, y): LKS-92 metres, X the northing, Y the easting;
- `DD_N`, `DD_E` (lat, lon, latitude, longitude): WGS84 degrees where the file has them,
  otherwise converted from LKS-92 (`lks92.to_wgs84`);
- `DAT_MOD` (changed): when the register last changed the address.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from atbalsts.core.extracts import RowError
from atbalsts.core.tabular import Row, Stream

from .lks92 import to_wgs84

COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("kods", "adr_cd", "code", "adreses_kods"),
    "text": ("std", "adrese", "address", "pilna_adrese"),
    "status": ("statuss", "status"),
    "x": ("koord_x", "x"),
    "y": ("koord_y", "y"),
    "lat": ("dd_n", "lat", "latitude"),
    "lon": ("dd_e", "lon", "longitude"),
    "changed": ("dat_mod", "changed"),
}
REQUIRED = ("code", "text")
EXISTS = "EKS"
MICRO = Decimal("0.000001")
CENTI = Decimal("0.01")


@dataclass(frozen=True)
class AddressRow:
    code: int
    text: str
    active: bool
    lks_x: Decimal | None
    lks_y: Decimal | None
    latitude: Decimal | None
    longitude: Decimal | None
    changed_on: dt.date | None


def missing_columns(found: Mapping[str, str]) -> list[str]:
    return [COLUMNS[field][0].upper() for field in REQUIRED if field not in found]


def search_key(text: str) -> str:
    """Lower case without diacritics: „Bērzpils iela” is found by „berzpils”."""
    plain = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


def _decimal(value: Any) -> Decimal | None:
    text = str(value if value is not None else "").strip().replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()[:10]
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%Y.%m.%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            continue
    return None  # a date the register writes otherwise is not worth refusing the row for


def parse_row(row: Row, found: Mapping[str, str]) -> AddressRow:
    values = row.values

    def cell(field: str) -> Any:
        return values.get(found[field]) if field in found else None

    code_text = str(cell("code") or "").strip()
    if code_text.endswith(".0"):
        code_text = code_text[:-2]
    if not code_text.isdigit() or len(code_text) > 9:
        raise RowError(row.number, _("adreses kods „%(code)s” nav skaitlis") % {"code": code_text})
    text = " ".join(str(cell("text") or "").split())
    if not text:
        raise RowError(row.number, _("nav adreses teksta"))
    try:
        x, y = _decimal(cell("x")), _decimal(cell("y"))
        lat, lon = _decimal(cell("lat")), _decimal(cell("lon"))
    except ValueError as exc:
        raise RowError(
            row.number, _("koordināta „%(value)s” nav skaitlis") % {"value": exc.args[0]}
        ) from None
    if (lat is None or lon is None) and x is not None and y is not None:
        lat_f, lon_f = to_wgs84(float(x), float(y))
        lat, lon = Decimal(repr(lat_f)), Decimal(repr(lon_f))
    if lat is not None and lon is not None and not (55 <= lat <= 58.5 and 20.5 <= lon <= 28.5):
        raise RowError(row.number, _("koordinātas nav Latvijā"))
    status = str(cell("status") or EXISTS).strip().upper()
    return AddressRow(
        code=int(code_text),
        text=text[:300],
        active=status == EXISTS,
        lks_x=x.quantize(CENTI) if x is not None else None,
        lks_y=y.quantize(CENTI) if y is not None else None,
        latitude=lat.quantize(MICRO) if lat is not None else None,
        longitude=lon.quantize(MICRO) if lon is not None else None,
        changed_on=_date(cell("changed")),
    )


def address_rows(stream: Stream, found: Mapping[str, str]) -> Iterator[AddressRow | RowError]:
    """Each row parsed, or the error that names it (the caller decides how many to collect)."""
    for row in stream.rows:
        try:
            yield parse_row(row, found)
        except RowError as exc:
            yield exc
