"""Provider records sessions → submits the invoice → the social worker confirms → the
accountant approves → the client's remaining budget falls by exactly the invoice's amount."""

import datetime as dt
from decimal import Decimal

import pytest

from atbalsts.accounts.tests.factories import PASSWORD, UserFactory
from atbalsts.billing.models import Invoice, InvoiceStatus
from atbalsts.core.money import parse_money
from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import LAST_MONTH, make_delivery_world, make_letter
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


def test_invoice_from_sessions_to_the_budget(browser, live_server):
    balvi = Municipality.objects.get(code="balvi")
    worker = UserFactory(role=Role.SOCIAL_WORKER, municipality=balvi, username="ilze")
    head = UserFactory(role=Role.HEAD, municipality=balvi, username="vadītāja")
    accountant = UserFactory(role=Role.ACCOUNTANT, municipality=balvi, username="gramatvede")
    world = make_delivery_world(worker=worker, head=head, municipality=balvi)
    letter = make_letter(world)

    provider = as_user(browser, live_server, world.staff)
    for day in (3, 10):
        provider.goto(f"{live_server.url}/delivery/letters/{letter.pk}/sessions/new/")
        provider.fill("input[name=date]", (LAST_MONTH + dt.timedelta(days=day - 1)).isoformat())
        provider.fill("input[name=start_time]", "10:00")
        provider.select_option("select[name=signed_by]", "client")
        provider.click("main button[type=submit]")
        provider.wait_for_url("**/delivery/**")
        assert "/sessions/new/" not in provider.url
    provider.click("nav >> text=Rēķini")
    provider.click("text=Iesniegt rēķinu")
    provider.select_option("select[name=municipality]", str(balvi.pk))
    provider.fill("input[name=month]", LAST_MONTH.strftime("%Y-%m"))
    provider.fill("input[name=number]", "OZ-2026/10")
    provider.click("main button[type=submit]")
    provider.wait_for_selector("h1:has-text('Rēķins OZ-2026/10')")
    assert provider.locator("#invoice-total").inner_text() == "40,00\xa0€"
    invoice = Invoice.objects.get(number="OZ-2026/10")

    social = as_user(browser, live_server, worker)
    social.goto(f"{live_server.url}{invoice.get_absolute_url()}")
    assert social.locator("#invoice-lines span.ok").inner_text() == "atbilst"
    social.click("#confirm")
    social.wait_for_selector("#invoice-status:has-text('saturs apstiprināts')")

    money = as_user(browser, live_server, accountant)
    before = remaining_budget(money, live_server, world.client)
    money.goto(f"{live_server.url}{invoice.get_absolute_url()}")
    money.click("#approve")
    money.wait_for_selector("#invoice-status:has-text('apmaksa apstiprināta')")
    after = remaining_budget(money, live_server, world.client)

    assert before - after == Decimal("40.00")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.APPROVED
    assert invoice.total == before - after
