"""The pilot report with figures — its monthly chart, the values on its columns and the months'
table beside it — fits a phone (390 px) and a tablet (768 px) without sideways scrolling, and
axe-core finds no serious problem on it."""

import pytest

from atbalsts.accounts.tests.factories import PASSWORD, UserFactory
from atbalsts.core.roles import Role
from atbalsts.people.models import Municipality
from atbalsts.people.tests.factories import make_client
from atbalsts.reporting.tests.conftest import JAN
from atbalsts.reporting.tests.factories import make_spend, service

from .a11y import WIDTHS, axe_available, axe_problems, overflow
from .conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_report_with_its_monthly_chart_and_table_fits_a_phone(browser, live_server):
    balvi = Municipality.objects.get(code="balvi")
    head = UserFactory(role=Role.HEAD, municipality=balvi, username="vaditaja")
    child = make_client(actor=head, municipality=balvi, child=True, start_date=JAN)
    for month in range(1, 13):  # a year of months: the values read upwards on the columns
        make_spend(
            client=child,
            service_type=service("Ģimenes asistenta pakalpojums"),
            month=JAN.replace(month=month),
            amount=f"{month * 1234}.50",
        )
    context = browser.new_context(locale="lv-LV")
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, live_server, head.username, PASSWORD)
    page.goto(
        f"{live_server.url}/reports/pilot/?group=child_ft"
        f"&date_from={JAN.year}-01-01&date_to={JAN.year}-12-31"
    )
    table = page.locator(".chart-with-table table.months")
    assert table.locator("tbody tr").count() == 12
    assert "808,50" in table.inner_text()  # December: 14 808,50
    assert page.locator(".chart-with-table svg text.value").count() == 12
    problems = []
    for size in WIDTHS:
        page.set_viewport_size(size)
        wide = overflow(page)
        if wide:
            problems.append(f"{size['width']} px: {wide}")
        if axe_available():
            problems += [f"{size['width']} px: {v}" for v in axe_problems(page)]
    context.close()
    assert problems == []
