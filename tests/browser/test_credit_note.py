"""An accountant corrects a paid invoice with a credit note and another person (the head)
approves it: the client's remaining budget and the pilot report move by exactly the credited
amount, in the invoice's month."""

from decimal import Decimal
from typing import Any

import pytest

from atbalsts.accounts.tests.factories import PASSWORD, UserFactory
from atbalsts.assessment.dates import add_months
from atbalsts.billing import services
from atbalsts.billing.models import CreditNote, CreditNoteStatus
from atbalsts.billing.tests.factories import approved, record_sessions, submit
from atbalsts.core.money import parse_money
from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import LAST_MONTH, TODAY, make_delivery_world, make_letter
from atbalsts.people.models import Municipality

from .conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def as_user(browser, live_server, user):
    context = browser.new_context(locale="lv-LV")
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, live_server, user.username, PASSWORD)
    return page


def remaining_budget(page, live_server, client):
    page.goto(f"{live_server.url}{client.get_absolute_url()}")
    cell = page.locator(
        "#budget-ledger table >> nth=0 >> tr[data-source=individual_budget] td.remaining"
    )
    return parse_money(cell.inner_text())


def report_total(page, live_server, group):
    last_day = add_months(LAST_MONTH, 1).replace(day=1)
    page.goto(
        f"{live_server.url}/reports/pilot/?group={group}"
        f"&date_from={LAST_MONTH.isoformat()}&date_to={(last_day).isoformat()}"
    )
    return parse_money(
        page.locator("dt:has-text('Kopā izlietots pakalpojumiem') + dd").inner_text()
    )


def test_an_accountant_corrects_a_paid_invoice(browser, live_server):
    balvi = Municipality.objects.get(code="balvi")
    worker = UserFactory(role=Role.SOCIAL_WORKER, municipality=balvi, username="ilze")
    head = UserFactory(role=Role.HEAD, municipality=balvi, username="vaditaja")
    accountant: Any = UserFactory(role=Role.ACCOUNTANT, municipality=balvi, username="gramatvede")
    world = make_delivery_world(worker=worker, head=head, municipality=balvi)
    record_sessions(make_letter(world), [3, 10, 17])
    invoice = services.invoice_pay(
        actor=accountant,
        invoice=approved(world, submit(world, number="OZ-2026/11"), accountant),
        paid_on=TODAY,
        payment_reference="MU-11",
    )
    group = "adult" if world.client.target_group == "adult_grt" else "child"

    money = as_user(browser, live_server, accountant)
    budget_before = remaining_budget(money, live_server, world.client)
    boss = as_user(browser, live_server, head)
    report_before = report_total(boss, live_server, group)

    line = invoice.lines.get()
    money.goto(f"{live_server.url}{invoice.get_absolute_url()}")
    money.click("#credit-note-new")
    money.fill("#id_reason", "Nodarbība 17. datumā nenotika; sniedzējs to ierakstīja kļūdaini.")
    money.fill(f"#amount_{line.pk}", "20,00")
    money.fill(f"input[name=quantity_{line.pk}]", "1")
    money.click("#credit-submit")
    money.wait_for_selector("#credit-status:has-text('gaida lēmumu')")
    assert money.locator("#credit-approve").count() == 0  # four eyes: not the proposer
    note = CreditNote.objects.get()

    boss.goto(f"{live_server.url}{note.get_absolute_url()}")
    boss.click("#credit-approve")
    boss.wait_for_selector("#credit-status:has-text('apstiprināts')")
    note.refresh_from_db()
    assert note.status == CreditNoteStatus.APPROVED

    budget_after = remaining_budget(money, live_server, world.client)
    report_after = report_total(boss, live_server, group)
    assert budget_after - budget_before == Decimal("20.00")
    assert report_before - report_after == Decimal("20.00")
    money.goto(f"{live_server.url}{invoice.get_absolute_url()}")
    assert note.number in money.locator("#invoice-credit-notes").inner_text()
