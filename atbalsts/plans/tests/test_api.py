"""The plans API: the whole flow, the same rules and permissions as the pages, and bad input
(malformed JSON, wrong types, overlong text, unknown fields) answered with 400, writing nothing."""

import json

import pytest

from atbalsts.accounts.services import api_token_create
from atbalsts.core.roles import Role
from atbalsts.plans.models import Goal, GuaranteeLetter, PlanLine, PlanVersion

from .factories import make_plan

pytestmark = pytest.mark.django_db


def _auth(user):
    _token, raw = api_token_create(actor=user, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _send(client, method, url, data, headers):
    body = data if isinstance(data, str) else json.dumps(data)
    return getattr(client, method)(url, data=body, content_type="application/json", **headers)


def _line(world, revision, **overrides):
    return {
        "revision": revision,
        "service_type_id": world.support_person.pk,
        "provider_id": world.provider.pk,
        "quantity": "10",
        "start": "2026-01-01",
        "months": 6,
        "funding_source": "individual_budget",
        **overrides,
    }


def test_the_whole_flow_through_the_api(client, world):
    h = _auth(world.worker)
    created = _send(
        client,
        "post",
        f"/api/plans/clients/{world.client.pk}/plans",
        {"start": "2026-01-01", "end": "2026-12-31"},
        h,
    )
    assert created.status_code == 201, created.content
    version = created.json()
    vid = version["id"]
    assert version["status"] == "draft" and version["revision"] == 1
    goal = _send(
        client,
        "post",
        f"/api/plans/versions/{vid}/goals",
        {"revision": 1, "term": "long", "domain": "employment", "text": "Darbs"},
        h,
    )
    assert goal.status_code == 201, goal.content
    line = _send(
        client,
        "post",
        f"/api/plans/versions/{vid}/lines",
        _line(world, 2, goal_id=goal.json()["id"]),
        h,
    )
    assert line.status_code == 201, line.content
    assert line.json()["total"] == "1200.00" and line.json()["unit_price"] == "20.00"
    got = client.get(f"/api/plans/versions/{vid}", **h).json()
    assert got["budget"][0]["planned"] == "1200.00" and got["revision"] == 3
    stale = _send(
        client, "patch", f"/api/plans/lines/{line.json()['id']}", {"revision": 2, "quantity": 1}, h
    )
    assert stale.status_code == 400 and stale.json()["code"] == "conflict"
    agreed = _send(
        client,
        "post",
        f"/api/plans/versions/{vid}/agree",
        {"revision": 3, "signed_on": "2026-01-02", "sign_method": "electronic"},
        h,
    )
    assert agreed.status_code == 200, agreed.content
    assert agreed.json()["status"] == "agreed"
    letters = agreed.json()["letters"]
    assert [x["number"] for x in letters] == ["GV-BALVI-2026-0001"]
    letter = client.get(f"/api/plans/letters/{letters[0]['id']}", **h).json()
    assert letter["lines"][0]["total"] == "1200.00" and letter["municipality"] == "balvi"
    pdf = client.get(f"/api/plans/letters/{letters[0]['id']}/pdf", **h)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    refused = _send(
        client, "post", f"/api/plans/versions/{vid}/lines", _line(world, 4, months=1), h
    )
    assert refused.status_code == 400 and refused.json()["code"] == "plan_not_draft"
    active = _send(client, "post", f"/api/plans/versions/{vid}/activate", {}, h)
    assert active.json()["status"] == "active"
    new = _send(client, "post", f"/api/plans/versions/{vid}/new-version", {}, h)
    assert new.status_code == 201 and new.json()["number"] == 2
    compare = client.get(f"/api/plans/versions/{new.json()['id']}/compare", **h)
    assert compare.status_code == 200 and compare.json()["lines"] == []
    listed = client.get(f"/api/plans/clients/{world.client.pk}/plans", **h).json()
    assert [v["number"] for v in listed[0]["versions"]] == [2, 1]


def test_rules_come_back_as_400_with_codes(client, world):
    version = make_plan(world)
    h = _auth(world.worker)
    url = f"/api/plans/versions/{version.pk}/lines"
    assistant = _send(client, "post", url, _line(world, 1, service_type_id=world.assistant.pk), h)
    assert assistant.status_code == 400
    assert assistant.json()["code"] == "not_budget_fundable"
    assert "funding_source" in assistant.json()["errors"]
    over = _send(client, "post", url, _line(world, 1, quantity="26"), h)  # 3 120.00 > 3 000.00
    assert over.status_code == 400 and over.json()["code"] == "budget_exceeded"
    unregistered = _send(
        client, "post", url, _line(world, 1, provider_id=world.other_provider.pk), h
    )
    assert unregistered.json()["code"] == "provider_not_qualified"
    assert not PlanLine.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", None),
        ({"quantity": "daudz"}, "quantity"),
        ({"quantity": "1.234"}, "quantity"),
        ({"months": "seši"}, "months"),
        ({"months": 99}, "months"),
        ({"start": "01.01.2026"}, "start"),
        ({"funding_source": "lottery"}, "funding_source"),
        ({"override_reason": "x" * 501}, "override_reason"),
        ({"colour": "zaļš"}, "colour"),
        ({"revision": "pirmā"}, "revision"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-1"}, "quantity"),
        ({"quantity": "100000"}, "quantity"),
    ],
)
def test_bad_line_input_is_400_and_writes_nothing(client, world, body, field):
    version = make_plan(world)
    h = _auth(world.worker)
    data = body if isinstance(body, str) else {**_line(world, 1), **body}
    response = _send(client, "post", f"/api/plans/versions/{version.pk}/lines", data, h)
    assert response.status_code == 400, response.content
    payload = response.json()
    assert set(payload) == {"code", "message", "errors"}
    if field is None:
        assert payload["code"] == "malformed_request"
    else:
        assert field in payload["errors"], payload
    assert not PlanLine.objects.exists()
    assert PlanVersion.objects.get().revision == 1


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        {"start": "2026-01-01"},
        {"start": "2026-01-01", "end": "2026-13-01"},
        {"start": "2026-01-01", "end": "2026-12-31", "notes": "x" * 5001},
        {"start": "2026-02-01", "end": "2026-01-01"},
    ],
)
def test_bad_plan_input_is_400(client, world, body):
    h = _auth(world.worker)
    response = _send(client, "post", f"/api/plans/clients/{world.client.pk}/plans", body, h)
    assert response.status_code == 400
    assert not PlanVersion.objects.exists()


def test_goal_text_is_hidden_from_the_accountant_and_writes_are_403(client, world, make_user):
    version = make_plan(world)
    h = _auth(world.worker)
    _send(
        client,
        "post",
        f"/api/plans/versions/{version.pk}/goals",
        {"revision": 1, "term": "short", "domain": "employment", "text": "Slepens"},
        h,
    )
    accountant = make_user(Role.ACCOUNTANT, world.municipality)
    ha = _auth(accountant)
    got = client.get(f"/api/plans/versions/{version.pk}", **ha).json()
    assert got["goals"] is None and got["notes"] is None
    denied = _send(
        client,
        "post",
        f"/api/plans/versions/{version.pk}/goals",
        {"revision": 2, "term": "short", "domain": "employment", "text": "Cits"},
        ha,
    )
    assert denied.status_code == 403
    analyst = make_user(Role.ANALYST, None)
    assert client.get(f"/api/plans/versions/{version.pk}", **_auth(analyst)).status_code == 404
    assert Goal.objects.count() == 1


def test_only_the_head_approves_an_overrun(client, world, head):
    version = make_plan(world)
    url = f"/api/plans/versions/{version.pk}/overrun"
    body = {"revision": 1, "allowance": "30.00", "reason": "Ziema"}
    assert _send(client, "post", url, body, _auth(world.worker)).status_code == 403
    ok = _send(client, "post", url, body, _auth(head))
    assert ok.status_code == 200 and ok.json()["overrun_allowance"] == "30.00"


def test_extend_and_delete_through_the_api(client, world):
    h = _auth(world.worker)
    vid = _send(
        client,
        "post",
        f"/api/plans/clients/{world.client.pk}/plans",
        {"start": "2026-01-01", "end": "2026-12-31"},
        h,
    ).json()["id"]
    goal = _send(
        client,
        "post",
        f"/api/plans/versions/{vid}/goals",
        {"revision": 1, "term": "long", "domain": "employment", "text": "Darbs"},
        h,
    ).json()
    line = _send(
        client, "post", f"/api/plans/versions/{vid}/lines", _line(world, 2, months=12), h
    ).json()
    extra = _send(
        client,
        "post",
        f"/api/plans/versions/{vid}/goals",
        {"revision": 3, "term": "short", "domain": "employment", "text": "Lieks"},
        h,
    ).json()
    assert client.delete(f"/api/plans/goals/{extra['id']}?revision=4", **h).status_code == 204
    _send(
        client,
        "post",
        f"/api/plans/versions/{vid}/agree",
        {"revision": 5, "signed_on": "2026-01-02", "sign_method": "paper"},
        h,
    )
    _send(client, "post", f"/api/plans/versions/{vid}/activate", {}, h)
    bad = _send(client, "post", f"/api/plans/versions/{vid}/extend", {"end": "2026-06-30"}, h)
    assert bad.status_code == 400 and "end" in bad.json()["errors"]
    ext = _send(
        client,
        "post",
        f"/api/plans/versions/{vid}/extend",
        {"end": "2027-03-31", "from_date": "2026-10-01"},
        h,
    )
    assert ext.status_code == 201, ext.content
    # 200.00 a month planned for nine months: 6 000.00 − 1 800.00 left for six months
    assert ext.json()["extension"]["remaining"] == "4200.00"
    assert goal["id"] and line["id"]
    assert GuaranteeLetter.objects.count() == 1
