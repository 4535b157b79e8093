"""Money helpers: Decimal only, half-up to the cent, Latvian input and output."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atbalsts.core.money import format_money, parse_money, round_money


def test_rounds_half_up_once():
    assert round_money(Decimal("0.005")) == Decimal("0.01")
    assert round_money(Decimal("2.675")) == Decimal("2.68")
    assert round_money(Decimal("-1.005")) == Decimal("-1.01")


def test_float_is_refused():
    with pytest.raises(TypeError):
        round_money(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "value"),
    [("12,50", "12.50"), ("12.50", "12.50"), ("1 234,56", "1234.56"), ("7", "7"), ("0,5", "0.5")],
)
def test_parses_both_separators(text, value):
    assert parse_money(text) == Decimal(value)


@pytest.mark.parametrize("text", ["12,5O", "", "1.234,56", "12,505", "abc", "1e3", "NaN"])
def test_refuses_what_is_not_an_amount(text):
    with pytest.raises(ValueError):
        parse_money(text)


def test_formats_latvian_style():
    assert format_money(Decimal("63236.6")) == "63\xa0236,60\xa0€"
    assert format_money(Decimal("-5")) == "-5,00\xa0€"
    assert format_money(Decimal("1234.5"), decimal_separator=".", group=",") == "1,234.50\xa0€"


@given(st.decimals(min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=2))
def test_format_then_parse_round_trips(value):
    text = format_money(value).replace("\xa0€", "")
    assert parse_money(text) == value
