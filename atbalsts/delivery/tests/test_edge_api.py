"""The API of the delivery edge cases (issue 16): the same services and rules as the pages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from .factories import END, LAST_MONTH, START, make_letter

DAY = LAST_MONTH + dt.timedelta(days=2)


@pytest.fixture
def api(client: Any) -> Any:
    def call(user: Any, method: str, path: str, body: Any = None, **params: Any) -> Any:
        client.logout()
        client.force_login(user)
        kwargs = {"content_type": "application/json"} if body is not None else {}
        data = json.dumps(body) if body is not None else params or None
        return getattr(client, method)("/api" + path, data, **kwargs)

    return call


def test_cancellations_through_the_api(world: Any, api: Any) -> None:
    letter = make_letter(world)
    path = f"/delivery/letters/{letter.pk}/cancellations"
    body = {
        "line_key": letter.lines[0]["key"],
        "date": DAY.isoformat(),
        "cancelled_by": "provider",
        "reason": "other",
    }
    refused = api(world.staff, "post", path, body)
    assert refused.status_code == 400
    assert "Citam iemeslam ierakstiet paskaidrojumu." in refused.content.decode()
    made = api(world.staff, "post", path, {**body, "reason": "provider_illness"})
    assert made.status_code == 201 and made.json()["amount"] == "20.00"
    listed = api(world.worker, "get", "/delivery/cancellations").json()
    assert [c["reason"] for c in listed] == ["provider_illness"]
    (counts,) = api(world.worker, "get", "/delivery/cancellations/counts").json()
    assert counts["total"] == 1 and counts["by_whom"] == {"provider": 1}
    assert api(world.other_staff, "get", "/delivery/cancellations").json() == []


def test_pauses_and_remote_quality_through_the_api(world: Any, api: Any) -> None:
    letter = make_letter(world)
    plan_id = letter.version.plan_id
    body = {
        "line_key": letter.lines[0]["key"],
        "start": LAST_MONTH.isoformat(),
        "end": DAY.isoformat(),
        "reason": "holiday",
    }
    assert api(world.worker, "post", f"/plans/plans/{plan_id}/pauses", body).status_code == 201
    (pause,) = api(world.worker, "get", f"/plans/plans/{plan_id}/pauses").json()
    assert pause["reason"] == "holiday"
    decision = {"service_type": world.support_person.pk, "keeps_quality": True, "note": "Var."}
    path = f"/delivery/clients/{world.client.pk}/remote-quality"
    assert api(world.worker, "post", path, decision).status_code == 201
    assert api(world.staff, "post", path, decision).status_code in (403, 404)


def test_contracts_and_free_places_through_the_api(world: Any, api: Any) -> None:
    path = f"/catalog/providers/{world.provider.pk}/contracts"
    contract = {
        "number": "L-9",
        "valid_from": START.isoformat(),
        "valid_to": END.isoformat(),
        "services": [{"service_type": world.support_person.pk, "unit_price": "20.00"}],
    }
    assert api(world.worker, "post", path, contract).status_code == 403
    made = api(world.head, "post", path, contract)
    assert made.status_code == 201, made.content
    assert [c["number"] for c in api(world.worker, "get", path).json()] == ["L-9"]
    capacity = {"service_type": world.support_person.pk, "free_places": 2}
    capacity_path = f"/catalog/providers/{world.provider.pk}/capacity"
    assert api(world.staff, "put", capacity_path, capacity).json()["free_places"] == 2
    assert api(world.head, "put", capacity_path, capacity).status_code == 403
