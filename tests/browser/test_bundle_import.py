"""The head of the social service uploads a small bundle on the import page: the form is
posted in the background, the progress bar shows the rows being saved, the report replaces
it and the run appears in the list; a bundle with an error shows the row-by-row report."""

import time

import pytest

from atbalsts.accounts.tests.factories import PASSWORD, UserFactory
from atbalsts.bundle import progress
from atbalsts.bundle.example import EXAMPLE, csv_files, xlsx_bundle
from atbalsts.bundle.models import ImportRun, RunStatus
from atbalsts.core.roles import Role
from atbalsts.people.models import Client, Municipality

from .conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _slow_rows(monkeypatch, seconds=0.15):
    """Each saved row takes a little while, so the page has time to show the progress."""
    record = progress.Tracker.__call__

    def slowly(self, done, total):
        time.sleep(seconds)
        record(self, done, total)

    monkeypatch.setattr(progress.Tracker, "__call__", slowly)


def test_head_imports_a_bundle_and_watches_the_progress(page, live_server, monkeypatch):
    balvi = Municipality.objects.get(code="balvi")
    head = UserFactory(role=Role.HEAD, municipality=balvi, username="vadite")
    accountant = UserFactory(role=Role.ACCOUNTANT, municipality=balvi, username="gramatvede")
    _slow_rows(monkeypatch)
    login(page, live_server, head.username, PASSWORD)

    page.goto(f"{live_server.url}/import/")
    page.set_input_files(
        "input[name=bundle]",
        [{"name": name, "mimeType": "text/csv", "buffer": content}
         for name, content in csv_files(EXAMPLE)],
    )  # fmt: skip
    page.select_option("select[name=approver]", str(accountant.pk))
    page.click("#bundle-form button[type=submit]")

    # while the request runs the progress bar polls and shows rows saved of 21
    page.wait_for_selector("#import-progress >> text=no 21 rindām")
    assert page.locator("#import-progress progress").count() == 1
    assert page.locator("#import-progress label").inner_text() == "Saglabā rindas"
    # the report replaces the form's panel; the list of runs is updated with it
    page.wait_for_selector("text=Imports pabeigts: apstrādātas 21 rindas.")
    assert page.locator("#import-progress progress").count() == 0
    runs = page.locator("#import-runs tbody tr").first.inner_text()
    assert "pabeigts" in runs
    assert "jauni" in runs
    assert page.url == f"{live_server.url}/import/"  # no full page load
    assert Client.objects.filter(municipality=balvi).count() == 2
    assert ImportRun.objects.get().status == RunStatus.DONE


def test_a_bundle_with_an_error_shows_the_rows_and_saves_nothing(page, live_server, monkeypatch):
    balvi = Municipality.objects.get(code="balvi")
    head = UserFactory(role=Role.HEAD, municipality=balvi, username="vadite")
    accountant = UserFactory(role=Role.ACCOUNTANT, municipality=balvi, username="gramatvede")
    _slow_rows(monkeypatch)
    sheets = {**EXAMPLE, "clients": [row[:] for row in EXAMPLE["clients"]]}
    sheets["clients"][1][sheets["clients"][0].index("start_date")] = "2026-02-30"
    login(page, live_server, head.username, PASSWORD)

    page.goto(f"{live_server.url}/import/")
    page.set_input_files(
        "input[name=bundle]",
        {"name": "komplekts.xlsx", "mimeType": XLSX, "buffer": xlsx_bundle(sheets)},
    )
    page.click("#bundle-form button[type=submit]")

    page.wait_for_selector(".errorbox >> text=nekas netika saglabāts")
    assert "Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD." in page.inner_text(".errorbox")
    assert "noraidīts" in page.locator("#import-runs tbody tr").first.inner_text()
    assert Client.objects.count() == 0

    # the form swapped in with the report is ready for the corrected files, with its progress
    assert page.locator("#bundle-form button[type=submit]").is_enabled()
    page.set_input_files(
        "input[name=bundle]",
        {"name": "komplekts.xlsx", "mimeType": XLSX, "buffer": xlsx_bundle(EXAMPLE)},
    )
    page.select_option("select[name=approver]", str(accountant.pk))
    page.click("#bundle-form button[type=submit]")
    page.wait_for_selector("#import-progress >> text=no 21 rindām")
    assert page.locator("#bundle-form button[type=submit]").is_disabled()
    page.wait_for_selector("text=Imports pabeigts: apstrādātas 21 rindas.")
    assert page.locator(".errorbox").count() == 0
    assert Client.objects.count() == 2


def test_leaving_the_page_lets_the_import_finish(page, live_server, monkeypatch):
    balvi = Municipality.objects.get(code="balvi")
    head = UserFactory(role=Role.HEAD, municipality=balvi, username="vadite")
    accountant = UserFactory(role=Role.ACCOUNTANT, municipality=balvi, username="gramatvede")
    _slow_rows(monkeypatch, 0.4)  # about eight seconds: time enough to leave and come back
    login(page, live_server, head.username, PASSWORD)

    page.goto(f"{live_server.url}/import/")
    page.set_input_files(
        "input[name=bundle]",
        {"name": "komplekts.xlsx", "mimeType": XLSX, "buffer": xlsx_bundle(EXAMPLE)},
    )
    page.select_option("select[name=approver]", str(accountant.pk))
    page.click("#bundle-form button[type=submit]")
    page.wait_for_selector("#import-progress >> text=Saglabā rindas")

    page.goto(f"{live_server.url}/")  # the user leaves; the request goes on on the server
    page.goto(f"{live_server.url}/import/")
    first = page.locator("#import-runs tbody tr").first
    assert "notiek" in first.inner_text()
    # the list refreshes itself until the run is over
    page.wait_for_selector("#import-runs tbody tr >> nth=0 >> text=pabeigts")
    assert "jauni" in page.locator("#import-runs tbody tr").first.inner_text()
    assert Client.objects.filter(municipality=balvi).count() == 2
