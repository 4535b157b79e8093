"""The demo's group session: made once, for the provider's clients who share a service, each
priced by their own letter, on a past weekday of last month."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from atbalsts.delivery.models import Session
from atbalsts.delivery.tests.factories import DeliveryWorld, make_delivery_world, make_letter
from atbalsts.delivery.tests.test_groups import _another_client
from atbalsts.demo import groups


@pytest.fixture
def world(social_worker: Any, head: Any, balvi: Any) -> DeliveryWorld:
    return make_delivery_world(worker=social_worker, head=head, municipality=balvi)


def test_the_demo_provider_holds_one_group_session(world: DeliveryWorld) -> None:
    first = make_letter(world, service_type=world.session_service, session_minutes=45)
    second = make_letter(
        _another_client(world, first_name="Ēriks", last_name="Čakste"),
        service_type=world.session_service,
        session_minutes=45,
        agreed_unit_price="27.50",
        agreed_price_reason="Grupas cena",
    )
    lines: list[str] = []
    today = timezone.localdate()
    groups.ensure(users={"sniedzejs": world.staff}, today=today, log=lines.append)
    made = list(Session.objects.order_by("amount"))
    assert [(s.letter_id, s.amount) for s in made] == [
        (second.pk, Decimal("27.50")),
        (first.pk, Decimal("30.00")),
    ]
    assert made[0].group_key == made[1].group_key is not None
    assert made[0].date < today and made[0].date.weekday() < 5
    assert lines and lines[0].startswith("Grupas nodarbība: 2 personas")
    groups.ensure(users={"sniedzejs": world.staff}, today=today, log=lines.append)
    assert Session.objects.count() == 2  # once


def test_no_group_without_two_people_sharing_a_service(world: DeliveryWorld) -> None:
    make_letter(world, service_type=world.session_service, session_minutes=45)
    groups.ensure(users={"sniedzejs": world.staff}, today=timezone.localdate(), log=print)
    assert not Session.objects.exists()
