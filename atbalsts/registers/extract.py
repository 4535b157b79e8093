"""The state registers' open-data extracts, row by row, as register entries.

Each register publishes its own columns; the names read here are matched without case,
diacritics or spaces (`core.tabular.plain_header`), and the variants in each list are accepted.
docs/user-guide/registri.md lists them for users.

- Sociālo pakalpojumu sniedzēju reģistrs (Labklājības ministrija): „Reģistra numurs”,
  „Reģistrācijas numurs” (the provider's company number), „Sniedzēja nosaukums”,
  „Pakalpojums”, „Pakalpojuma sniegšanas adrese”, „Reģistrēts”, „Izslēgts”, „Statuss”.
- Ārstniecības personu reģistrs / ārstniecības iestāžu reģistrs (Veselības inspekcija):
  „Identifikators” (or „Iestādes kods”), „Reģistrācijas numurs”, „Vārds, uzvārds” (or
  „Nosaukums”), „Profesija”/„Specialitāte”, „Reģistrēts”, „Derīgs līdz” or „Izslēgts”,
  „Statuss”.
- Uzņēmumu reģistrs, `register.csv`: regcode, name, type_text, registered, terminated,
  closed, address (and the rest of its columns, not needed here).

An entry's key is the register's own number where the extract has one, else the company
number. `lapsed_on` is the first day the entry is no longer valid: the day of exclusion
(„Izslēgts”, terminated), or the day after „Derīgs līdz”.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from atbalsts.core.dates import parse_day
from atbalsts.core.extracts import RowError
from atbalsts.core.tabular import Row, Stream

from .models import EntryStatus

COLUMNS: dict[str, tuple[str, ...]] = {
    "number": (
        "registra_numurs", "registra_nr", "numurs_registra", "sniedzeja_registra_numurs",
        "identifikators", "arstniecibas_personas_identifikators", "arstniecibas_personas_kods",
        "iestades_kods",
    ),
    "regcode": (
        "regcode", "registracijas_numurs", "reg._nr.", "reg_nr", "registracijas_nr",
        "nodoklu_maksataja_registracijas_numurs", "nodoklu_maksataja_numurs",
    ),
    "name": (
        "name", "sniedzeja_nosaukums", "nosaukums", "iestades_nosaukums", "vards,_uzvards",
        "vards_uzvards",
    ),
    "status": ("statuss", "status"),
    "registered": (
        "registered", "registrets", "registreta", "registracijas_datums", "ieklauts_registra",
    ),
    "excluded": (
        "terminated", "izslegts", "izslegta", "izslegsanas_datums", "izslegts_no_registra",
    ),
    "valid_until": ("derigs_lidz", "registracija_derigs_lidz", "sertifikats_derigs_lidz"),
    "closed": ("closed",),
    "address": (
        "address", "adrese", "juridiska_adrese", "pakalpojuma_sniegsanas_adrese",
        "pakalpojuma_sniegsanas_vieta",
    ),
    "services": (
        "pakalpojums", "pakalpojumi", "pakalpojuma_veids", "specialitate", "profesija",
        "type_text",
    ),
}  # fmt: skip
LAPSED_WORDS = (
    "izslegts", "izslegta", "neaktivs", "neaktiva", "likvidets", "likvideta", "anulets",
    "apturets", "dzests", "slegts", "terminated", "closed", "excluded",
)  # fmt: skip
_FOLD = str.maketrans("āčēģīķļņšūž", "acegiklnsuz")
_REGCODE = re.compile(r"^\d{11}$")


@dataclass(slots=True)
class Entry:
    number: str
    regcode: str
    name: str
    status: str
    registered_on: dt.date | None
    lapsed_on: dt.date | None
    address: str
    services: list[str] = field(default_factory=list)

    def merge(self, other: Entry) -> None:
        """Several rows of one subject (a row per service or place): registered while any
        row is; its end the latest; every service once."""
        if other.status == EntryStatus.ACTIVE and (
            self.status != EntryStatus.ACTIVE or other.lapsed_on is None
        ):
            if self.status != EntryStatus.ACTIVE:
                self.lapsed_on = other.lapsed_on
            elif self.lapsed_on is not None:
                self.lapsed_on = None
            self.status = EntryStatus.ACTIVE
        elif self.status == other.status and self.lapsed_on and other.lapsed_on:
            self.lapsed_on = max(self.lapsed_on, other.lapsed_on)
        for service in other.services:
            if service not in self.services:
                self.services.append(service)


def missing_columns(found: Mapping[str, str]) -> list[str]:
    missing = []
    if "number" not in found and "regcode" not in found:
        missing.append(_("reģistra vai reģistrācijas numurs"))
    if "name" not in found:
        missing.append(_("nosaukums"))
    return missing


def folded(text: str) -> str:
    """Lower case, Latvian letters without diacritics, one space: for comparing names."""
    text = re.sub(r"[„”“\"'«»]", "", text.lower().translate(_FOLD))
    return " ".join(text.split())


def _day(value: Any, row: int, label: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return parse_day(text[:10])
    except ValueError:
        raise RowError(
            row, _("%(column)s: „%(value)s” nav datums") % {"column": label, "value": text}
        ) from None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's number for a code typed as digits
    return " ".join(str(value if value is not None else "").split())


def parse_row(row: Row, found: Mapping[str, str], today: dt.date) -> Entry:
    values = row.values

    def cell(name: str) -> Any:
        return values.get(found[name]) if name in found else None

    number = _text(cell("number")).upper().replace(" ", "")
    regcode = _text(cell("regcode")).replace(" ", "")
    if regcode and not _REGCODE.match(regcode):
        if not number:  # the register's own number written in the registration number column
            number, regcode = regcode.upper(), ""
        else:
            regcode = ""
    key = number or regcode
    if not key:
        raise RowError(row.number, _("nav ne reģistra, ne reģistrācijas numura"))
    name = _text(cell("name"))
    if not name:
        raise RowError(row.number, _("nav nosaukuma"))
    registered_on = _day(cell("registered"), row.number, _("reģistrēts"))
    lapsed_on = _day(cell("excluded"), row.number, _("izslēgts"))
    until = _day(cell("valid_until"), row.number, _("derīgs līdz"))
    if until is not None:
        after = until + dt.timedelta(days=1)
        lapsed_on = min(lapsed_on, after) if lapsed_on else after
    status_word = folded(_text(cell("status")))
    lapsed = (
        any(word in status_word for word in LAPSED_WORDS)
        or bool(_text(cell("closed")))
        or (lapsed_on is not None and lapsed_on <= today)
    )
    services = [s for s in (_text(cell("services")),) if s]
    return Entry(
        number=key[:40],
        regcode=regcode,
        name=name[:300],
        status=EntryStatus.LAPSED if lapsed else EntryStatus.ACTIVE,
        registered_on=registered_on,
        lapsed_on=lapsed_on,
        address=_text(cell("address"))[:300],
        services=services,
    )


def entries(stream: Stream, found: Mapping[str, str], today: dt.date) -> Iterator[Entry | RowError]:
    for row in stream.rows:
        try:
            yield parse_row(row, found, today)
        except RowError as exc:
            yield exc
