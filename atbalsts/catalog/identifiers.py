"""Checks for a provider's bank account (IBAN) and registration number."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from atbalsts.core.errors import DomainError
from atbalsts.people.personal_code import InvalidPersonalCode, parse_personal_code

from .models import ProviderKind

# Lengths of the IBANs of the countries a Latvian municipality realistically pays to.
IBAN_LENGTHS = {
    "LV": 21, "LT": 20, "EE": 20, "FI": 18, "SE": 24, "DE": 22, "PL": 28, "DK": 18, "NO": 15,
    "AT": 20, "BE": 16, "FR": 27, "IE": 22, "NL": 18, "GB": 22, "ES": 24, "IT": 27, "CZ": 24,
}  # fmt: skip
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_COMPANY_NUMBER = re.compile(r"^\d{11}$")


class InvalidIban(DomainError):
    code = "invalid_iban"
    default_message = _("Konta numurs (IBAN) nav derīgs.")


class InvalidRegistrationNumber(DomainError):
    code = "invalid_registration_number"
    default_message = _("Reģistrācijas numurs nav derīgs.")


def normalise_iban(raw: str) -> str:
    """Validate an IBAN (shape, country length, mod-97 check) and return it without spaces."""
    iban = re.sub(r"\s+", "", raw or "").upper()
    if not _IBAN_SHAPE.match(iban):
        raise InvalidIban(
            _("Konta numuram jāsākas ar valsts kodu un diviem kontrolcipariem, piem. LV80BANK…"),
            field="iban",
        )
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        raise InvalidIban(
            _("%(country)s konta numurā jābūt %(n)s zīmēm, nevis %(got)s.")
            % {"country": iban[:2], "n": expected, "got": len(iban)},
            field="iban",
        )
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    if int(digits) % 97 != 1:
        raise InvalidIban(
            _("Konta numura kontrolcipari nesakrīt — pārbaudiet, vai tas ievadīts pareizi."),
            field="iban",
        )
    return iban


def iban_with_check_digits(country_and_bban: str) -> str:
    """Complete 'LV' + BBAN into a valid IBAN (used by tests and demo data)."""
    country, bban = country_and_bban[:2].upper(), country_and_bban[2:].upper()
    digits = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def normalise_registration_number(kind: str, raw: str) -> str:
    """A company's 11-digit number, or a natural person's personal code (normalised)."""
    text = re.sub(r"\s+", "", raw or "")
    if kind == ProviderKind.NATURAL:
        try:
            return parse_personal_code(text).value
        except InvalidPersonalCode as exc:
            raise InvalidRegistrationNumber(exc.message, field="registration_number") from None
    if not _COMPANY_NUMBER.match(text):
        raise InvalidRegistrationNumber(
            _("Juridiskās personas reģistrācijas numuram jābūt 11 cipariem."),
            field="registration_number",
        )
    return text
