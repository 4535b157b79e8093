"""A provider's week in the attendance grid and a group session, in a real browser: several
sessions recorded at once (htmx, the page stays), a refused cell named with its person and
day, the recorded cells shown as recorded; one group session for two people, each priced by
their own letter. At a phone's width the page does not scroll sideways; axe-core is clean."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from atbalsts.accounts.tests.factories import PASSWORD, UserFactory
from atbalsts.assessment.dates import add_months
from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.core.dates import dmy
from atbalsts.core.roles import Role
from atbalsts.delivery.models import Session
from atbalsts.delivery.tests.factories import (
    LAST_MONTH,
    START,
    make_delivery_world,
    make_letter,
)
from atbalsts.people.models import Municipality
from atbalsts.people.tests.factories import make_client
from atbalsts.plans.tests.factories import make_budget

from .a11y import PHONE, axe_available, axe_problems, overflow
from .conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=["default", "jobs"]
    ),
]

# A whole week of last month (Monday to Sunday), wholly in the past.
MONDAY = LAST_MONTH + dt.timedelta(days=(7 - LAST_MONTH.weekday()) % 7)


def _provider_world():
    balvi = Municipality.objects.get(code="balvi")
    worker = UserFactory(role=Role.SOCIAL_WORKER, municipality=balvi, username="ilze")
    head = UserFactory(role=Role.HEAD, municipality=balvi, username="vaditaja")
    world = make_delivery_world(
        worker=worker, head=head, municipality=balvi, first_name="Anna", last_name="Bērziņa"
    )
    first = make_letter(world, service_type=world.session_service, session_minutes=45)
    client = make_client(actor=worker, municipality=balvi, first_name="Ēriks", last_name="Čakste")
    make_assessment(actor=worker, client=client)
    make_budget(actor=worker, client=client, start=START)
    make_budget(actor=worker, client=client, start=add_months(START, 6))
    second = make_letter(
        dataclasses.replace(world, client=client),
        service_type=world.session_service,
        session_minutes=45,
        agreed_unit_price="27.50",
        agreed_price_reason="Grupas cena",
    )
    world.staff.username = "ozols"
    world.staff.save(update_fields=["username"])
    return world, first, second


def _cell(letter, day):
    return f"select[name='c-{letter.pk}-{letter.lines[0]['key']}-{day.isoformat()}']"


def test_a_provider_walks_a_week_in_the_grid_and_enters_a_group_session(page, live_server):
    world, first, second = _provider_world()
    login(page, live_server, "ozols", PASSWORD)
    page.click("header nav a[href='/delivery/grid/']")
    assert page.locator("h1").inner_text() == "Apmeklējuma tabula"

    # to last month's week by the arrows (htmx: the grid is swapped, the address follows)
    grid_url = f"{live_server.url}/delivery/grid/?view=week&no={MONDAY.isoformat()}"
    today = dt.date.today()
    shown = today - dt.timedelta(days=today.weekday())
    while shown > MONDAY:
        shown -= dt.timedelta(days=7)
        page.click("#grid .actions a:first-child")
        page.wait_for_selector(f"#grid h2:has-text('{dmy(shown)} – ')")
    assert page.url == grid_url
    loads = page.evaluate("() => performance.getEntriesByType('navigation').length")

    # a week: Monday to Wednesday for Anna (one cell refused first), Tuesday for Ēriks
    page.fill(f"input[name='r-{first.pk}-{first.lines[0]['key']}-time']", "10:00")
    for offset in (0, 1, 2):
        page.select_option(_cell(first, MONDAY + dt.timedelta(days=offset)), "held:client")
    page.select_option(_cell(second, MONDAY + dt.timedelta(days=1)), "no_show_notice")
    page.click("#grid button[type=submit]")
    summary = page.wait_for_selector("#grid [data-error-summary]")
    text = summary.inner_text()
    assert "Ēriks Čakste" in text
    assert dmy(MONDAY + dt.timedelta(days=1)) in text  # Ēriks's row has no start time
    assert Session.objects.count() == 0  # all or nothing
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.hasAttribute('data-error-summary')"
    )
    page.fill(f"input[name='r-{second.pk}-{second.lines[0]['key']}-time']", "12:00")
    page.click("#grid button[type=submit]")
    page.wait_for_selector("#grid .messages >> text=Reģistrētas 4 nodarbības.")
    assert Session.objects.count() == 4
    assert page.locator(_cell(first, MONDAY)).count() == 0  # recorded: shown, not offered
    assert page.locator("#grid td.recorded a").count() == 4
    assert page.evaluate("() => performance.getEntriesByType('navigation').length") == loads
    page.set_viewport_size(PHONE)
    assert overflow(page) is None
    if axe_available():
        assert axe_problems(page) == []
    page.goto(grid_url)
    assert page.locator("#grid td.recorded a").count() == 4  # still there on a fresh load

    # a group session: one service, day and time for both
    page.goto(f"{live_server.url}/delivery/group/")
    page.select_option("#group-service", str(world.session_service.pk))
    page.click("main form[method=get] button[type=submit]")
    page.wait_for_selector("#group-body table.members")
    day = MONDAY + dt.timedelta(days=3)
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start_time", "11:00")
    for letter in (first, second):
        prefix = f"m-{letter.pk}-{letter.lines[0]['key']}"
        page.check(f"input[name='{prefix}-in']")
        page.select_option(f"select[name='{prefix}-signed_by']", "client")
    assert overflow(page) is None
    if axe_available():
        assert axe_problems(page) == []
    page.click("#group-body button[type=submit]")
    page.wait_for_selector("text=Reģistrētas 2 nodarbības.")
    group = list(Session.objects.filter(date=day).order_by("amount"))
    assert [s.amount for s in group] == [Decimal("27.50"), Decimal("30.00")]
    assert group[0].group_key == group[1].group_key is not None
    assert page.locator("main >> text=Grupas nodarbība").count() >= 1
