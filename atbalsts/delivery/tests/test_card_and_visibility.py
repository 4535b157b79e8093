"""Who sees what: provider staff see only their own clients and sessions, the shared client
card keeps confidential content with its specialist, the conclusion needs consent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.http import Http404

from atbalsts.core.roles import Role
from atbalsts.delivery import selectors
from atbalsts.delivery.models import Session
from atbalsts.people import services as people_services

from .factories import (
    LAST_MONTH,
    TODAY,
    DeliveryWorld,
    make_delivery_world,
    make_letter,
    make_letters,
    make_provider_staff,
    make_session,
)


@pytest.fixture
def shared(world: DeliveryWorld) -> dict[str, Session]:
    letters = make_letters(
        world,
        lines=[
            {},
            {"service_type": world.psychologist, "quantity": Decimal("4")},
            {"provider": world.other_provider, "quantity": Decimal("5")},
        ],
    )
    ours, theirs = letters[world.provider.pk], letters[world.other_provider.pk]
    return {
        "support": make_session(ours, goals_worked_on="Budžets", techniques="Saruna"),
        "psych": make_session(
            ours,
            line=2,
            goals_worked_on="Trauksme",
            techniques="KBT",
            conclusion="Atzinums: ieteicama terapija",
        ),
        "other": make_session(theirs, goals_worked_on="Iepirkšanās", techniques="Pavadīšana"),
    }


def card_as(user: Any, world: DeliveryWorld) -> dict[str, tuple[str, str, str]]:
    by_service = {
        world.support_person.pk: "support",
        world.psychologist.pk: "psych",
    }
    result = {}
    for entry in selectors.client_card(user=user, client=world.client):
        name = by_service[entry.session.service_type_id]
        if entry.session.provider_id != world.provider.pk:
            name = "other"
        result[name] = (entry.goals_worked_on, entry.techniques, entry.conclusion)
    return result


def test_the_provider_that_wrote_it_reads_everything(
    world: DeliveryWorld, shared: dict[str, Session]
) -> None:
    assert card_as(world.staff, world) == {
        "support": ("Budžets", "Saruna", ""),
        "psych": ("Trauksme", "KBT", "Atzinums: ieteicama terapija"),
        "other": ("Iepirkšanās", "Pavadīšana", ""),
    }


def test_another_provider_sees_only_that_a_confidential_session_took_place(
    world: DeliveryWorld, shared: dict[str, Session]
) -> None:
    assert card_as(world.other_staff, world) == {
        "support": ("Budžets", "Saruna", ""),
        "psych": ("", "", ""),
        "other": ("Iepirkšanās", "Pavadīšana", ""),
    }


def test_social_worker_sees_the_conclusion_only_with_consent(
    world: DeliveryWorld, shared: dict[str, Session]
) -> None:
    without = card_as(world.worker, world)
    assert without["psych"] == ("", "", "")
    assert without["support"] == ("Budžets", "Saruna", "")
    consent = people_services.consent_give(
        actor=world.worker,
        client=world.client,
        data={"purpose": "share_specialist_conclusion", "given_on": TODAY},
    )
    assert card_as(world.worker, world)["psych"] == ("", "", "Atzinums: ieteicama terapija")
    # the other provider never gets the conclusion, consent or not
    assert card_as(world.other_staff, world)["psych"] == ("", "", "")
    people_services.consent_revoke(actor=world.worker, consent=consent, revoked_on=TODAY, reason="")
    assert card_as(world.worker, world)["psych"] == ("", "", "")


@pytest.mark.parametrize("role", [Role.ACCOUNTANT, Role.ANALYST])
def test_roles_without_case_notes_get_no_card(
    world: DeliveryWorld, shared: dict[str, Session], make_user: Any, role: Role
) -> None:
    assert card_as(make_user(role, world.municipality), world) == {}


def test_auditor_reads_the_card_like_the_social_service(
    world: DeliveryWorld, shared: dict[str, Session], make_user: Any
) -> None:
    assert card_as(make_user(Role.AUDITOR, world.municipality), world)["support"] == (
        "Budžets",
        "Saruna",
        "",
    )


def test_a_provider_without_a_letter_sees_no_card(
    world: DeliveryWorld, shared: dict[str, Session]
) -> None:
    stranger = make_provider_staff(head=world.head, provider=_third_provider(world))
    assert card_as(stranger, world) == {}


def _third_provider(world: DeliveryWorld) -> Any:
    from atbalsts.catalog.tests.factories import make_provider

    return make_provider(actor=world.head, municipality=world.municipality)


def test_provider_sees_only_its_own_sessions(
    world: DeliveryWorld, shared: dict[str, Session]
) -> None:
    ours = set(selectors.session_list(user=world.staff).values_list("pk", flat=True))
    assert ours == {shared["support"].pk, shared["psych"].pk}
    theirs = set(selectors.session_list(user=world.other_staff).values_list("pk", flat=True))
    assert theirs == {shared["other"].pk}
    with pytest.raises(Http404):
        selectors.session_get(user=world.other_staff, pk=shared["psych"].pk)


def test_municipal_roles_see_their_municipality_only(
    world: DeliveryWorld, shared: dict[str, Session], make_user: Any, tukums: Any
) -> None:
    for role in (Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT, Role.AUDITOR):
        assert selectors.session_list(user=make_user(role, world.municipality)).count() == 3
        assert selectors.session_list(user=make_user(role, tukums)).count() == 0
    assert selectors.session_list(user=make_user(Role.ANALYST, None)).count() == 0
    assert selectors.session_list(user=make_user(Role.PROVIDER, None)).count() == 0


def test_my_clients_lists_only_clients_with_a_letter_in_force(
    world: DeliveryWorld, social_worker: Any, head: Any, balvi: Any
) -> None:
    make_letter(world)
    other_world = make_delivery_world(worker=social_worker, head=head, municipality=balvi)
    make_letter(other_world)
    mine = selectors.my_clients(user=world.staff)
    assert [entry.client for entry in mine] == [world.client]
    assert [line["quantity"] for line in mine[0].lines] == ["10.00"]
    assert selectors.my_clients(user=world.other_staff) == []
    assert selectors.my_clients(user=world.worker) == []
    with pytest.raises(Http404):
        selectors.provider_client_get(user=world.staff, pk=other_world.client.pk)


def test_a_letter_long_past_its_period_drops_from_my_clients(world: DeliveryWorld) -> None:
    make_letter(world)
    later = TODAY + dt.timedelta(days=400)
    assert selectors.my_clients(user=world.staff, today=later) == []
    assert selectors.my_clients(user=world.staff, today=LAST_MONTH)
