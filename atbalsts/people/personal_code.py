"""Latvian personal codes (personas kods): the old DDMMYY-CNNNN form and the new 32xxxx-xxxxx.

The old form holds the date of birth (C is the century: 0 → 1800s, 1 → 1900s, 2 → 2000s) and a
check digit; the new form, issued since 2017, holds neither and is checked for its shape only.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from atbalsts.core.errors import DomainError

_WEIGHTS = (1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_SHAPE = re.compile(r"^(\d{6})-?(\d{5})$")
_CENTURIES = {"0": 1800, "1": 1900, "2": 2000}


class InvalidPersonalCode(DomainError):
    code = "invalid_personal_code"
    default_message = _("Personas kods nav derīgs.")


@dataclass(frozen=True)
class PersonalCode:
    """A valid personal code in its normal form `DDMMYY-NNNNN`."""

    value: str
    date_of_birth: dt.date | None

    @property
    def is_new_form(self) -> bool:
        return self.date_of_birth is None

    def __str__(self) -> str:
        return self.value


def check_digit(first_ten: str) -> int | None:
    """The old form's check digit for its first ten digits; None if no digit can satisfy it."""
    total = sum(int(d) * w for d, w in zip(first_ten, _WEIGHTS, strict=True))
    digit = (1101 - total) % 11
    return None if digit == 10 else digit


def parse_personal_code(raw: str) -> PersonalCode:
    """Validate and normalise a personal code, or raise InvalidPersonalCode saying why."""
    text = (raw or "").strip().replace(" ", "")
    match = _SHAPE.match(text)
    if not match:
        raise InvalidPersonalCode(
            _("Personas kodam jābūt formā DDMMGG-NNNNN (11 cipari, domuzīme pēc sestā)."),
            field="personal_code",
        )
    head, tail = match.groups()
    value = f"{head}-{tail}"
    if head.startswith("32"):
        return PersonalCode(value=value, date_of_birth=None)
    century = _CENTURIES.get(tail[0])
    if century is None:
        raise InvalidPersonalCode(
            _("Personas koda septītajam ciparam (gadsimtam) jābūt 0, 1 vai 2."),
            field="personal_code",
        )
    try:
        born = dt.date(century + int(head[4:6]), int(head[2:4]), int(head[0:2]))
    except ValueError:
        raise InvalidPersonalCode(
            _("Personas koda pirmie seši cipari nav derīgs datums (DDMMGG)."),
            field="personal_code",
        ) from None
    if check_digit(head + tail[:4]) != int(tail[4]):
        raise InvalidPersonalCode(
            _("Personas koda kontrolcipars nesakrīt — pārbaudiet, vai kods ievadīts pareizi."),
            field="personal_code",
        )
    return PersonalCode(value=value, date_of_birth=born)


def make_old_form(born: dt.date, serial: int) -> str:
    """An old-form code with a correct check digit for `born` and a four-digit serial
    (the serial's first digit is overwritten by the century). Used by demo data and tests."""
    century_digit = {1800: "0", 1900: "1", 2000: "2"}[born.year // 100 * 100]
    head = born.strftime("%d%m%y")
    for offset in range(1000):
        tail = century_digit + f"{(serial + offset) % 1000:03d}"
        digit = check_digit(head + tail)
        if digit is not None:
            return f"{head}-{tail}{digit}"
    raise ValueError(born)  # pragma: no cover - some serial always yields a digit
