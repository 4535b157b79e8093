"""Fixtures of the plan tests: an adult's world with a 500 €/month budget, and a child's."""

from typing import Any

import pytest

from .factories import World, make_world


@pytest.fixture
def world(social_worker: Any, head: Any, balvi: Any) -> World:
    return make_world(worker=social_worker, head=head, municipality=balvi)


@pytest.fixture
def child_world(social_worker: Any, head: Any, balvi: Any) -> World:
    return make_world(worker=social_worker, head=head, municipality=balvi, child=True)
