"""The ministry analyst sees clients only as pseudonyms of those who consented to
pseudonymised evaluation: no internal ids, no birth year, disability or legal capacity, no
page of one client, and an order by pseudonym, not by surname (issue 18)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from atbalsts.core.roles import Role
from atbalsts.people import services
from atbalsts.people.models import Client
from atbalsts.people.policies import client_policy
from atbalsts.people.pseudonyms import client_pseudonym
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db

SURNAMES = ["Ābele", "Bērziņa", "Cīrule", "Dūmiņa", "Eglīte", "Ozola", "Zariņa"]


def _consent(actor: Any, client: Client, *, revoked: bool = False) -> None:
    consent = services.consent_give(
        actor=actor,
        client=client,
        data={"purpose": "pseudonymised_evaluation", "given_on": dt.date(2026, 1, 10)},
    )
    if revoked:
        services.consent_revoke(
            actor=actor, consent=consent, revoked_on=dt.date(2026, 2, 1), reason="Atsauca"
        )


@pytest.fixture
def people(social_worker: Any, balvi: Any) -> dict[str, Any]:
    clients = [
        make_client(actor=social_worker, municipality=balvi, last_name=name) for name in SURNAMES
    ]
    for c in clients[:5]:
        _consent(social_worker, c)
    _consent(social_worker, clients[5], revoked=True)  # revoked: out; clients[6]: never gave
    return {"consenting": clients[:5], "out": clients[5:]}


@pytest.fixture
def analyst(make_user: Any) -> Any:
    return make_user(Role.ANALYST, None)


def test_the_policy_shows_the_analyst_only_consenting_clients(analyst: Any, people: Any) -> None:
    visible = set(client_policy.visible(analyst, Client.objects.all()))
    assert visible == set(people["consenting"])
    assert client_policy.pseudonymous_only(analyst)
    assert not any(client_policy.can(analyst, "view", c) for c in people["consenting"])


def test_the_list_is_pseudonyms_in_their_order_without_ids_or_details(
    client: Any, analyst: Any, people: Any
) -> None:
    client.force_login(analyst)
    response = client.get(reverse("people:client_list"))
    assert response.status_code == 200
    body = response.content.decode()
    shown = re.findall(r"P-[0-9A-F]{12}", body)
    expected = sorted(client_pseudonym(c.pk) for c in people["consenting"])
    assert shown == expected  # by pseudonym, not by surname
    for c in people["out"]:
        assert client_pseudonym(c.pk) not in body
    for c in people["consenting"] + people["out"]:
        assert c.last_name not in body and c.personal_code not in body
        assert f"/people/clients/{c.pk}/" not in body
    assert "Dzimšanas" not in body and "Invaliditāte" not in body and "Rīcībspēja" not in body


def test_the_analyst_opens_no_client(client: Any, analyst: Any, people: Any) -> None:
    client.force_login(analyst)
    c = people["consenting"][0]
    assert client.get(reverse("people:client_detail", args=[c.pk])).status_code == 404
    assert client.get(f"/api/people/clients/{c.pk}").status_code == 404


def test_the_api_gives_the_analyst_pseudonyms_without_ids(
    client: Any, analyst: Any, people: Any
) -> None:
    client.force_login(analyst)
    data = client.get("/api/people/clients", {"limit": 100}).json()
    assert data["count"] == 5
    pseudonyms = [item["pseudonym"] for item in data["items"]]
    assert pseudonyms == sorted(client_pseudonym(c.pk) for c in people["consenting"])
    for item in data["items"]:
        assert item["id"] is None and item["birth_year"] is None
        assert item["disability_group"] is None and item["legal_capacity"] is None
        assert item["first_name"] is None and item["personal_code"] is None
    page = client.get("/api/people/clients", {"offset": 3, "limit": 2}).json()
    assert [i["pseudonym"] for i in page["items"]] == pseudonyms[3:5]
