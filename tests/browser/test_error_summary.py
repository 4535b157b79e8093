"""After a refused form (400) the focus is on the error summary at the top of the form, which
lists the errors with links to their fields: after a page load and after htmx swaps the form in."""

import pytest

from atbalsts.accounts.tests.factories import PASSWORD, UserFactory
from atbalsts.core.roles import Role
from atbalsts.people.models import Municipality

from .a11y import axe_problems
from .conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=["default", "jobs"]
    ),
]

FOCUSED = "() => document.activeElement && document.activeElement.id"


def test_a_refused_form_puts_the_focus_on_its_error_summary(page, live_server):
    balvi = Municipality.objects.get(code="balvi")
    worker = UserFactory(role=Role.SOCIAL_WORKER, municipality=balvi, username="ilze")
    login(page, live_server, worker.username, PASSWORD)
    page.goto(f"{live_server.url}/people/clients/new/")
    assert page.locator("[data-error-summary]").count() == 0

    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("main button[type=submit]")
    assert answer.value.status == 400
    page.wait_for_load_state("load")

    summary = page.locator("[data-error-summary]")
    assert page.evaluate(FOCUSED) == summary.get_attribute("id")
    assert summary.locator("h2").inner_text() == "Lūdzu, izlabojiet kļūdas"
    links = summary.locator("a")
    assert links.count() >= 2
    # each link names its field and leads to it
    first = links.first
    target = first.get_attribute("href").removeprefix("#")
    label = page.locator(f"label[for={target}]").inner_text().rstrip(" *")
    assert first.inner_text().startswith(f"{label}: ")
    first.click()
    assert page.evaluate(FOCUSED) == target
    assert axe_problems(page) == []


def test_a_form_htmx_swaps_in_with_errors_gets_the_focus_too(page, live_server):
    balvi = Municipality.objects.get(code="balvi")
    head = UserFactory(role=Role.HEAD, municipality=balvi, username="vaditaja")
    login(page, live_server, head.username, PASSWORD)
    page.goto(f"{live_server.url}/import/")
    page.click("#bundle-form button[type=submit]")  # no files: refused with 400, swapped in
    summary = page.wait_for_selector("#bundle-panel [data-error-summary]")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.hasAttribute('data-error-summary')"
    )
    assert summary.query_selector("li") is not None
    assert page.url == f"{live_server.url}/import/"  # the page stayed: htmx swapped the panel
