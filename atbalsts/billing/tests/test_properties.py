"""Open-ended input: amounts, quantities and months typed by people never crash a service,
and money split by month always adds up to its total to the cent."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from atbalsts.billing import services
from atbalsts.billing.letter_money import letter_line_monthly
from atbalsts.billing.services import inputs

money = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2)


@given(st.text(max_size=30))
def test_typed_numbers_either_parse_or_name_the_field(text):
    errors: dict[str, list[str]] = {}
    value = inputs.line_decimal(text, "lines.0.quantity", errors, money=True)
    if value is None:
        assert list(errors) in ([], ["lines.0.quantity"])
        assert errors or not text.strip()
    else:
        assert errors == {}
        assert value >= 0
        assert value == value.quantize(Decimal("0.01"))


@given(st.text(max_size=12))
def test_typed_months_either_parse_to_a_first_day_or_fail_cleanly(text):
    try:
        month = services.parse_month(text)
    except (ValueError, TypeError):
        return
    assert month.day == 1


@given(money, st.integers(min_value=1, max_value=36), st.dates(dt.date(2020, 1, 1)))
def test_a_letter_lines_months_add_up_to_its_total(total, months, start):
    line = {"start": start.isoformat(), "months": months, "total": str(total)}
    parts = letter_line_monthly(line)
    assert len(parts) == months
    assert sum((amount for _day, amount in parts), Decimal("0.00")) == total
    assert all(amount == amount.quantize(Decimal("0.01")) for _day, amount in parts)
