"""The one "price on date D" selector: tariff, municipal price, DI unit cost, catalogue."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atbalsts.catalog.errors import TariffNotValidOnDate
from atbalsts.catalog.selectors import PriceSource, price_on

from .factories import make_location, make_municipal_price, make_service_type, make_tariff

D = dt.date


@pytest.fixture
def tariffs(head, provider, service_type):
    """20 € for January (closed period), 22 € from February on (open-ended)."""
    make_tariff(
        actor=head,
        provider=provider,
        service_type=service_type,
        unit_price="20.00",
        valid_from=D(2026, 1, 1),
        valid_to=D(2026, 1, 31),
        session_minutes=60,
    )
    make_tariff(
        actor=head,
        provider=provider,
        service_type=service_type,
        unit_price="22.00",
        valid_from=D(2026, 2, 1),
    )


@pytest.mark.parametrize(
    ("day", "price", "source"),
    [
        (D(2025, 12, 31), "10.00", PriceSource.CATALOGUE),  # the day before the first tariff
        (D(2026, 1, 1), "20.00", PriceSource.TARIFF),  # valid_from is included
        (D(2026, 1, 31), "20.00", PriceSource.TARIFF),  # valid_to is included
        (D(2026, 2, 1), "22.00", PriceSource.TARIFF),  # the next period's first day
        (D(2031, 6, 30), "22.00", PriceSource.TARIFF),  # open-ended
    ],
)
def test_tariff_periods_include_both_edges(tariffs, provider, service_type, day, price, source):
    result = price_on(provider=provider, service_type=service_type, day=day)
    assert result.unit_price == Decimal(price)
    assert result.source == source


def test_tariff_gives_its_own_session_length_and_id(tariffs, provider, service_type):
    january = price_on(provider=provider, service_type=service_type, day=D(2026, 1, 15))
    february = price_on(provider=provider, service_type=service_type, day=D(2026, 2, 15))
    assert january.session_minutes == 60
    assert february.session_minutes is None  # the service type's default (none here)
    assert january.tariff_id != february.tariff_id
    assert january.source_label == "sniedzēja tarifs"


def test_location_tariff_wins_over_general_tariff(head, provider, service_type, balvi):
    place = make_location(actor=head, provider=provider, municipality=balvi)
    make_tariff(actor=head, provider=provider, service_type=service_type, unit_price="20.00")
    make_tariff(
        actor=head, provider=provider, service_type=service_type, unit_price="25.00", location=place
    )
    day = D(2026, 3, 1)
    at_place = price_on(provider=provider, service_type=service_type, day=day, location=place)
    general = price_on(provider=provider, service_type=service_type, day=day)
    assert at_place.unit_price == Decimal("25.00")
    assert general.unit_price == Decimal("20.00")


def test_location_without_own_tariff_uses_general_tariff(head, provider, service_type, balvi):
    place = make_location(actor=head, provider=provider, municipality=balvi)
    make_tariff(actor=head, provider=provider, service_type=service_type, unit_price="20.00")
    result = price_on(
        provider=provider, service_type=service_type, day=D(2026, 3, 1), location=place
    )
    assert result.unit_price == Decimal("20.00")


def test_municipal_price_is_the_fallback_across_its_edges(head, provider, service_type, balvi):
    make_municipal_price(
        actor=head,
        municipality=balvi,
        service_type=service_type,
        unit_price="15.00",
        valid_to=D(2026, 6, 30),
    )

    def on(day):
        return price_on(provider=provider, service_type=service_type, day=day, municipality=balvi)

    assert (on(D(2026, 1, 1)).unit_price, on(D(2026, 1, 1)).source) == (
        Decimal("15.00"),
        PriceSource.MUNICIPAL,
    )
    assert on(D(2026, 6, 30)).source == PriceSource.MUNICIPAL
    assert on(D(2026, 7, 1)).source == PriceSource.CATALOGUE
    assert on(D(2025, 12, 31)).source == PriceSource.CATALOGUE


def test_other_municipality_price_does_not_apply(head, service_type, balvi, tukums):
    make_municipal_price(
        actor=head, municipality=balvi, service_type=service_type, unit_price="15.00"
    )
    result = price_on(
        provider=None, service_type=service_type, day=D(2026, 2, 1), municipality=tukums
    )
    assert result.source == PriceSource.CATALOGUE


def test_di_unit_cost_when_municipality_has_no_price(head, balvi):
    service_type = make_service_type(actor=head, default_unit_price=None)
    make_municipal_price(
        actor=head, municipality=balvi, service_type=service_type, di_unit_cost="7.31"
    )
    result = price_on(
        provider=None, service_type=service_type, day=D(2026, 1, 1), municipality=balvi
    )
    assert (result.unit_price, result.source) == (Decimal("7.31"), PriceSource.DI_UNIT_COST)


def test_catalogue_di_unit_cost_before_catalogue_default(head):
    service_type = make_service_type(actor=head, di_unit_cost=Decimal("8.00"))
    result = price_on(provider=None, service_type=service_type, day=D(2026, 1, 1))
    assert (result.unit_price, result.source) == (Decimal("8.00"), PriceSource.DI_UNIT_COST)


def test_no_price_at_all_raises_with_code_and_message(head, provider):
    service_type = make_service_type(actor=head, name_lv="Bez cenas", default_unit_price=None)
    with pytest.raises(TariffNotValidOnDate) as caught:
        price_on(provider=provider, service_type=service_type, day=D(2026, 3, 4))
    assert caught.value.code == "tariff_not_valid_on_date"
    assert caught.value.field == "service_type"
    assert (
        str(caught.value.message) == "Pakalpojumam „Bez cenas” 04.03.2026 nav spēkā esošas cenas."
    )


@given(offset=st.integers(min_value=-400, max_value=400))
def test_price_on_any_day_matches_the_period_rule(offset):
    # Pure check of the period rule used by every lookup, on arbitrary days around a period.
    from atbalsts.catalog.models import Tariff

    tariff = Tariff(valid_from=D(2026, 1, 1), valid_to=D(2026, 1, 31))
    day = D(2026, 1, 1) + dt.timedelta(days=offset)
    assert tariff.is_valid_on(day) == (0 <= offset <= 30)
