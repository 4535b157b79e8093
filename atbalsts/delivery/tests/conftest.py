"""Fixtures of the delivery tests: an adult's world with two providers and their staff."""

from typing import Any

import pytest

from .factories import DeliveryWorld, make_delivery_world


@pytest.fixture
def world(social_worker: Any, head: Any, balvi: Any) -> DeliveryWorld:
    return make_delivery_world(worker=social_worker, head=head, municipality=balvi)
