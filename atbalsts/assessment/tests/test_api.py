"""The assessment API: the same rules and permissions as the pages; bad input → 400 and
nothing written."""

import datetime as dt
import json

import pytest

from atbalsts.assessment import services
from atbalsts.assessment.models import (
    ADULT_DOMAINS,
    CHILD_DOMAINS,
    BudgetOverride,
    BudgetPeriod,
    NeedsAssessment,
)
from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db

BASE = "/api/assessment"


def post(client, url, payload, raw=None):
    body = raw if raw is not None else json.dumps(payload)
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def adult(social_worker, balvi):
    return make_client(actor=social_worker, municipality=balvi)


@pytest.fixture
def child(social_worker, balvi):
    return make_client(actor=social_worker, municipality=balvi, child=True)


def adult_payload(**overrides):
    return {
        "assessed_on": "2026-01-10",
        "own_goals": ["Kļūt par dīdžeju"],
        "anamnesis": "A",
        "scores": {d.value: 2 for d in ADULT_DOMAINS},
        **overrides,
    }


def test_full_cycle_over_the_api(client, social_worker, head, child):
    client.force_login(social_worker)
    payload = {
        "assessed_on": "2026-01-10",
        "common_goals": ["Runāt teikumos"],
        "scores": {d.value: 3 for d in CHILD_DOMAINS},
        "conclusions": [{"role": "speech_therapist", "text": "Vajag logopēdu"}],
        "recommended_services": [
            {
                "priority": 1,
                "service_name": "Logopēds",
                "intensity": "2× nedēļā",
                "parents_rank": 1,
                "service_type_id": 5,
            }
        ],
    }
    response = post(client, f"{BASE}/clients/{child.pk}/assessments", payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["recommended_services"][0]["service_type_id"] == 5
    assert "own_goals" not in body or body["own_goals"] is None
    response = post(client, f"{BASE}/assessments/{body['id']}/complete", {})
    assert response.status_code == 200
    assert response.json()["reassessment_due_on"] == "2026-07-10"
    response = client.patch(
        f"{BASE}/assessments/{body['id']}",
        json.dumps({"common_goals": ["x"]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "assessment_completed"

    response = post(
        client, f"{BASE}/clients/{child.pk}/periods", {"start": "2026-01-05", "months": 6}
    )
    assert response.status_code == 201
    period_id = response.json()["id"]
    assert response.json()["end"] == "2026-07-04"
    response = post(client, f"{BASE}/periods/{period_id}/budget", {})
    assert response.status_code == 201
    budget = response.json()
    # 3 domains × intensity 3 × 7 points = 21 → band D (18–23) → 527,00 € × 6 = 3 162,00 €.
    assert (budget["total_points"], budget["band"]["code"]) == (21, "D")
    assert budget["monthly_amount"] == "527.00"
    assert budget["period_amount"] == "3162.00"
    assert budget["explanation"][-1] == "527,00\xa0€ × 6 mēneši = 3\xa0162,00\xa0€ periodā."
    assert client.get(f"{BASE}/periods/{period_id}/budget").json()["id"] == budget["id"]

    response = post(
        client,
        f"{BASE}/budgets/{budget['id']}/overrides",
        {"monthly_amount": "600.00", "reason": "Tālu jābrauc"},
    )
    assert response.status_code == 201
    override_id = response.json()["id"]
    response = post(client, f"{BASE}/overrides/{override_id}/decision", {"decision": "approve"})
    assert response.status_code == 403
    client.force_login(head)
    response = post(client, f"{BASE}/overrides/{override_id}/decision", {"decision": "approve"})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    budget = client.get(f"{BASE}/budgets/{budget['id']}").json()
    assert (budget["monthly_amount"], budget["period_amount"]) == ("600.00", "3600.00")


@pytest.mark.parametrize(
    ("raw", "payload", "code", "field"),
    [
        ("{not json", None, "malformed_request", None),
        (None, ["a", "list"], "validation_failed", None),
        (None, adult_payload(assessed_on="10.01.2026"), "validation_failed", "assessed_on"),
        (
            None,
            adult_payload(scores={"home_living": "daudz"}),
            "validation_failed",
            "scores.home_living",
        ),
        (None, adult_payload(scores={"flying": 2}), "validation_failed", None),
        (None, adult_payload(scores={"home_living": 5}), "validation_failed", "scores.home_living"),
        (None, adult_payload(own_goals=["x" * 501]), "validation_failed", "own_goals.0"),
        (None, adult_payload(anamnesis="x" * 10001), "validation_failed", "anamnesis"),
        (None, adult_payload(anamnesis=123), "validation_failed", "anamnesis"),
        (None, adult_payload(common_goals=["x"]), "validation_failed", "common_goals"),
        (None, adult_payload(extra="x"), "validation_failed", "extra"),
    ],
)
def test_bad_assessment_input_is_400_and_nothing_written(
    client, social_worker, adult, raw, payload, code, field
):
    client.force_login(social_worker)
    response = post(client, f"{BASE}/clients/{adult.pk}/assessments", payload, raw=raw)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code
    if field:
        assert field in body["errors"], body
    assert NeedsAssessment.objects.count() == 0


def test_exact_messages_for_typical_mistakes(client, social_worker, adult):
    client.force_login(social_worker)
    response = post(
        client, f"{BASE}/clients/{adult.pk}/assessments", adult_payload(scores={"home_living": 5})
    )
    assert response.json()["errors"] == {"scores.home_living": ["Intensitātei jābūt no 0 līdz 4."]}
    response = post(
        client, f"{BASE}/clients/{adult.pk}/assessments", adult_payload(anamnesis="x" * 10001)
    )
    assert response.json()["errors"] == {"anamnesis": ["Ne vairāk kā 10000 zīmes."]}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"start": "2026-01-05", "months": 0}, "months"),
        ({"start": "2026-01-05", "months": "six"}, "months"),
        ({"start": "2026-02-30", "months": 6}, "start"),
        ({"start": "2026-01-05", "months": 6, "end": "2026-12-31"}, "end"),
        ({"start": "2026-03-01", "months": 6}, "start"),  # overlaps the existing period
    ],
)
def test_bad_period_input_is_400(client, social_worker, child, payload, field):
    services.budget_period_create(
        actor=social_worker, client=child, start=dt.date(2026, 1, 5), months=6
    )
    client.force_login(social_worker)
    response = post(client, f"{BASE}/clients/{child.pk}/periods", payload)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert BudgetPeriod.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"monthly_amount": "600.00", "reason": ""}, "reason"),
        ({"monthly_amount": "600.001", "reason": "x"}, "monthly_amount"),
        ({"monthly_amount": "abc", "reason": "x"}, "monthly_amount"),
        ({"monthly_amount": "-5", "reason": "x"}, "monthly_amount"),
        ({"monthly_amount": "600", "reason": "x" * 2001}, "reason"),
        ({"reason": "x"}, "monthly_amount"),
    ],
)
def test_bad_override_input_is_400(client, social_worker, child, payload, field):
    make_assessment(actor=social_worker, client=child)
    period = services.budget_period_create(
        actor=social_worker, client=child, start=dt.date(2026, 1, 5), months=6
    )
    budget = services.budget_compute(actor=social_worker, period=period)
    client.force_login(social_worker)
    response = post(client, f"{BASE}/budgets/{budget.pk}/overrides", payload)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert BudgetOverride.objects.count() == 0


def test_permissions_over_the_api(client, make_user, social_worker, balvi, tukums, child):
    a = make_assessment(actor=social_worker, client=child)
    period = services.budget_period_create(
        actor=social_worker, client=child, start=dt.date(2026, 1, 5), months=6
    )
    budget = services.budget_compute(actor=social_worker, period=period)
    client.force_login(make_user(Role.ACCOUNTANT, balvi))
    assert client.get(f"{BASE}/assessments/{a.pk}").status_code == 404
    assert client.get(f"{BASE}/clients/{child.pk}/assessments").json() == []
    body = client.get(f"{BASE}/budgets/{budget.pk}").json()
    assert body["monthly_amount"] == "400.00" and body["domains"] is None
    assert not any("atbalsta vajadzība" in line for line in body["explanation"])
    assert post(client, f"{BASE}/periods/{period.pk}/budget", {}).status_code == 403
    client.force_login(make_user(Role.SOCIAL_WORKER, tukums))
    assert client.get(f"{BASE}/assessments/{a.pk}").status_code == 404
    assert client.get(f"{BASE}/budgets/{budget.pk}").status_code == 404
    assert (
        post(client, f"{BASE}/clients/{child.pk}/assessments", adult_payload()).status_code == 404
    )
    client.force_login(make_user(Role.ANALYST, None))
    assert client.get(f"{BASE}/budgets/{budget.pk}").status_code == 404
    assert client.get(f"{BASE}/assessments/{a.pk}").status_code == 404
    client.force_login(make_user(Role.AUDITOR, None))
    assert client.get(f"{BASE}/assessments/{a.pk}").status_code == 200
    assert AuditEvent.objects.filter(event_type="assessment.viewed").count() == 1
    response = client.patch(f"{BASE}/assessments/{a.pk}", "{}", content_type="application/json")
    assert response.status_code == 403
    client.logout()
    assert client.get(f"{BASE}/assessments/{a.pk}").status_code == 401


def test_rules_are_readable_over_the_api(client, social_worker, make_user, balvi):
    client.force_login(social_worker)
    rules = client.get(f"{BASE}/rules").json()
    child_rule = next(r for r in rules if r["target_group"] == "child_ft")
    assert child_rule["municipality"] is None
    assert child_rule["points"]["functioning"] == [0, 2, 4, 7, 10]
    assert child_rule["bands"][-1] == {
        "code": "E",
        "min_points": 24,
        "max_points": None,
        "monthly_amount": "640.00",
    }
    assert client.get(f"{BASE}/rules/{child_rule['id']}").status_code == 200
    client.force_login(make_user(Role.PROVIDER, balvi))
    assert client.get(f"{BASE}/rules").json() == []
    assert client.get(f"{BASE}/rules/{child_rule['id']}").status_code == 404
