"""No-shows with and without notice, the dated no-show rule, and transport trips."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.delivery import selectors, services
from atbalsts.delivery.models import NoShowRule

from .factories import LAST_MONTH, DeliveryWorld, make_letter, make_session


def set_rule(world: DeliveryWorld, share: str, valid_from: dt.date) -> NoShowRule:
    return services.no_show_rule_create(
        actor=world.head,
        municipality=world.municipality,
        data={"share_percent": share, "valid_from": valid_from},
    )


def test_no_show_without_notice_pays_the_rules_share(world: DeliveryWorld) -> None:
    set_rule(world, "50", LAST_MONTH - dt.timedelta(days=100))
    letter = make_letter(world)
    session = make_session(letter, status="no_show_no_notice", signed_by="")
    assert session.duration_minutes == 60
    assert session.no_show_share == Decimal("50.00")
    assert session.amount == Decimal("10.00")
    assert session.is_invoiceable


def test_no_show_without_a_rule_pays_nothing(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    session = make_session(letter, status="no_show_no_notice")
    assert session.amount == Decimal("0.00")


def test_no_show_with_notice_and_cancelled_are_not_invoiceable(world: DeliveryWorld) -> None:
    set_rule(world, "100", LAST_MONTH - dt.timedelta(days=100))
    letter = make_letter(world)
    notice = make_session(letter, status="no_show_notice")
    cancelled = make_session(letter, status="cancelled", start_time="12:00")
    for session in (notice, cancelled):
        assert session.amount == Decimal("0.00")
        assert not session.is_invoiceable


def test_the_rule_is_dated_and_the_old_one_ends_the_day_before(world: DeliveryWorld) -> None:
    first = set_rule(world, "50", LAST_MONTH - dt.timedelta(days=100))
    set_rule(world, "25,5", LAST_MONTH + dt.timedelta(days=5))
    first.refresh_from_db()
    assert first.valid_to == LAST_MONTH + dt.timedelta(days=4)
    letter = make_letter(world)
    early = make_session(letter, status="no_show_no_notice", date=LAST_MONTH)
    late = make_session(letter, status="no_show_no_notice", date=LAST_MONTH + dt.timedelta(days=6))
    assert (early.amount, late.amount) == (Decimal("10.00"), Decimal("5.10"))
    assert (
        AuditEvent.objects.filter(event_type=AuditEventType.DELIVERY_NO_SHOW_RULE_CREATED).count()
        == 2
    )


@pytest.mark.parametrize("share", ["101", "-1", "abc", "12.345", ""])
def test_bad_shares_are_refused(world: DeliveryWorld, share: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        set_rule(world, share, LAST_MONTH)
    expected = (
        "Obligāts lauks."
        if share == ""
        else "Daļai jābūt skaitlim no 0 līdz 100 ar ne vairāk kā diviem cipariem aiz komata."
    )
    assert exc.value.field_errors == {"share_percent": [expected]}
    assert not NoShowRule.objects.exists()


def test_a_rule_cannot_start_before_the_last_one(world: DeliveryWorld) -> None:
    set_rule(world, "50", LAST_MONTH)
    with pytest.raises(ValidationFailed) as exc:
        set_rule(world, "40", LAST_MONTH - dt.timedelta(days=1))
    assert exc.value.field_errors == {
        "valid_from": ["Jaunam noteikumam jāsākas pēc pēdējā noteikuma sākuma datuma."]
    }


def test_only_the_head_sets_the_rule(world: DeliveryWorld, tukums: Any, make_user: Any) -> None:
    from atbalsts.core.roles import Role

    for actor in (world.worker, world.staff, make_user(Role.HEAD, tukums)):
        with pytest.raises(NotPermitted):
            services.no_show_rule_create(
                actor=actor,
                municipality=world.municipality,
                data={"share_percent": "50", "valid_from": LAST_MONTH},
            )


def test_no_shows_are_listed_per_client(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    make_session(letter)
    make_session(letter, status="no_show_notice", date=LAST_MONTH)
    make_session(letter, status="no_show_no_notice", date=LAST_MONTH + dt.timedelta(days=1))
    shows = selectors.no_shows_for_client(user=world.worker, client=world.client)
    assert [s.status for s in shows] == ["no_show_no_notice", "no_show_notice"]


# --- transport ---------------------------------------------------------------------------------


def test_a_trip_is_paid_by_the_kilometre(world: DeliveryWorld) -> None:
    letter = make_letter(world, service_type=world.transport, quantity=Decimal("200"))
    session = make_session(letter, km="42,5")
    assert (session.units, session.unit_price, session.amount) == (
        Decimal("42.50"),
        Decimal("0.30"),
        Decimal("12.75"),
    )
    assert session.duration_minutes is None


def test_a_ticket_is_paid_at_its_amount(world: DeliveryWorld) -> None:
    letter = make_letter(world, service_type=world.transport, quantity=Decimal("200"))
    session = make_session(letter, ticket_amount="3.40")
    assert session.amount == Decimal("3.40")
    assert session.units == Decimal("0")


def test_transport_needs_km_or_a_ticket(world: DeliveryWorld) -> None:
    letter = make_letter(world, service_type=world.transport, quantity=Decimal("200"))
    with pytest.raises(ValidationFailed) as exc:
        make_session(letter)
    assert exc.value.field_errors == {
        "km": ["Norādiet nobraukto kilometru skaitu vai biļetes summu."]
    }
    with pytest.raises(ValidationFailed) as exc:
        make_session(letter, km="10", ticket_amount="2")
    assert exc.value.field_errors == {
        "ticket_amount": ["Norādiet vai nu kilometrus, vai biļetes summu, ne abus."]
    }
    with pytest.raises(ValidationFailed) as exc:
        make_session(letter, km="-3")
    assert exc.value.field_errors == {
        "km": ["Jābūt pozitīvam skaitlim ar ne vairāk kā diviem cipariem aiz komata, līdz 2000."]
    }


def test_km_only_on_transport_lines(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    with pytest.raises(ValidationFailed) as exc:
        make_session(letter, km="10")
    assert exc.value.field_errors == {
        "km": ["Kilometrus vai biļetes summu norāda tikai transporta pakalpojumam."]
    }


def test_kilometres_past_the_monthly_quantity_are_flagged(world: DeliveryWorld) -> None:
    letter = make_letter(world, service_type=world.transport, quantity=Decimal("50"))
    first = make_session(letter, km="40")
    second = make_session(letter, km="20", start_time="16:00")
    assert not first.over_quantity and second.over_quantity
