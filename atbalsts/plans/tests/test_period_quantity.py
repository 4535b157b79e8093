"""A quantity for the whole period (25 sessions over the year), counted against the period's
total: on the line, in the letter, in the sessions' flags and on the invoices."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from atbalsts.assessment.dates import add_months
from atbalsts.billing import services as billing
from atbalsts.billing.tests.factories import invoice_number
from atbalsts.delivery.models import Session
from atbalsts.delivery.tests.factories import (
    LAST_MONTH,
    DeliveryWorld,
    make_delivery_world,
    make_letter,
    make_session,
)

pytestmark = pytest.mark.django_db

BEFORE = add_months(LAST_MONTH, -1)


@pytest.fixture
def world(social_worker: Any, head: Any, balvi: Any) -> DeliveryWorld:
    return make_delivery_world(worker=social_worker, head=head, municipality=balvi)


def test_a_per_period_quantity_prices_the_whole_period_once(world):
    letter = make_letter(world, quantity=Decimal("25"), quantity_basis="period")

    (line,) = letter.lines
    assert line["quantity_basis"] == "period"
    assert letter.total == Decimal("500.00")  # 25 × 20,00, not × 12 months


def test_sessions_past_the_periods_total_are_flagged_whatever_their_month(world):
    letter = make_letter(world, quantity=Decimal("2"), quantity_basis="period")

    make_session(letter, date=BEFORE + dt.timedelta(days=2))
    make_session(letter, date=LAST_MONTH + dt.timedelta(days=2))
    make_session(letter, date=LAST_MONTH + dt.timedelta(days=9))

    flags = list(Session.objects.order_by("date").values_list("over_quantity", flat=True))
    assert flags == [False, False, True]  # per month, none would pass 2


def test_an_invoice_past_the_periods_total_shows_the_difference(world):
    letter = make_letter(world, quantity=Decimal("2"), quantity_basis="period")
    key = letter.lines[0]["key"]

    def paper(month, quantity):
        return billing.invoice_enter_paper(
            actor=world.worker,
            municipality=world.municipality,
            provider=world.provider,
            month=month,
            number=invoice_number(),
            lines=[
                {"letter": letter.pk, "line_key": key, "quantity": quantity, "unit_price": "20"}
            ],
        )

    first = paper(BEFORE, "1")
    second = paper(LAST_MONTH, "2")

    assert "over_quantity" not in [d["code"] for d in first.lines.get().differences]
    (over,) = [d for d in second.lines.get().differences if d["code"] == "over_quantity"]
    assert over["message"].startswith(
        "Par šo vēstules rindu kopā rēķinos ir 3 vienības, bet visā periodā"
    )


def test_the_weekly_load_spreads_a_periods_quantity_over_its_months(world):
    from atbalsts.plans.selectors import weekly_load
    from atbalsts.plans.spread import weekly

    letter = make_letter(
        world, service_type=world.session_service, quantity=Decimal("24"), quantity_basis="period"
    )

    loads = weekly_load(letter.version)

    assert {load.sessions for load in loads} == {weekly(Decimal("2"))}  # 24 over 12 months
