"""The delivery API: the same rules and permissions as the pages; bad input is 400 with the
field named and nothing written; provider staff work with a token."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from atbalsts.accounts.services import api_token_create
from atbalsts.delivery.models import EmergencySituation, NoShowRule, Session
from atbalsts.plans.models import GuaranteeLetter

from .factories import LAST_MONTH, DeliveryWorld, make_session
from .test_evidence import picture

BASE = "/api/delivery"
DAY = LAST_MONTH + dt.timedelta(days=2)


@pytest.fixture
def api(client: Any) -> Any:
    def call(user: Any, method: str, path: str, body: Any = None, **params: Any) -> Any:
        client.logout()
        client.force_login(user)
        kwargs = {"content_type": "application/json"} if body is not None else {}
        return getattr(client, method)(
            BASE + path, json.dumps(body) if body is not None else params or None, **kwargs
        )

    return call


def body(letter: GuaranteeLetter, **data: Any) -> dict[str, Any]:
    return {
        "letter_number": letter.number,
        "line": 1,
        "date": DAY.isoformat(),
        "start_time": "10:00",
        "duration_minutes": 60,
        "signed_by": "client",
        **data,
    }


def test_provider_records_with_a_token(
    client: Any, world: DeliveryWorld, letters: dict[str, GuaranteeLetter]
) -> None:
    _token, raw = api_token_create(actor=world.staff, user=world.staff, name="grāmatvedība")
    response = client.post(
        BASE + "/sessions",
        json.dumps(body(letters["ours"], goals_worked_on="Budžets")),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["amount"] == "20.00"
    assert data["goals_worked_on"] == "Budžets"
    assert data["is_invoiceable"] is True
    listed = client.get(BASE + "/sessions", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert listed["count"] == 1
    patched = client.patch(
        BASE + f"/sessions/{data['id']}",
        json.dumps({"duration_minutes": 90}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    ).json()
    assert patched["duration_pending"] is True and patched["amount"] == "30.00"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"duration_minutes": -10}, "duration_minutes", "Ilgumam jābūt veselam minūšu skaitam"),
        ({"date": "2026-13-40"}, "date", "Datumam jābūt formā GGGG-MM-DD."),
        ({"start_time": "tomorrow"}, "start_time", "Laikam jābūt formā SS:MM"),
        ({"line": 9}, "line_key", "nav šāda pakalpojuma"),
        ({"mode": "telepathy"}, "mode", "Nederīga vērtība"),
        ({"amount": "1000"}, "amount", "Nezināms lauks."),
        ({"date": "2000-01-01"}, "date", "ārpus garantijas vēstules"),
        ({"mode": "remote"}, "mode", "attālināti sniegt nevar"),
        ({"km": "12"}, "km", "tikai transporta pakalpojumam"),
        ({"goals_worked_on": "a\u0000b"}, "goals_worked_on", "Teksts satur neatļautu rakstzīmi."),
    ],
)
def test_bad_input_is_400_and_nothing_is_written(
    api: Any,
    world: DeliveryWorld,
    letters: dict[str, GuaranteeLetter],
    data: Any,
    field: str,
    message: str,
) -> None:
    response = api(world.staff, "post", "/sessions", body(letters["ours"], **data))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors, errors
    assert message in errors[field][0]
    assert not Session.objects.exists()


def test_a_nul_in_the_letter_number_is_not_found(
    api: Any, world: DeliveryWorld, letters: dict[str, GuaranteeLetter]
) -> None:
    response = api(world.staff, "post", "/sessions", body(letters["ours"], letter_number="G\u0000"))
    assert response.status_code == 404
    assert not Session.objects.exists()


def test_malformed_json_is_400(client: Any, world: DeliveryWorld) -> None:
    client.force_login(world.staff)
    response = client.post(BASE + "/sessions", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert not Session.objects.exists()


def test_duplicate_is_refused(
    api: Any, world: DeliveryWorld, letters: dict[str, GuaranteeLetter]
) -> None:
    assert api(world.staff, "post", "/sessions", body(letters["ours"])).status_code == 201
    response = api(world.staff, "post", "/sessions", body(letters["ours"]))
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_session"


def test_a_provider_sees_nothing_of_another(
    api: Any, world: DeliveryWorld, letters: dict[str, GuaranteeLetter]
) -> None:
    ours = make_session(letters["ours"], line=2, goals_worked_on="Trauksme")
    assert api(world.other_staff, "get", f"/sessions/{ours.pk}").status_code == 404
    assert api(world.other_staff, "get", "/sessions").json()["count"] == 0
    response = api(world.other_staff, "post", "/sessions", body(letters["ours"]))
    assert response.status_code == 404
    assert (
        api(world.other_staff, "patch", f"/sessions/{ours.pk}", {"techniques": "x"}).status_code
        == 404
    )
    # the social worker sees that the confidential session took place, not its content
    seen = api(world.worker, "get", f"/sessions/{ours.pk}").json()
    assert seen["goals_worked_on"] is None and seen["confidential"] is True


def test_my_clients_for_provider_staff_only(
    api: Any, world: DeliveryWorld, letters: dict[str, GuaranteeLetter]
) -> None:
    mine = api(world.staff, "get", "/clients").json()
    assert [c["name"] for c in mine] == [world.client.full_name]
    assert [line["line"] for line in mine[0]["lines"]] == [1, 2]
    assert "personal_code" not in json.dumps(mine)
    assert api(world.worker, "get", "/clients").status_code == 403


def test_worker_accepts_exceptions(
    api: Any, world: DeliveryWorld, letters: dict[str, GuaranteeLetter]
) -> None:
    session = make_session(letters["ours"], duration_minutes=30)
    url = f"/sessions/{session.pk}/accept-duration"
    assert api(world.staff, "post", url, {"reason": "ok"}).status_code == 403
    assert api(world.worker, "post", url, {"reason": ""}).status_code == 400
    accepted = api(world.worker, "post", url, {"reason": "Klientam kļuva slikti"})
    assert accepted.json()["is_invoiceable"] is True
    remote = make_session(letters["ours"], line=2, mode="remote")
    url = f"/sessions/{remote.pk}/accept-no-evidence"
    assert api(world.worker, "post", url, {"reason": "Zvanīju"}).json()["is_invoiceable"]


def test_no_shows_listed(
    api: Any, world: DeliveryWorld, letters: dict[str, GuaranteeLetter]
) -> None:
    make_session(letters["ours"], status="no_show_notice")
    shows = api(world.worker, "get", f"/clients/{world.client.pk}/no-shows").json()
    assert [s["status"] for s in shows] == ["no_show_notice"]


def test_calendar_data(api: Any, world: DeliveryWorld, letters: dict[str, GuaranteeLetter]) -> None:
    session = make_session(letters["ours"])
    data = api(world.staff, "get", "/calendar", month=f"{LAST_MONTH:%Y-%m}").json()
    assert data["month"] == LAST_MONTH.isoformat()
    rows = {row["service"]: row for row in data["rows"]}
    support = rows[world.support_person.name_lv]
    assert support["recorded"] == [session.pk]
    assert len(support["planned"]) == 10
    # the other provider's rows are not in our calendar
    assert {row["provider"] for row in data["rows"]} == {world.provider.name}


def test_emergencies_and_rules(api: Any, world: DeliveryWorld) -> None:
    emergency = {"start": "2026-03-16", "reason": "Covid-19"}
    assert api(world.worker, "post", "/emergencies", emergency).status_code == 403
    assert api(world.head, "post", "/emergencies", {"start": "x", "reason": ""}).status_code == 400
    created = api(world.head, "post", "/emergencies", emergency)
    assert created.status_code == 201
    pk = created.json()["id"]
    ended = api(world.head, "post", f"/emergencies/{pk}/end", {"end": "2026-05-31"})
    assert ended.json()["end"] == "2026-05-31"
    assert len(api(world.staff, "get", "/emergencies").json()) == 1
    assert EmergencySituation.objects.count() == 1
    rule = {"share_percent": "200", "valid_from": "2026-01-01"}
    response = api(world.head, "post", "/no-show-rules", rule)
    assert response.status_code == 400
    assert response.json()["errors"]["share_percent"]
    assert not NoShowRule.objects.exists()
    rule["share_percent"] = "50"
    assert api(world.head, "post", "/no-show-rules", rule).json()["share_percent"] == "50.00"


def test_remote_evidence_uploaded_through_the_api(
    client: Any, world: DeliveryWorld, letters: dict[str, GuaranteeLetter]
) -> None:
    remote = make_session(letters["ours"], line=2, mode="remote")
    assert remote.is_invoiceable is False
    client.force_login(world.staff)
    url = f"{BASE}/sessions/{remote.pk}/evidence"
    fake = SimpleUploadedFile("shot.png", b"not an image", content_type="image/png")
    bad = client.post(url, {"file": fake})
    assert bad.status_code == 400 and "evidence_file" in bad.json()["errors"]
    png = SimpleUploadedFile("shot.png", picture(), content_type="image/png")
    ok = client.post(url, {"file": png})
    assert ok.status_code == 200, ok.content
    remote.refresh_from_db()
    assert remote.evidence_file and remote.is_invoiceable
