"""A social worker signs in, registers a client and finds them in the list."""

import datetime as dt

import pytest

from atbalsts.accounts.tests.factories import PASSWORD, UserFactory
from atbalsts.core.roles import Role
from atbalsts.people.models import Client, Municipality
from atbalsts.people.personal_code import make_old_form
from atbalsts.people.tests.factories import make_client

from .conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_social_worker_creates_a_client_and_finds_it(page, live_server):
    balvi = Municipality.objects.get(code="balvi")
    worker = UserFactory(role=Role.SOCIAL_WORKER, municipality=balvi, username="ilze")
    make_client(actor=worker, municipality=balvi, first_name="Inese", last_name="Liepa")
    login(page, live_server, worker.username, PASSWORD)

    page.click("text=Klienti")
    page.click("text=Jauns klients")
    page.select_option("select[name=target_group]", "child_ft")
    page.fill("input[name=first_name]", "Mārtiņš")
    page.fill("input[name=last_name]", "Ozoliņš")
    code = make_old_form(dt.date(2017, 3, 14), 210)
    page.fill("input[name=personal_code]", "170314-00000")
    page.fill("input[name=start_date]", "2026-01-05")
    page.click("main button[type=submit]")
    assert page.locator(".error").first.inner_text().startswith("Personas koda")
    page.fill("input[name=personal_code]", code)
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('Mārtiņš Ozoliņš')")
    assert "14.03.2017" in page.content()

    page.click("nav >> text=Klienti")
    assert page.locator("#client-table >> text=Liepa, Inese").count() == 1
    page.fill("input[name=q]", "ozoliņš")
    page.wait_for_selector("#client-table >> text=Liepa, Inese", state="detached")
    assert page.locator("#client-table >> text=Ozoliņš, Mārtiņš").count() == 1
    page.wait_for_url("**q=**")  # htmx pushed the search into the address bar
    assert Client.objects.filter(personal_code=code).exists()
