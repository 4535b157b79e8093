"""The credit note API: propose, read, decide; 400 with field errors, 401 without
authentication, 403 for the proposer deciding or provider staff, 404 for another
municipality's invoice."""

import json
from decimal import Decimal

import pytest

from atbalsts.billing.models import CreditNote, MonthlySpend
from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import make_letter

from .factories import approved, record_sessions, submit

pytestmark = pytest.mark.django_db

BASE = "/api/billing"


def post(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


@pytest.fixture
def invoice(world, accountant):
    record_sessions(make_letter(world), [3, 10, 17])
    return approved(world, submit(world), accountant)


def test_propose_and_decide_over_the_api(client, world, accountant, invoice):
    line = invoice.lines.get()
    url = f"{BASE}/invoices/{invoice.pk}/credit-notes"
    assert post(client, url, {"reason": "x", "whole": True}).status_code == 401
    client.force_login(world.worker)
    bad = post(client, url, {"reason": "", "lines": [{"line": line.pk, "amount": "70"}]})
    assert bad.status_code == 400
    assert bad.json()["errors"] == {
        "reason": ["Obligāts lauks."],
        "lines.0.amount": [
            "Var atsaukt ne vairāk kā 60,00\xa0€ (rindas summa, kas vēl nav atsaukta)."
        ],
    }
    unknown = post(client, url, {"reason": "x", "colour": "red"})
    assert unknown.status_code == 400
    created = post(
        client, url, {"reason": "Stunda nenotika.", "lines": [{"line": line.pk, "amount": "20"}]}
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], Decimal(body["total"])) == ("proposed", Decimal("20.00"))
    note_url = f"{BASE}/credit-notes/{body['id']}"
    assert client.get(note_url).json()["number"] == body["number"]
    assert [n["id"] for n in client.get(url).json()] == [body["id"]]
    assert post(client, f"{note_url}/approve", {}).status_code == 403
    client.force_login(accountant)
    done = post(client, f"{note_url}/approve", {})
    assert done.status_code == 200
    assert done.json()["status"] == "approved"
    assert MonthlySpend.objects.get().amount == Decimal("40.00")
    again = post(client, f"{note_url}/reject", {"reason": "Par vēlu."})
    assert again.status_code == 400
    assert again.json()["code"] == "credit_note_wrong_status"


def test_who_may_not(client, world, invoice, make_user, tukums):
    url = f"{BASE}/invoices/{invoice.pk}/credit-notes"
    client.force_login(world.staff)
    assert post(client, url, {"reason": "x", "whole": True}).status_code == 403
    client.force_login(make_user(Role.ACCOUNTANT, tukums))
    assert post(client, url, {"reason": "x", "whole": True}).status_code == 404
    assert client.get(f"{BASE}/credit-notes/999999").status_code == 404
    assert not CreditNote.objects.exists()
