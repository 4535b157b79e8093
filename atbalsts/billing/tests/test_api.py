"""The billing API: the same rules and permissions as the pages; bad input → 400 and nothing
written."""

import json

import pytest

from atbalsts.billing.models import Invoice, InvoiceStatus
from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import LAST_MONTH, TODAY, make_letter

from .factories import record_sessions, submit

pytestmark = pytest.mark.django_db

BASE = "/api/billing"
MONTH = LAST_MONTH.strftime("%Y-%m")


def post(client, url, payload=None, raw=None):
    body = raw if raw is not None else json.dumps(payload or {})
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def letter(world):
    letter = make_letter(world)
    record_sessions(letter, [3, 10, 17])
    return letter


def test_the_whole_workflow_over_the_api(client, world, letter, accountant):
    client.force_login(world.staff)
    response = post(
        client,
        f"{BASE}/invoices",
        {"municipality": world.municipality.code, "month": MONTH, "number": "R-9"},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["total"] == "60.00"
    assert body["lines"][0]["differences"] == []
    invoice_id = body["id"]
    client.force_login(world.worker)
    assert post(client, f"{BASE}/invoices/{invoice_id}/confirm").status_code == 200
    client.force_login(accountant)
    response = post(client, f"{BASE}/invoices/{invoice_id}/approve")
    assert response.json()["status"] == "approved"
    response = post(
        client,
        f"{BASE}/invoices/{invoice_id}/pay",
        {"paid_on": TODAY.isoformat(), "payment_reference": "MU-3"},
    )
    assert response.json()["status"] == "paid"
    response = client.get(f"{BASE}/clients/{world.client.pk}/ledger")
    assert response.status_code == 200
    first = response.json()["periods"][0]
    row = next(r for r in first["rows"] if r["funding_source"] == "individual_budget")
    assert (row["spent"], row["remaining"]) == ("60.00", "5940.00")
    response = client.get(f"{BASE}/export", {"month": MONTH, "format": "csv"})
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())


def test_list_and_get(client, world, letter, accountant):
    invoice = submit(world)
    client.force_login(accountant)
    body = client.get(f"{BASE}/invoices", {"status": "submitted", "month": MONTH}).json()
    assert body["count"] == 1
    assert body["items"][0]["number"] == invoice.number
    assert client.get(f"{BASE}/invoices/{invoice.pk}").json()["lines"][0]["sessions"] == 3
    assert client.get(f"{BASE}/invoices", {"month": "nav"}).status_code == 400


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"municipality": "balvi", "month": "2026-13", "number": "R"}, "month"),
        ({"municipality": "balvi", "month": MONTH, "number": ""}, "number"),
        ({"municipality": "atlantida", "month": MONTH, "number": "R"}, "municipality"),
        ({"municipality": "balvi", "month": MONTH}, "number"),
        ({"municipality": "balvi", "month": MONTH, "number": "R", "x": 1}, "x"),
    ],
)
def test_submit_bad_input_is_400_and_writes_nothing(client, world, letter, payload, field):
    client.force_login(world.staff)
    response = post(client, f"{BASE}/invoices", payload)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Invoice.objects.count() == 0


def test_malformed_json_is_400(client, world, letter):
    client.force_login(world.staff)
    response = post(client, f"{BASE}/invoices", raw="{nav json")
    assert response.status_code == 400
    assert Invoice.objects.count() == 0


def test_paper_invoice_over_the_api(client, world, letter):
    client.force_login(world.worker)
    payload = {
        "provider_id": world.provider.pk,
        "month": MONTH,
        "number": "P-1",
        "lines": [
            {
                "letter_id": letter.pk,
                "line_key": letter.lines[0]["key"],
                "quantity": "3",
                "unit_price": "25.00",
            }
        ],
    }
    response = post(client, f"{BASE}/invoices/paper", payload)
    assert response.status_code == 201, response.json()
    codes = [d["code"] for d in response.json()["lines"][0]["differences"]]
    assert codes == ["price_above_letter", "amount_mismatch"]
    response = post(client, f"{BASE}/invoices/{response.json()['id']}/confirm")
    assert response.status_code == 400
    assert response.json()["code"] == "invoice_has_differences"


def test_paper_bad_line_is_400(client, world, letter):
    client.force_login(world.worker)
    payload = {
        "provider_id": world.provider.pk,
        "month": MONTH,
        "number": "P-1",
        "lines": [
            {"letter_id": letter.pk, "line_key": "x", "quantity": "3", "unit_price": "20.00"}
        ],
    }
    response = post(client, f"{BASE}/invoices/paper", payload)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "lines.0.line_key": ["Garantijas vēstulē nav šādas rindas."]
    }
    assert Invoice.objects.count() == 0


def test_permissions(client, world, letter, accountant, make_user, tukums):
    invoice = submit(world)
    client.force_login(world.other_staff)
    assert client.get(f"{BASE}/invoices/{invoice.pk}").status_code == 404
    assert client.get(f"{BASE}/invoices").json()["count"] == 0
    client.force_login(accountant)
    response = post(client, f"{BASE}/invoices/{invoice.pk}/confirm")
    assert response.status_code == 403
    client.force_login(world.worker)
    assert post(client, f"{BASE}/invoices/{invoice.pk}/approve").status_code == 403
    assert client.get(f"{BASE}/export", {"month": MONTH}).status_code == 403
    client.force_login(make_user(Role.ANALYST, None))
    assert client.get(f"{BASE}/invoices").status_code == 403
    # the analyst sees no single client (pseudonyms in a list only), so no ledger either
    assert client.get(f"{BASE}/clients/{world.client.pk}/ledger").status_code == 404
    client.force_login(world.staff)
    assert client.get(f"{BASE}/clients/{world.client.pk}/ledger").status_code == 404
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.SUBMITTED


def test_reject_needs_a_reason(client, world, letter):
    invoice = submit(world)
    client.force_login(world.worker)
    response = post(client, f"{BASE}/invoices/{invoice.pk}/reject", {"reason": ""})
    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Obligāts lauks."]}
    response = post(client, f"{BASE}/invoices/{invoice.pk}/reject", {"reason": "Kļūda"})
    assert response.json()["status"] == "rejected"


def test_unauthenticated_is_401(client):
    assert client.get(f"{BASE}/invoices").status_code == 401
