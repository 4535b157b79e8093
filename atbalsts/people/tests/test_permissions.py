"""The permission matrix: role × own/other municipality × action, via the policy and via HTTP."""

import pytest
from django.urls import reverse

from atbalsts.accounts.tests.factories import (
    ACC,
    ADM,
    AN,
    AUD,
    HEAD,
    MUNICIPAL,
    PROV,
    SW,
    user_in_role,
)
from atbalsts.core.policies import Action
from atbalsts.people.policies import client_policy
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db

# role: (view, identity, notes, change, delete, audit) for a client of the user's OWN municipality;
# national roles (analyst, auditor, admin) have no municipality and see every municipality.
MATRIX = {
    SW: (True, True, True, True, False, False),
    HEAD: (True, True, True, True, True, True),
    ACC: (True, True, False, False, False, False),
    PROV: (False, False, False, False, False, False),
    AN: (False, False, False, False, False, False),  # a list of pseudonyms only (test_analyst)
    AUD: (True, True, True, False, False, True),
    ADM: (True, True, True, True, True, True),
}
ACTIONS = (
    Action.VIEW,
    Action.VIEW_IDENTITY,
    Action.VIEW_NOTES,
    Action.CHANGE,
    Action.DELETE,
    Action.VIEW_AUDIT,
)


@pytest.fixture
def clients(make_user, balvi, tukums):
    writer_b = make_user(SW, balvi)
    writer_t = make_user(SW, tukums)
    return {
        "own": make_client(actor=writer_b, municipality=balvi),
        "other": make_client(actor=writer_t, municipality=tukums),
    }


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize("action_index", range(len(ACTIONS)))
def test_policy_matrix(make_user, balvi, clients, role, where, action_index):
    user = user_in_role(role, balvi)
    expected = MATRIX[role][action_index]
    if where == "other" and role in MUNICIPAL:
        expected = False
    assert client_policy.can(user, ACTIONS[action_index], clients[where]) is expected


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("where", ["own", "other"])
def test_http_matrix(client, make_user, balvi, clients, role, where):
    user = user_in_role(role, balvi)
    client.force_login(user)
    target = clients[where]
    can_view = MATRIX[role][0] and not (where == "other" and role in MUNICIPAL)
    can_change = MATRIX[role][3] and not (where == "other" and role in MUNICIPAL)
    detail = client.get(reverse("people:client_detail", args=[target.pk]))
    assert detail.status_code == (200 if can_view else 404)
    if can_view:
        body = detail.content.decode()
        assert (target.personal_code in body) is MATRIX[role][1]
        assert (target.last_name in body) is MATRIX[role][1]
    edit = client.get(reverse("people:client_edit", args=[target.pk]))
    assert edit.status_code == (200 if can_change else 404 if not can_view else 403)
    listing = client.get(reverse("people:client_list"))
    if role == PROV:
        assert listing.status_code == 403
    else:
        assert listing.status_code == 200
        assert (target.get_absolute_url() in listing.content.decode()) is can_view


def test_anonymous_user_is_sent_to_login(client, clients):
    response = client.get(reverse("people:client_detail", args=[clients["own"].pk]))
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_visible_filters_querysets_by_municipality(make_user, balvi, clients):
    from atbalsts.people.models import Client

    sw = make_user(SW, balvi)
    assert list(client_policy.visible(sw, Client.objects.all())) == [clients["own"]]
    analyst = make_user(AN, None)  # only clients who consented to research (test_analyst)
    assert client_policy.visible(analyst, Client.objects.all()).count() == 0
    provider = make_user(PROV, balvi)
    assert client_policy.visible(provider, Client.objects.all()).count() == 0


def test_inactive_user_can_do_nothing(make_user, balvi, clients):
    user = make_user(HEAD, balvi, is_active=False)
    assert not client_policy.can(user, Action.VIEW, clients["own"])
