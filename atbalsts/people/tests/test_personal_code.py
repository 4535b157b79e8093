"""Personal codes: the old form with its date and check digit, the new 32… form by shape."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atbalsts.people.personal_code import (
    InvalidPersonalCode,
    check_digit,
    make_old_form,
    parse_personal_code,
)

SHAPE = "Personas kodam jābūt formā DDMMGG-NNNNN (11 cipari, domuzīme pēc sestā)."
CHECKSUM = "Personas koda kontrolcipars nesakrīt — pārbaudiet, vai kods ievadīts pareizi."
DATE = "Personas koda pirmie seši cipari nav derīgs datums (DDMMGG)."
CENTURY = "Personas koda septītajam ciparam (gadsimtam) jābūt 0, 1 vai 2."


def test_known_valid_old_code_gives_its_birth_date():
    # weights 1,6,3,7,9,10,5,8,4,2 over 0101901234 sum to 135; (1101 - 135) % 11 = 9
    code = parse_personal_code("010190-12349")
    assert code.value == "010190-12349"
    assert code.date_of_birth == dt.date(1990, 1, 1)
    assert not code.is_new_form


def test_code_without_hyphen_and_with_spaces_is_normalised():
    assert parse_personal_code(" 01019012349 ").value == "010190-12349"


def test_century_digit_two_means_2000s():
    code = make_old_form(dt.date(2012, 2, 29), 345)
    assert parse_personal_code(code).date_of_birth == dt.date(2012, 2, 29)
    assert code[7] == "2"


def test_new_form_holds_no_birth_date():
    code = parse_personal_code("321234-56789")
    assert code.is_new_form and code.date_of_birth is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", SHAPE),
        ("010190-1234", SHAPE),
        ("010190_12341", SHAPE),
        ("01019a-12341", SHAPE),
        ("010190-123410", SHAPE),
        ("010190-12342", CHECKSUM),
        ("310290-12341", DATE),
        ("010190-32341", CENTURY),
    ],
)
def test_invalid_codes_say_what_is_wrong(raw, message):
    with pytest.raises(InvalidPersonalCode) as exc:
        parse_personal_code(raw)
    assert str(exc.value.message) == message
    assert exc.value.field == "personal_code"


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_every_generated_old_code_is_valid_and_round_trips_its_date(born, serial):
    code = make_old_form(born, serial)
    parsed = parse_personal_code(code)
    assert parsed.value == code
    assert parsed.date_of_birth == born


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.integers(min_value=0, max_value=999),
    st.integers(min_value=1, max_value=9),
)
def test_changing_the_check_digit_makes_an_old_code_invalid(born, serial, delta):
    code = make_old_form(born, serial)
    wrong = code[:-1] + str((int(code[-1]) + delta) % 10)
    with pytest.raises(InvalidPersonalCode):
        parse_personal_code(wrong)


@given(st.text(max_size=20))
def test_arbitrary_text_is_either_valid_or_refused_with_a_domain_error(text):
    try:
        code = parse_personal_code(text)
    except InvalidPersonalCode as exc:
        assert exc.field == "personal_code"
    else:
        assert len(code.value) == 12 and code.value[6] == "-"


@given(st.from_regex(r"\A32\d{4}-?\d{5}\Z"))
def test_any_32_code_of_the_right_shape_is_a_valid_new_form(raw):
    assert parse_personal_code(raw).is_new_form


def test_check_digit_of_ten_means_no_valid_code():
    # find a prefix whose check value is 10: such codes are never issued
    prefix = next(
        f"0101{yy:02d}1{n:03d}"
        for yy in range(100)
        for n in range(1000)
        if check_digit(f"0101{yy:02d}1{n:03d}") is None
    )
    for last in range(10):
        with pytest.raises(InvalidPersonalCode):
            parse_personal_code(f"{prefix[:6]}-{prefix[6:]}{last}")
