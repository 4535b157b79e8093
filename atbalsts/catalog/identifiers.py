"""Checks for a provider's bank account (IBAN) and registration number, through python-stdnum
(the IBAN's mod-97 and each country's length; a Latvian company number's check digit)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.lv import pvn

from atbalsts.core.errors import DomainError
from atbalsts.people.personal_code import InvalidPersonalCode, parse_personal_code

from .models import ProviderKind

_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_COMPANY_NUMBER = re.compile(r"^\d{11}$")


class InvalidIban(DomainError):
    code = "invalid_iban"
    default_message = _("Konta numurs (IBAN) nav derīgs.")


class InvalidRegistrationNumber(DomainError):
    code = "invalid_registration_number"
    default_message = _("Reģistrācijas numurs nav derīgs.")


def normalise_iban(raw: str) -> str:
    """Validate an IBAN (shape, the country's length, mod-97) and return it without spaces."""
    iban = re.sub(r"\s+", "", raw or "").upper()
    if not _IBAN_SHAPE.match(iban):
        raise InvalidIban(
            _("Konta numuram jāsākas ar valsts kodu un diviem kontrolcipariem, piem. LV80BANK…"),
            field="iban",
        )
    expected = _iban_length(iban[:2])
    if expected is not None and len(iban) != expected:
        raise InvalidIban(
            _("%(country)s konta numurā jābūt %(n)s zīmēm, nevis %(got)s.")
            % {"country": iban[:2], "n": expected, "got": len(iban)},
            field="iban",
        )
    try:
        return str(stdnum_iban.validate(iban))
    except InvalidChecksum:
        raise InvalidIban(
            _("Konta numura kontrolcipari nesakrīt — pārbaudiet, vai tas ievadīts pareizi."),
            field="iban",
        ) from None
    except ValidationError:
        raise InvalidIban(
            _("Konta numura valsts kods vai bankas daļa nav derīga."), field="iban"
        ) from None


def _iban_length(country: str) -> int | None:
    """The length of the country's IBANs as python-stdnum's registry knows it."""
    # the registry python-stdnum checks against: 'LV' is [('LV', {'bban': '4!a13!c'})]
    for _code, props in stdnum_iban._ibandb.info(country):
        if "bban" in props:
            return 4 + sum(int(n) for n in re.findall(r"(\d+)!?[ancie]", props["bban"]))
    return None


def iban_with_check_digits(country_and_bban: str) -> str:
    """Complete 'LV' + BBAN into a valid IBAN (used by tests and demo data)."""
    country, bban = country_and_bban[:2].upper(), country_and_bban[2:].upper()
    return f"{country}{stdnum_iban.calc_check_digits(country + '00' + bban)}{bban}"


def company_number_valid(number: str) -> bool:
    """Is this an 11-digit Latvian legal entity's number with a correct check digit?"""
    return bool(_COMPANY_NUMBER.match(number)) and number[0] > "3" and pvn.is_valid(number)


def normalise_registration_number(kind: str, raw: str) -> str:
    """A company's 11-digit number (its check digit checked), or a natural person's personal
    code (normalised)."""
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
    if not company_number_valid(text):
        raise InvalidRegistrationNumber(
            _("Reģistrācijas numura kontrolcipars nesakrīt — pārbaudiet to Uzņēmumu reģistrā."),
            field="registration_number",
        )
    return text
