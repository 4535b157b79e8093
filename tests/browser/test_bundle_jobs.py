"""The bundle import as a background job, in the browser: the head uploads a bundle, the page
answers at once with the job waiting; they leave the page; the worker imports it; they come
back and see the finished report. A bundle with an error shows its rows the same way, and a
page left open swaps the report in by itself.

The worker runs in the test's own thread (django-tasks-db's worker API) while the browser is
not asking the server anything: on SQLite the live server and the test share one in-memory
database connection, which two threads must not use at the same moment. The page's polling
is held still with Playwright's clock until the worker is done.
"""

import pytest

from atbalsts.accounts.tests.factories import PASSWORD, UserFactory
from atbalsts.bundle.example import EXAMPLE, csv_files, xlsx_bundle
from atbalsts.core.roles import Role
from atbalsts.jobs.models import Job, JobStatus
from atbalsts.jobs.tests.conftest import run_queued
from atbalsts.people.models import Client, Municipality

from .conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(
        databases=["default", "jobs"], transaction=True, serialized_rollback=True
    ),
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.JOBS_UPLOAD_DIR = tmp_path / "uploads"


def _people():
    balvi = Municipality.objects.get(code="balvi")
    head = UserFactory(role=Role.HEAD, municipality=balvi, username="vadite")
    accountant = UserFactory(role=Role.ACCOUNTANT, municipality=balvi, username="gramatvede")
    return balvi, head, accountant


def test_leave_the_page_and_come_back_to_the_finished_report(page, live_server):
    balvi, head, _accountant = _people()
    login(page, live_server, head.username, PASSWORD)

    page.goto(f"{live_server.url}/import/")
    page.set_input_files(
        "input[name=bundle]",
        [{"name": name, "mimeType": "text/csv", "buffer": content}
         for name, content in csv_files(EXAMPLE)],
    )  # fmt: skip
    # (no approver to choose: the invoice's historic approval is a column of the bundle)
    assert page.locator("select[name=approver]").count() == 0
    page.click("#bundle-form button[type=submit]")

    # the answer comes at once: the job waits for the worker, the form is ready again
    page.wait_for_selector("#import-progress >> text=Gaida, kad sāksies apstrāde")
    assert page.url == f"{live_server.url}/import/"
    assert "gaida rindā" in page.locator("#import-jobs tbody tr").first.inner_text()
    assert Client.objects.count() == 0

    page.goto(f"{live_server.url}/")  # the user leaves
    assert run_queued() == 1  # meanwhile the worker imports the bundle
    assert Job.objects.get().status == JobStatus.DONE

    page.goto(f"{live_server.url}/import/")  # and comes back
    first = page.locator("#import-jobs tbody tr").first
    assert "pabeigts" in first.inner_text()
    assert "jauni" in first.inner_text()
    first.locator("a", has_text="Atvērt").click()
    page.wait_for_selector("text=Imports pabeigts: apstrādātas 21 rindas.")
    assert Client.objects.filter(municipality=balvi).count() == 2


def test_a_page_left_open_shows_the_errors_when_the_job_ends(page, live_server):
    _balvi, head, _accountant = _people()
    sheets = {**EXAMPLE, "clients": [row[:] for row in EXAMPLE["clients"]]}
    sheets["clients"][1][sheets["clients"][0].index("start_date")] = "2026-02-30"
    page.clock.install()  # the page's timers (htmx's polling) move only when the test says
    login(page, live_server, head.username, PASSWORD)

    page.goto(f"{live_server.url}/import/")
    page.set_input_files(
        "input[name=bundle]",
        {"name": "komplekts.xlsx", "mimeType": XLSX, "buffer": xlsx_bundle(sheets)},
    )
    page.click("#bundle-form button[type=submit]")
    page.wait_for_selector("#import-progress >> text=Gaida, kad sāksies apstrāde")

    assert run_queued() == 1  # the browser waits: its next poll is held by the clock
    page.clock.run_for(1500)  # the next poll answers with the errors

    page.wait_for_selector(".errorbox >> text=nekas netika saglabāts")
    assert "Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD." in page.inner_text(".errorbox")
    assert "neizdevās" in page.locator("#import-jobs tbody tr").first.inner_text()
    assert Client.objects.count() == 0
