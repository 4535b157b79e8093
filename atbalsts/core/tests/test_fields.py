"""The field parsers every service shares: what they accept, and that nothing raises."""

import datetime as dt
from decimal import Decimal

from django.db import models
from hypothesis import given
from hypothesis import strategies as st

from atbalsts.core.validation import (
    choice_field,
    date_field,
    decimal_field,
    int_field,
    text_field,
)


class Colour(models.TextChoices):
    RED = "red", "sarkans"
    BLUE = "blue", "zils"


def test_text_is_stripped_limited_and_refuses_nul_and_non_text():
    errors: dict[str, list[str]] = {}
    assert text_field("  Ilze  ", "name", errors, limit=10) == "Ilze"
    assert text_field("x" * 11, "long", errors, limit=10) == "x" * 11
    assert text_field("a\x00b", "nul", errors, limit=10) == ""
    assert text_field(42, "number", errors, limit=10) == ""
    assert text_field(42, "coerced", errors, limit=10, coerce=True) == "42"
    assert text_field("", "required", errors, limit=10, required=True) == ""
    assert errors == {
        "long": ["Ne vairāk kā 10 zīmes."],
        "nul": ["Teksts satur neatļautu rakstzīmi."],
        "number": ["Jābūt tekstam."],
        "required": ["Obligāts lauks."],
    }


def test_date_takes_a_date_or_iso_text_but_not_a_datetime():
    errors: dict[str, list[str]] = {}
    assert date_field(" 2026-12-02 ", "a", errors) == dt.date(2026, 12, 2)
    assert date_field(dt.date(2026, 1, 5), "b", errors) == dt.date(2026, 1, 5)
    assert date_field(dt.datetime(2026, 1, 5, 10, 0), "c", errors) is None
    assert date_field("02.12.2026", "d", errors) is None
    assert date_field("", "e", errors) is None
    assert date_field(None, "f", errors, required=False) is None
    assert errors == {
        "c": ["Datumam jābūt formā GGGG-MM-DD."],
        "d": ["Datumam jābūt formā GGGG-MM-DD."],
        "e": ["Obligāts lauks."],
    }


def test_int_checks_its_range_and_refuses_booleans():
    errors: dict[str, list[str]] = {}
    assert int_field("7", "a", errors, low=1, high=10) == 7
    assert int_field(True, "b", errors, low=0, high=10) is None
    assert int_field("11", "c", errors, low=1, high=10) is None
    assert int_field("x", "d", errors, low=1, high=10, message="Skaitlis 1–10.") is None
    assert errors == {
        "b": ["Jābūt veselam skaitlim."],
        "c": ["Jābūt no 1 līdz 10."],
        "d": ["Skaitlis 1–10."],
    }


def test_choice_gives_the_default_for_empty_and_names_the_values_when_asked():
    errors: dict[str, list[str]] = {}
    assert choice_field("", "a", errors, Colour, default="red") == "red"
    assert choice_field("blue", "b", errors, Colour) == "blue"
    assert choice_field("green", "c", errors, Colour, list_values=True) == ""
    assert choice_field("green", "d", errors, Colour) == ""
    assert errors == {
        "c": ["Nederīga vērtība; atļautās: red, blue."],
        "d": ["Nederīga vērtība."],
    }


def test_decimal_reads_latvian_money_and_refuses_cents_below_a_cent():
    errors: dict[str, list[str]] = {}
    high = Decimal("1000")
    assert decimal_field("1 234,50", "a", errors, high=Decimal("5000")) == Decimal("1234.50")
    assert decimal_field(12.5, "b", errors, high=high) == Decimal("12.5")
    assert decimal_field("0,001", "c", errors, high=high, money=False) is None
    assert decimal_field("0", "d", errors, high=high, positive=True) is None
    assert decimal_field("NaN", "e", errors, high=high, money=False) is None
    assert decimal_field(True, "f", errors, high=high) is None
    assert errors == {
        "c": ["Ne vairāk kā divas zīmes aiz komata."],
        "d": ["Jābūt skaitlim no 0 līdz 1000."],
        "e": ["Jābūt skaitlim no 0 līdz 1000."],
        "f": ["Jābūt skaitlim, piemēram, 12,50."],
    }


@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.text(max_size=30),
    ),
    st.booleans(),
    st.booleans(),
)
def test_no_input_makes_a_parser_raise(value, money, positive):
    errors: dict[str, list[str]] = {}
    number = decimal_field(value, "n", errors, high=Decimal("100"), money=money, positive=positive)
    assert number is None or (Decimal(0) <= number <= Decimal("100") and number.is_finite())
    assert (number is None) or "n" not in errors
    int_field(value, "i", errors, low=0, high=5)
    text_field(value, "t", errors, limit=5, coerce=True)
    date_field(value, "d", errors, required=False)
