"""API tokens with limits: read-only (writes refused with 403), one municipality (others'
records invisible: 404, lists filtered), and an expiry (401 after it)."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from atbalsts.accounts.models import ApiToken
from atbalsts.accounts.services import api_token_create
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.roles import Role
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def clients_of_two(social_worker, make_user, tukums):
    worker_t = make_user(Role.SOCIAL_WORKER, tukums)
    return (
        make_client(actor=social_worker, municipality=social_worker.municipality),
        make_client(actor=worker_t, municipality=tukums),
    )


def test_read_only_token_reads_but_cannot_write(client, social_worker, clients_of_two):
    _token, raw = api_token_create(
        actor=social_worker, user=social_worker, name="r", read_only=True
    )
    listed = client.get("/api/people/clients", **_bearer(raw))
    assert listed.status_code == 200 and listed.json()["count"] == 1
    own = clients_of_two[0]
    for method in ("post", "patch"):
        refused = getattr(client, method)(
            f"/api/people/clients/{own.pk}" if method != "post" else "/api/people/clients",
            data=json.dumps({"address": "Dārza iela 1"}),
            content_type="application/json",
            **_bearer(raw),
        )
        assert refused.status_code == 403, method
        assert refused.json()["message"] == (
            "Šī API atslēga ir tikai lasīšanai: ar to nevar mainīt datus."
        )
    own.refresh_from_db()
    assert own.address != "Dārza iela 1"


def test_municipality_token_sees_only_that_municipality(client, make_user, balvi, clients_of_two):
    admin = make_user(Role.ADMIN, None)
    in_balvi, in_tukums = clients_of_two
    _t, everything = api_token_create(actor=admin, user=admin, name="all")
    _t, only_balvi = api_token_create(actor=admin, user=admin, name="b", municipality=balvi)
    assert client.get("/api/people/clients", **_bearer(everything)).json()["count"] == 2
    listed = client.get("/api/people/clients", **_bearer(only_balvi)).json()
    assert [item["id"] for item in listed["items"]] == [in_balvi.pk]
    assert (
        client.get(f"/api/people/clients/{in_balvi.pk}", **_bearer(only_balvi)).status_code == 200
    )
    hidden = client.get(f"/api/people/clients/{in_tukums.pk}", **_bearer(only_balvi))
    assert hidden.status_code == 404


def test_expired_token_is_refused_with_401(client, social_worker):
    token, raw = api_token_create(actor=social_worker, user=social_worker, name="x")
    assert client.get("/api/people/clients", **_bearer(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_on=timezone.localdate())
    assert client.get("/api/people/clients", **_bearer(raw)).status_code == 200  # its last day
    ApiToken.objects.filter(pk=token.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    expired = client.get("/api/people/clients", **_bearer(raw))
    assert expired.status_code == 401 and expired.json()["code"] == "not_authenticated"


def test_default_expiry_is_ninety_days(social_worker):
    token, _raw = api_token_create(actor=social_worker, user=social_worker, name="x")
    assert token.expires_on == timezone.localdate() + dt.timedelta(days=90)
    assert not token.read_only and token.municipality is None


def test_limits_outside_the_users_scope_are_refused(social_worker, tukums, make_user, balvi):
    with pytest.raises(ValidationFailed) as refused:
        api_token_create(actor=social_worker, user=social_worker, name="x", municipality=tukums)
    assert "municipality" in refused.value.errors
    provider_staff = make_user(Role.PROVIDER, None)
    with pytest.raises(ValidationFailed):
        api_token_create(actor=provider_staff, user=provider_staff, name="x", municipality=balvi)
    today = timezone.localdate()
    for bad in (today, today + dt.timedelta(days=366)):
        with pytest.raises(ValidationFailed) as refused:
            api_token_create(actor=social_worker, user=social_worker, name="x", expires_on=bad)
        assert "expires_on" in refused.value.errors
    assert not ApiToken.objects.exists()
    token, _raw = api_token_create(
        actor=social_worker, user=social_worker, name="x", municipality=balvi
    )
    assert token.municipality == balvi


def test_token_page_offers_the_limits_and_shows_them(client, head, balvi, tukums):
    client.force_login(head)
    page = client.get(reverse("accounts:account")).content.decode()
    default = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    assert f'value="{default}"' in page
    assert "Tikai lasīšanai" in page and str(balvi) in page and str(tukums) not in page
    made = client.post(
        reverse("accounts:token_create"),
        {
            "name": "grāmatvedība",
            "read_only": "on",
            "municipality": balvi.pk,
            "expires_on": default,
        },
    )
    assert made.status_code == 200
    body = made.content.decode()
    assert "tikai lasīšana" in body and str(balvi) in body
    token = ApiToken.objects.get()
    assert token.read_only and token.municipality == balvi
    assert token.expires_on.isoformat() == default
    listed = client.get(reverse("accounts:account")).content.decode()
    assert "tikai lasīšana" in listed


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"expires_on": "31.02.2026"}, "Datumam jābūt formā GGGG-MM-DD."),
        ({"expires_on": ""}, "Norādiet, līdz kuram datumam atslēga derīga."),
        ({"expires_on": "2020-01-01"}, "Derīguma beigu datumam jābūt nākotnē."),
        ({"expires_on": "2999-01-01"}, "Atslēga var būt derīga ne ilgāk kā līdz"),
        ({"municipality": "999999"}, "Izvēlieties pašvaldību no saraksta."),
    ],
)
def test_bad_token_input_is_400_with_a_message(client, head, data, field_message):
    client.force_login(head)
    default = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    response = client.post(
        reverse("accounts:token_create"), {"name": "x", "expires_on": default, **data}
    )
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not ApiToken.objects.exists()
