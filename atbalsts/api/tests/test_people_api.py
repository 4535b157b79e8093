"""The clients and representatives API: auth, permissions, validation, errors as 400 JSON."""

import datetime as dt
import json

import pytest

from atbalsts.accounts.services import api_token_create
from atbalsts.core.roles import Role
from atbalsts.people.models import Client, Representative
from atbalsts.people.personal_code import make_old_form
from atbalsts.people.services import consent_give
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db


def _auth(user):
    _token, raw = api_token_create(actor=user, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _payload(**overrides):
    data = {
        "target_group": "adult_grt",
        "first_name": "Oskars",
        "last_name": "Vītols",
        "personal_code": make_old_form(dt.date(1970, 2, 14), 88),
        "start_date": "2026-01-05",
    }
    data.update(overrides)
    return data


def _post(client, url, data, headers):
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


def test_requires_authentication(client):
    response = client.get("/api/people/clients")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_revoked_or_wrong_token_is_refused(client, social_worker):
    assert client.get("/api/people/clients", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_create_list_get_patch_with_token(client, social_worker, balvi):
    headers = _auth(social_worker)
    created = _post(client, "/api/people/clients", _payload(), headers)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["municipality"] == "balvi" and body["date_of_birth"] == "1970-02-14"
    listed = client.get("/api/people/clients", {"q": "vītols"}, **headers).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    got = client.get(f"/api/people/clients/{body['id']}", **headers).json()
    assert got["personal_code"] == body["personal_code"]
    patched = client.patch(
        f"/api/people/clients/{body['id']}",
        data=json.dumps({"address": "Dārza iela 1"}),
        content_type="application/json",
        **headers,
    )
    assert patched.status_code == 200 and patched.json()["address"] == "Dārza iela 1"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"personal_code": "010190-12342"}, "personal_code"),
        ({"first_name": "x" * 81}, "first_name"),
        ({"start_date": "05.01.2026x"}, "start_date"),
        ({"target_group": "martian"}, "target_group"),
        ({"unexpected": 1}, "unexpected"),
        ({"start_date": "2026-01-05", "target_group": "child_ft"}, "target_group"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_writes_nothing(
    client, social_worker, overrides, field
):
    response = _post(client, "/api/people/clients", _payload(**overrides), _auth(social_worker))
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body["errors"], body
    assert body["code"] in ("validation_failed",)
    assert Client.objects.count() == 0


def test_missing_field_is_named(client, social_worker):
    data = _payload()
    del data["last_name"]
    body = _post(client, "/api/people/clients", data, _auth(social_worker)).json()
    assert body["errors"]["last_name"] == ["Obligāts lauks."]


def test_malformed_json_is_400(client, social_worker):
    response = client.post(
        "/api/people/clients",
        data="{not json",
        content_type="application/json",
        **_auth(social_worker),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"
    assert Client.objects.count() == 0


def test_duplicate_is_400(client, social_worker):
    headers = _auth(social_worker)
    _post(client, "/api/people/clients", _payload(), headers)
    response = _post(client, "/api/people/clients", _payload(), headers)
    assert response.status_code == 400
    assert response.json()["errors"]["personal_code"] == [
        "Klients ar šo personas kodu jau ir reģistrēts."
    ]


def test_other_municipality_is_404_and_writing_there_is_403(
    client, social_worker, make_user, tukums
):
    other = make_client(actor=make_user(Role.SOCIAL_WORKER, tukums), municipality=tukums)
    headers = _auth(social_worker)
    assert client.get(f"/api/people/clients/{other.pk}", **headers).status_code == 404
    patch = client.patch(
        f"/api/people/clients/{other.pk}", data="{}", content_type="application/json", **headers
    )
    assert patch.status_code == 404
    response = _post(client, "/api/people/clients", _payload(municipality="tukums"), headers)
    assert response.status_code == 403
    assert (
        client.get(f"/api/people/clients/{other.pk}/representatives", **headers).status_code == 404
    )


def test_analyst_never_gets_names_or_codes(client, make_user, social_worker, balvi):
    c = make_client(actor=social_worker, municipality=balvi)
    consent_give(
        actor=social_worker,
        client=c,
        data={"purpose": "pseudonymised_evaluation", "given_on": c.start_date},
    )
    headers = _auth(make_user(Role.ANALYST, None))
    raw = client.get("/api/people/clients", **headers).content.decode()
    assert c.personal_code not in raw and c.last_name not in raw
    item = json.loads(raw)["items"][0]
    assert item["first_name"] is None and item["pseudonym"].startswith("P-")
    assert item["id"] is None  # no internal ids for the analyst (people/tests/test_analyst.py)
    assert client.get(f"/api/people/clients/{c.pk}/representatives", **headers).status_code == 404
    assert (
        _post(client, "/api/people/clients", _payload(municipality="balvi"), headers).status_code
        == 403
    )


def test_provider_sees_nothing(client, make_user, social_worker, balvi):
    c = make_client(actor=social_worker, municipality=balvi)
    headers = _auth(make_user(Role.PROVIDER, balvi))
    assert client.get("/api/people/clients", **headers).json()["count"] == 0
    assert client.get(f"/api/people/clients/{c.pk}", **headers).status_code == 404


def test_admin_creates_with_municipality_code(client, admin_user):
    headers = _auth(admin_user)
    missing = _post(client, "/api/people/clients", _payload(), headers)
    assert missing.status_code == 400 and "municipality" in missing.json()["errors"]
    ok = _post(client, "/api/people/clients", _payload(municipality="tukums"), headers)
    assert ok.status_code == 201 and ok.json()["municipality"] == "tukums"


def test_representatives_crud_and_reversed_dates(client, social_worker, balvi):
    c = make_client(actor=social_worker, municipality=balvi, child=True)
    headers = _auth(social_worker)
    url = f"/api/people/clients/{c.pk}/representatives"
    bad = _post(
        client,
        url,
        {
            "kind": "parent",
            "first_name": "A",
            "last_name": "B",
            "valid_from": "2026-02-01",
            "valid_to": "2026-01-01",
        },
        headers,
    )
    assert bad.status_code == 400 and bad.json()["errors"] == {
        "valid_to": ["Beigu datums nevar būt pirms sākuma datuma."]
    }
    assert Representative.objects.count() == 0
    made = _post(
        client,
        url,
        {"kind": "parent", "first_name": "A", "last_name": "B", "valid_from": "2016-01-01"},
        headers,
    )
    assert made.status_code == 201
    rep_id = made.json()["id"]
    assert [r["id"] for r in client.get(url, **headers).json()] == [rep_id]
    patched = client.patch(
        f"/api/people/representatives/{rep_id}",
        data=json.dumps({"authority": "vecāks"}),
        content_type="application/json",
        **headers,
    )
    assert patched.status_code == 200 and patched.json()["authority"] == "vecāks"
    assert client.delete(f"/api/people/representatives/{rep_id}", **headers).status_code == 204
    assert Representative.objects.count() == 0


def test_session_auth_needs_csrf_for_writes(social_worker):
    from django.test import Client as HttpClient

    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(social_worker)
    assert browser.get("/api/people/clients").status_code == 200
    response = browser.post(
        "/api/people/clients", data=json.dumps(_payload()), content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert Client.objects.count() == 0


def test_openapi_schema_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/people/clients" in response.json()["paths"]
