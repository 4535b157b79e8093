"""Fixtures of the delivery tests: an adult's world with two providers and their staff."""

from decimal import Decimal
from typing import Any

import pytest

from atbalsts.plans.models import GuaranteeLetter

from .factories import DeliveryWorld, make_delivery_world, make_letters


@pytest.fixture
def world(social_worker: Any, head: Any, balvi: Any) -> DeliveryWorld:
    return make_delivery_world(worker=social_worker, head=head, municipality=balvi)


@pytest.fixture
def letters(world: DeliveryWorld) -> dict[str, GuaranteeLetter]:
    """Our provider's letter (two lines, one of them a psychologist's) and the other's."""
    made = make_letters(
        world,
        lines=[
            {},
            {"service_type": world.psychologist, "quantity": Decimal("4")},
            {"provider": world.other_provider, "quantity": Decimal("5")},
        ],
    )
    return {"ours": made[world.provider.pk], "theirs": made[world.other_provider.pk]}
