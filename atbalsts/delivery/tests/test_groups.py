"""A group session: entered once for several people (one service, day, time and provider),
each session priced by the person's own letter and counted against its own monthly quantity,
all or nothing, marked as one group (issue 11, providers)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from atbalsts.assessment.dates import add_months
from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.core.dates import dmy
from atbalsts.core.errors import ValidationFailed
from atbalsts.delivery import services
from atbalsts.delivery.models import Session
from atbalsts.people.tests.factories import make_client
from atbalsts.plans.tests.factories import make_budget

from .factories import LAST_MONTH, START, DeliveryWorld, make_letter

DAY = LAST_MONTH + dt.timedelta(days=9)


def _another_client(world: DeliveryWorld, **names: Any) -> DeliveryWorld:
    client = make_client(actor=world.worker, municipality=world.municipality, **names)
    make_assessment(actor=world.worker, client=client)
    make_budget(actor=world.worker, client=client, start=START)
    make_budget(actor=world.worker, client=client, start=add_months(START, 6))
    return dataclasses.replace(world, client=client)


@pytest.fixture
def group(world: DeliveryWorld) -> dict[str, Any]:
    """Two people with letters from one provider for one service: the second at an agreed
    lower price and with one session a month."""
    first = make_letter(world, service_type=world.session_service, session_minutes=45)
    second_world = _another_client(world, first_name="Ēriks", last_name="Čakste")
    second = make_letter(
        second_world,
        service_type=world.session_service,
        session_minutes=45,
        quantity=Decimal("1"),
        agreed_unit_price="27.50",
        agreed_price_reason="Grupas cena",
    )
    return {"first": first, "second": second, "second_client": second_world.client}


def _members(group: dict[str, Any], **second: object) -> list[tuple[Any, dict[str, object]]]:
    return [
        (group["first"], {"line_key": group["first"].lines[0]["key"], "signed_by": "client"}),
        (
            group["second"],
            {"line_key": group["second"].lines[0]["key"], "signed_by": "client", **second},
        ),
    ]


def test_each_person_is_priced_and_counted_by_their_own_letter(
    world: DeliveryWorld, group: dict[str, Any]
) -> None:
    shared = {"date": DAY, "start_time": "11:00"}
    sessions = services.group_session_record(
        actor=world.staff, data=shared, members=_members(group)
    )
    assert [(s.letter_id, s.unit_price, s.amount) for s in sessions] == [
        (group["first"].pk, Decimal("30.00"), Decimal("30.00")),
        (group["second"].pk, Decimal("27.50"), Decimal("27.50")),
    ]
    assert len({s.group_key for s in sessions}) == 1 and sessions[0].group_key is not None
    again = services.group_session_record(
        actor=world.staff, data={**shared, "start_time": "15:00"}, members=_members(group)
    )
    assert [s.over_quantity for s in again] == [False, True]  # the second's one a month


def test_one_person_refused_writes_nothing_and_is_named(
    world: DeliveryWorld, group: dict[str, Any]
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.group_session_record(
            actor=world.staff,
            data={"date": DAY, "start_time": "11:00"},
            members=_members(group, signed_by="representative"),  # Čakste has none
        )
    assert not Session.objects.exists()
    (messages,) = exc.value.field_errors.values()
    assert messages[0].startswith(f"{group['second_client'].full_name}, ")
    assert dmy(DAY) in messages[0]
    assert "aizbildņa vai likumiskā pārstāvja" in messages[0]


def test_a_group_is_two_different_people_of_one_service(
    world: DeliveryWorld, group: dict[str, Any]
) -> None:
    third = make_letter(_another_client(world, first_name="Ilze", last_name="Šteina"))
    shared = {"date": DAY, "start_time": "11:00"}
    one = _members(group)[:1]
    cases = [
        one,
        one + one,
        [*one, (third, {"line_key": third.lines[0]["key"], "signed_by": "client"})],
    ]
    for members in cases:
        with pytest.raises(ValidationFailed) as exc:
            services.group_session_record(actor=world.staff, data=shared, members=members)
        assert "members" in exc.value.field_errors
    with pytest.raises(ValidationFailed):  # km is no field a group shares
        services.group_session_record(
            actor=world.staff, data={**shared, "km": "3"}, members=_members(group)
        )
    assert not Session.objects.exists()


def test_the_group_page_records_and_shows_the_group(
    client: Any, world: DeliveryWorld, group: dict[str, Any]
) -> None:
    client.force_login(world.staff)
    url = reverse("delivery:group_session")
    page = client.get(url).content.decode()
    assert world.session_service.name_lv in page
    listing = client.get(f"{url}?service={world.session_service.pk}").content.decode()
    first, second = group["first"], group["second"]
    prefix = [f"m-{letter.pk}-{letter.lines[0]['key']}" for letter in (first, second)]
    assert all(p in listing for p in prefix)
    data = {
        "service": world.session_service.pk,
        "date": DAY.isoformat(),
        "start_time": "11:00",
        "duration_minutes": "",
        "techniques": "Spēles",
        f"{prefix[0]}-in": "1",
        f"{prefix[0]}-status": "held",
        f"{prefix[0]}-signed_by": "client",
        f"{prefix[1]}-in": "1",
        f"{prefix[1]}-status": "no_show_notice",
        f"{prefix[1]}-signed_by": "",
    }
    bad = client.post(url, {**data, f"{prefix[1]}-signed_by": "client"})
    assert bad.status_code == 400
    assert group["second_client"].full_name in bad.content.decode()
    assert not Session.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302
    sessions = list(Session.objects.order_by("id"))
    assert [(s.status, s.amount) for s in sessions] == [
        ("held", Decimal("30.00")),
        ("no_show_notice", Decimal("0.00")),
    ]
    detail = client.get(sessions[0].get_absolute_url()).content.decode()
    assert "Grupas nodarbība" in detail
    assert sessions[1].get_absolute_url() in detail


def test_the_group_page_takes_no_bad_input(
    client: Any, world: DeliveryWorld, group: dict[str, Any]
) -> None:
    client.force_login(world.staff)
    url = reverse("delivery:group_session")
    for query in ("?service=x", "?service=999999", "?service=%00"):
        assert client.get(url + query).status_code == 200
    response = client.post(url, {"service": "x", "date": "nav", "start_time": "99"})
    assert response.status_code == 400
    response = client.post(
        url, {"service": world.session_service.pk, "date": DAY.isoformat(), "start_time": "11:00"}
    )
    assert response.status_code == 400
    assert "vismaz divas personas" in response.content.decode()
    client.force_login(world.worker)
    assert client.get(url).status_code == 403
