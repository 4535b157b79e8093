"""IBAN (mod-97, LV length 21) and registration numbers (11 digits or a personal code)."""

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atbalsts.catalog.identifiers import (
    InvalidIban,
    InvalidRegistrationNumber,
    company_number_valid,
    iban_with_check_digits,
    normalise_iban,
    normalise_registration_number,
)
from atbalsts.catalog.tests.factories import company_number
from atbalsts.people.personal_code import make_old_form


def test_valid_latvian_iban_is_normalised():
    assert normalise_iban("lv80 bank 0000 4351 9500 1") == "LV80BANK0000435195001"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("LV80BANK000043519500", "LV konta numurā jābūt 21 zīmēm, nevis 20."),
        (
            "LV81BANK0000435195001",
            "Konta numura kontrolcipari nesakrīt — pārbaudiet, vai tas ievadīts pareizi.",
        ),
        (
            "80BANK0000435195001",
            "Konta numuram jāsākas ar valsts kodu un diviem kontrolcipariem, piem. LV80BANK…",
        ),
        ("", "Konta numuram jāsākas ar valsts kodu un diviem kontrolcipariem, piem. LV80BANK…"),
    ],
)
def test_invalid_iban(raw, message):
    with pytest.raises(InvalidIban) as caught:
        normalise_iban(raw)
    assert str(caught.value.message) == message
    assert caught.value.field == "iban"


@given(bban=st.from_regex(r"[A-Z]{4}[0-9]{13}", fullmatch=True))
def test_generated_ibans_pass_and_any_single_digit_change_fails(bban):
    iban = iban_with_check_digits("LV" + bban)
    assert normalise_iban(iban) == iban
    position = 10
    changed = iban[:position] + str((int(iban[position]) + 1) % 10) + iban[position + 1 :]
    with pytest.raises(InvalidIban):
        normalise_iban(changed)


@given(text=st.text(max_size=40))
def test_arbitrary_text_never_crashes(text):
    with contextlib.suppress(InvalidIban):
        normalise_iban(text)


def test_company_number():
    assert normalise_registration_number("legal", " 40008 012309 ") == "40008012309"
    with pytest.raises(InvalidRegistrationNumber) as caught:
        normalise_registration_number("legal", "4000801234")
    assert (
        str(caught.value.message) == "Juridiskās personas reģistrācijas numuram jābūt 11 cipariem."
    )


def test_natural_person_uses_personal_code():
    code = make_old_form(dt.date(1980, 5, 17), 123)
    assert normalise_registration_number("natural", code.replace("-", "")) == code
    with pytest.raises(InvalidRegistrationNumber) as caught:
        normalise_registration_number("natural", "40008012309")
    assert caught.value.field == "registration_number"


def test_company_number_check_digit_is_checked():
    with pytest.raises(InvalidRegistrationNumber) as caught:
        normalise_registration_number("legal", "40008012345")
    assert str(caught.value.message) == (
        "Reģistrācijas numura kontrolcipars nesakrīt — pārbaudiet to Uzņēmumu reģistrā."
    )
    assert company_number_valid("40003032949")  # the check digit python-stdnum computes
    assert not company_number_valid("30003032949")  # a personal code's first digit


def test_factory_numbers_pass_the_check():
    for _ in range(30):
        assert company_number_valid(company_number())


def test_foreign_iban_uses_its_country_length():
    assert normalise_iban("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    with pytest.raises(InvalidIban) as caught:
        normalise_iban("DE8937040044053201300")
    assert str(caught.value.message) == "DE konta numurā jābūt 22 zīmēm, nevis 21."
