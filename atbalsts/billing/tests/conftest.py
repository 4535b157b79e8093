"""Fixtures of the billing tests: the delivery world (a client with budget periods, providers
and their staff), an accountant of the municipality, and a letter with recorded sessions."""

from typing import Any

import pytest

from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import DeliveryWorld, make_delivery_world


@pytest.fixture
def world(social_worker: Any, head: Any, balvi: Any) -> DeliveryWorld:
    return make_delivery_world(worker=social_worker, head=head, municipality=balvi)


@pytest.fixture
def accountant(make_user: Any, balvi: Any) -> Any:
    return make_user(Role.ACCOUNTANT, balvi)
