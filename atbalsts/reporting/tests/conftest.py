"""Fixtures of the report tests: people in every role and a few clients of Balvi and Tukums."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from atbalsts.core.roles import Role
from atbalsts.people import services as people_services
from atbalsts.people.models import Client, Municipality, SupportCircleMember
from atbalsts.people.tests.factories import make_client

JAN, FEB, MAR, APR = (dt.date(2020, m, 1) for m in (1, 2, 3, 4))


@pytest.fixture
def analyst(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.ANALYST, None)


@pytest.fixture
def tukums_head(make_user: Callable[..., Any], tukums: Municipality) -> Any:
    return make_user(Role.HEAD, tukums)


@pytest.fixture
def new_child(head: Any, balvi: Municipality) -> Callable[..., Client]:
    def make(**kwargs: Any) -> Client:
        return make_client(
            actor=head, municipality=balvi, child=True, start_date=dt.date(2019, 11, 1), **kwargs
        )

    return make


@pytest.fixture
def parent_of(head: Any) -> Callable[[Client], SupportCircleMember]:
    def make(client: Client) -> SupportCircleMember:
        return people_services.circle_member_create(
            actor=head, client=client, data={"first_name": "Māra", "relation": "parent"}
        )

    return make
