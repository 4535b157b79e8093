"""The session form shows only what the service's unit and remote rule need, and the goals
worked on are picked from the person's plan; a value for a field not shown still meets the
service's rule (issue 11, providers)."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from atbalsts.core.errors import ValidationFailed
from atbalsts.delivery.models import Session
from atbalsts.plans.models import Goal

from .factories import DeliveryWorld, make_letters, make_session
from .test_views import form_data


@pytest.fixture
def three(world: DeliveryWorld) -> Any:
    """Our provider's letter: support person (hours), psychologist (remote), transport (km)."""
    made = make_letters(
        world,
        lines=[
            {},
            {"service_type": world.psychologist, "quantity": Decimal("4")},
            {"service_type": world.transport, "quantity": Decimal("100"), "session_minutes": None},
        ],
    )
    return made[world.provider.pk]


def _form(client: Any, letter: Any, line: int) -> str:
    url = reverse("delivery:session_create", args=[letter.pk])
    return client.get(url, {"line_key": letter.lines[line - 1]["key"]}).content.decode()


def _names(page: str) -> set[str]:
    return set(re.findall(r'name="([a-z_]+)"', page))


def test_each_unit_shows_its_own_fields(client: Any, world: DeliveryWorld, three: Any) -> None:
    client.force_login(world.staff)
    hours, psychologist, transport = (_names(_form(client, three, n)) for n in (1, 2, 3))
    assert {"duration_minutes", "signed_by", "goal_keys"} <= hours
    assert not {"km", "ticket_amount", "mode", "evidence_protocol", "recipient"} & hours
    assert {"mode", "evidence_protocol", "evidence_file"} <= psychologist
    assert "km" not in psychologist
    assert {"km", "ticket_amount"} <= transport
    assert not {"duration_minutes", "mode"} & transport
    generic = _names(
        client.get(reverse("delivery:session_create", args=[three.pk])).content.decode()
    )
    assert {"km", "mode", "duration_minutes"} <= generic  # no line chosen yet: all of them


def test_signer_choices_follow_the_rules(client: Any, world: DeliveryWorld, three: Any) -> None:
    client.force_login(world.staff)
    select = re.search(r'<select name="signed_by".*?</select>', _form(client, three, 1), re.S)
    assert select is not None
    assert 'value="client"' in select.group(0)
    assert 'value="social_worker"' not in select.group(0)  # the provider never signs for them
    assert 'value="representative"' not in select.group(0)  # the client has none
    client.force_login(world.worker)
    select = re.search(r'<select name="signed_by".*?</select>', _form(client, three, 1), re.S)
    assert select is not None and 'value="social_worker"' in select.group(0)


@pytest.mark.parametrize(
    ("line", "data", "message"),
    [
        (1, {"km": "12"}, "Kilometrus vai biļetes summu norāda tikai transporta pakalpojumam."),
        (1, {"mode": "remote"}, "attālināti sniegt nevar"),
        (1, {"goal_keys": str(uuid.uuid4())}, "Plāna mērķi, pie kuriem strādāja:"),
    ],
)
def test_a_value_for_a_field_not_shown_is_refused_not_dropped(
    client: Any, world: DeliveryWorld, three: Any, line: int, data: Any, message: str
) -> None:
    client.force_login(world.staff)
    url = reverse("delivery:session_create", args=[three.pk])
    sent = form_data(three, line_key=three.lines[line - 1]["key"], **data)
    response = client.post(url, sent)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Session.objects.exists()


def test_goals_are_picked_from_the_plan(client: Any, world: DeliveryWorld, three: Any) -> None:
    goal = Goal.objects.get(version_id=three.version_id)
    client.force_login(world.staff)
    page = _form(client, three, 1)
    assert goal.text in page
    assert 'name="goals_worked_on"' not in page  # no free text beside the plan's goals
    url = reverse("delivery:session_create", args=[three.pk])
    response = client.post(url, form_data(three, goal_keys=[str(goal.key)]))
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.goal_keys == [str(goal.key)]
    detail = client.get(session.get_absolute_url()).content.decode()
    assert goal.text in detail


def test_goals_of_another_plan_or_of_no_shape_are_refused(
    world: DeliveryWorld, three: Any, letters_other_client: Any
) -> None:
    foreign = Goal.objects.get(version_id=letters_other_client.version_id)
    for given in ([str(foreign.key)], "not-a-list", [None], [{"x": 1}]):
        with pytest.raises(ValidationFailed) as exc:
            make_session(three, goal_keys=given)
        assert "goal_keys" in exc.value.field_errors
    assert not Session.objects.exists()
    own = Goal.objects.get(version_id=three.version_id)
    session = make_session(three, goal_keys=[str(own.key).upper()])
    assert session.goal_keys == [str(own.key)]


def test_an_older_free_text_stays_readable_and_editable(
    client: Any, world: DeliveryWorld, three: Any
) -> None:
    session = make_session(three, goals_worked_on="Budžeta plānošana")
    client.force_login(world.staff)
    edit = client.get(reverse("delivery:session_edit", args=[session.pk])).content.decode()
    assert "Budžeta plānošana" in edit
    assert 'name="goal_keys"' in edit
    assert "Budžeta plānošana" in client.get(session.get_absolute_url()).content.decode()


@pytest.fixture
def letters_other_client(world: DeliveryWorld) -> Any:
    from .test_groups import _another_client

    other = _another_client(world, first_name="Ilze", last_name="Ozola")
    (letter,) = make_letters(other).values()
    return letter
