"""The credit note pages: proposing from the invoice page (errors re-render with 400), the
decision by another person, the waiting list; the ledger moves only on approval."""

from decimal import Decimal

import pytest
from django.urls import reverse

from atbalsts.billing.models import CreditNote, CreditNoteStatus, MonthlySpend
from atbalsts.delivery.tests.factories import make_letter

from .factories import approved, record_sessions, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(world, accountant):
    letter = make_letter(world)
    record_sessions(letter, [3, 10, 17])
    return approved(world, submit(world), accountant)


def test_propose_on_the_page_and_another_person_approves(client, world, accountant, invoice):
    line = invoice.lines.get()
    client.force_login(world.worker)
    page = client.get(invoice.get_absolute_url())
    create = reverse("billing:credit_note_create", args=[invoice.pk])
    assert create in page.content.decode()
    response = client.post(create, {"reason": "", f"amount_{line.pk}": "99"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Obligāts lauks." in text
    assert "Var atsaukt ne vairāk kā 60,00" in text
    assert not CreditNote.objects.exists()
    session = line.links.order_by("session__date").first().session
    response = client.post(
        create, {"reason": "Nodarbība nenotika.", f"sessions_{line.pk}": str(session.pk)}
    )
    note = CreditNote.objects.get()
    assert response.status_code == 302
    assert response["Location"] == note.get_absolute_url()
    detail = client.get(note.get_absolute_url()).content.decode()
    assert "credit-approve" not in detail  # the proposer does not decide
    assert client.post(reverse("billing:credit_note_approve", args=[note.pk])).status_code == 403
    client.force_login(accountant)
    assert note.number in client.get(reverse("billing:credit_note_list")).content.decode()
    response = client.post(reverse("billing:credit_note_approve", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.status == CreditNoteStatus.APPROVED
    assert MonthlySpend.objects.get().amount == Decimal("40.00")
    assert note.number in client.get(invoice.get_absolute_url()).content.decode()


def test_reject_needs_a_reason(client, world, accountant, invoice):
    client.force_login(world.worker)
    client.post(
        reverse("billing:credit_note_create", args=[invoice.pk]),
        {"reason": "Kļūda.", "whole": "1"},
    )
    note = CreditNote.objects.get()
    client.force_login(accountant)
    url = reverse("billing:credit_note_reject", args=[note.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Nav pamata."}).status_code == 302
    note.refresh_from_db()
    assert note.status == CreditNoteStatus.REJECTED
    assert MonthlySpend.objects.get().amount == Decimal("60.00")


def test_the_provider_and_other_municipalities_see_nothing(
    client, world, accountant, invoice, make_user, tukums
):
    from atbalsts.core.roles import Role

    client.force_login(world.staff)
    assert client.get(reverse("billing:credit_note_create", args=[invoice.pk])).status_code == 403
    client.force_login(make_user(Role.ACCOUNTANT, tukums))
    assert client.get(reverse("billing:credit_note_create", args=[invoice.pk])).status_code == 404
