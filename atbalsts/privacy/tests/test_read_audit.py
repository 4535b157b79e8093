"""Reads in bulk, failed sign-ins and sign-outs are audit events (issue 18): one event per
request with the ids returned, never a personal code or a password."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from atbalsts.core.audit import AuditEventType
from atbalsts.core.models import AuditEvent
from atbalsts.core.read_audit import masked_username
from atbalsts.delivery.tests.factories import make_delivery_world, make_letter, make_session
from atbalsts.people import services as people_services
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db

PASSWORD = "Parole-pareiza-123"


def _events(kind: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=kind).order_by("pk"))


def _clients(social_worker: Any, balvi: Any) -> list[Any]:
    return [
        make_client(actor=social_worker, municipality=balvi),
        make_client(actor=social_worker, municipality=balvi, first_name="Jānis", last_name="Ozols"),
    ]


def test_listing_clients_with_codes_is_one_event_with_the_ids(
    client: Any, social_worker: Any, balvi: Any
) -> None:
    shown = _clients(social_worker, balvi)
    client.force_login(social_worker)
    assert client.get(reverse("people:client_list")).status_code == 200
    [event] = _events(AuditEventType.CLIENTS_LISTED)
    assert event.actor == social_worker and event.municipality_id == balvi.pk
    assert event.extra_data["ids"] == sorted(c.pk for c in shown)
    assert event.extra_data["count"] == 2 and event.extra_data["via"] == "web"


def test_a_search_by_personal_code_records_the_ids_but_never_the_code(
    client: Any, social_worker: Any, balvi: Any
) -> None:
    anna, _ = _clients(social_worker, balvi)
    client.force_login(social_worker)
    response = client.get(reverse("people:client_list"), {"q": anna.personal_code})
    assert [r["client"] for r in response.context["rows"]] == [anna]
    [event] = _events(AuditEventType.CLIENTS_SEARCHED)
    assert event.extra_data["ids"] == [anna.pk] and event.extra_data["search"] == "personal_code"
    raw = json.dumps(event.extra_data)
    assert anna.personal_code not in raw and anna.personal_code[:6] not in raw
    client.get(reverse("people:client_list"), {"q": "Nekāds"})
    assert _events(AuditEventType.CLIENTS_SEARCHED)[-1].extra_data["ids"] == []  # a miss, too
    assert _events(AuditEventType.CLIENTS_SEARCHED)[-1].extra_data["search"] == "name"


def test_the_api_list_and_representatives_are_audited(
    client: Any, social_worker: Any, balvi: Any
) -> None:
    anna, _janis = _clients(social_worker, balvi)
    rep = people_services.representative_create(
        actor=social_worker,
        client=anna,
        data={
            "kind": "guardian",
            "first_name": "Ilze",
            "last_name": "Bērziņa",
            "valid_from": "2026-01-01",
        },
    )
    client.force_login(social_worker)
    assert client.get("/api/people/clients", {"q": anna.personal_code}).status_code == 200
    [search] = _events(AuditEventType.CLIENTS_SEARCHED)
    assert search.extra_data == {
        "ids": [anna.pk],
        "count": 1,
        "via": "api",
        "search": "personal_code",
    }
    assert client.get(f"/api/people/clients/{anna.pk}/representatives").status_code == 200
    [reps] = _events(AuditEventType.REPRESENTATIVES_READ)
    assert reps.client_id == anna.pk and reps.extra_data["ids"] == [rep.pk]


def test_a_failed_sign_in_names_the_account_never_the_password(
    client: Any, social_worker: Any
) -> None:
    social_worker.set_password(PASSWORD)
    social_worker.save()
    url = reverse("accounts:login")
    client.post(url, {"username": social_worker.username, "password": "nepareizi-42"})
    [event] = _events(AuditEventType.LOGIN_FAILED)
    assert event.actor is None and event.subject_id == str(social_worker.pk)
    assert event.extra_data["known"] is True and "nepareizi-42" not in json.dumps(event.extra_data)


def test_a_failed_sign_in_with_a_code_for_a_username_keeps_no_code(client: Any) -> None:
    client.post(reverse("accounts:login"), {"username": "010190-12345", "password": "x"})
    client.post(reverse("accounts:login"), {"username": "Mana-Parole-1", "password": "x"})
    first, second = _events(AuditEventType.LOGIN_FAILED)
    for event in (first, second):
        raw = json.dumps(event.extra_data)
        assert "010190" not in raw and "Mana-Parole" not in raw
        assert event.extra_data["known"] is False and event.subject_id == ""
    assert masked_username("010190-12345") == "***" and masked_username("anna") == "anna"


def test_signing_out_is_audited(client: Any, social_worker: Any) -> None:
    client.force_login(social_worker)
    client.post(reverse("accounts:logout"))
    [event] = _events(AuditEventType.LOGOUT)
    assert event.actor == social_worker


@pytest.fixture
def world(social_worker: Any, head: Any, balvi: Any) -> Any:
    return make_delivery_world(worker=social_worker, head=head, municipality=balvi)


def test_a_provider_reading_the_shared_card_is_audited(client: Any, world: Any) -> None:
    letter = make_letter(world, quantity=Decimal("4"))
    session = make_session(letter, goals_worked_on="Patstāvība", techniques="Saruna")
    client.force_login(world.staff)
    response = client.get(reverse("delivery:client_detail", args=[world.client.pk]))
    assert response.status_code == 200
    [event] = _events(AuditEventType.CARD_READ)
    assert event.actor == world.staff and event.client_id == world.client.pk
    assert event.extra_data["ids"] == [session.pk]


def test_the_api_sessions_list_with_notes_is_audited(client: Any, world: Any) -> None:
    letter = make_letter(world, quantity=Decimal("4"))
    session = make_session(letter, goals_worked_on="Patstāvība")
    client.force_login(world.worker)
    assert client.get("/api/delivery/sessions").status_code == 200
    [event] = _events(AuditEventType.SESSIONS_READ)
    assert event.actor == world.worker and event.extra_data["ids"] == [session.pk]
