"""Fixtures of the notification tests: the delivery world (a client with an agreed plan,
letters, budget periods and a provider) whose case the social worker holds, and an
accountant of the municipality."""

from typing import Any

import pytest

from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import START, DeliveryWorld, make_delivery_world
from atbalsts.people import services as people_services


@pytest.fixture
def world(social_worker: Any, head: Any, balvi: Any) -> DeliveryWorld:
    made = make_delivery_world(worker=social_worker, head=head, municipality=balvi)
    people_services.case_assign(
        actor=head, client=made.client, social_worker=social_worker, start_date=START
    )
    return made


@pytest.fixture
def accountant(make_user: Any, balvi: Any) -> Any:
    return make_user(Role.ACCOUNTANT, balvi)


@pytest.fixture
def other_worker(make_user: Any, balvi: Any) -> Any:
    """A social worker of the same municipality who does not hold the case."""
    return make_user(Role.SOCIAL_WORKER, balvi)
