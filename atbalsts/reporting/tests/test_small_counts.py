"""Counts of 1–2 persons are hidden from the ministry analyst on every output (the reporting
policy decides, `hide_small_counts` applies it in one place): the page, the API's JSON, the
CSV in both dialects, XLSX, PDF, a background export, the extract's coverage and the extract
itself. A municipality's own staff and the server's command keep the exact figures. And the
page's CSV opens in Latvian Excel."""

import csv
import io
import json
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from atbalsts.accounts.services import api_token_create
from atbalsts.jobs.models import Job
from atbalsts.jobs.tests.conftest import run_queued
from atbalsts.people import services as people_services
from atbalsts.people.models import ConsentPurpose
from atbalsts.reporting import exports, selectors
from atbalsts.reporting.policies import SYSTEM_READER, is_small_count, report_policy

from .conftest import FEB, JAN, MAR
from .factories import make_spend, service

pytestmark = pytest.mark.django_db(databases=["default", "jobs"])

GIMENES = "Ģimenes asistenta pakalpojums"
PSY = "Psihologa konsultācija"
PARAMS = {"group": "child_ft", "date_from": "2020-01-01", "date_to": "2020-03-31"}
PERIOD = {
    "municipalities": None,
    "target_group": "child_ft",
    "date_from": JAN,
    "date_to": MAR.replace(day=31),
}


@pytest.fixture(autouse=True)
def _outputs(settings: Any, tmp_path: Any) -> Any:
    settings.JOBS_OUTPUT_DIR = tmp_path / "job-output"


@pytest.fixture
def data(new_child: Any, head: Any) -> list[Any]:
    """Three children: the family assistant for all three, the psychologist for one."""
    children = [new_child() for _ in range(3)]
    for n, child in enumerate(children):
        make_spend(client=child, service_type=service(GIMENES), month=JAN, amount=f"{100 + n}.50")
        people_services.consent_give(
            actor=head,
            client=child,
            data={"purpose": ConsentPurpose.PSEUDONYMISED_EVALUATION, "given_on": JAN},
        )
    make_spend(client=children[0], service_type=service(PSY), month=FEB, amount="33.34")
    return children


def test_the_policy_hides_one_and_two_only_from_the_analyst(
    analyst: Any, head: Any, make_user: Any
) -> None:
    assert [is_small_count(n) for n in (None, 0, 1, 2, 3)] == [False, False, True, True, False]
    assert report_policy.hides_small_counts(analyst)
    assert not report_policy.hides_small_counts(head)
    assert not report_policy.hides_small_counts(SYSTEM_READER)  # the operator's command


def test_the_analyst_gets_no_count_of_one_or_two(analyst: Any, head: Any, data: Any) -> None:
    report = selectors.pilot_report_evaluated(user=analyst, **PERIOD)
    assert report.small_counts_hidden
    assert report.clients == 3 and report.client_months == 4  # three is shown
    persons = {s.name: s.persons for s in report.services}
    assert persons == {GIMENES: 3, PSY: None}
    assert report.budget_needed is not None
    (band,) = report.budget_needed
    assert band.clients == 3 and band.average is not None
    own = selectors.pilot_report_evaluated(user=head, **{**PERIOD, "municipalities": None})
    assert not own.small_counts_hidden
    assert {s.name: s.persons for s in own.services} == {GIMENES: 3, PSY: 1}
    command = selectors.pilot_report_evaluated(user=SYSTEM_READER, **PERIOD)
    assert {s.name: s.persons for s in command.services} == {GIMENES: 3, PSY: 1}


def test_one_client_hides_the_clients_months_and_the_band(analyst: Any, new_child: Any) -> None:
    make_spend(client=new_child(), service_type=service(GIMENES), month=JAN, amount="10.00")
    report = selectors.pilot_report_evaluated(user=analyst, **PERIOD)
    assert (report.clients, report.client_months) == (None, None)
    assert report.average_per_person_month is None and report.average_months is None
    assert report.total > 0 and not report.is_empty  # money names nobody; the report is there
    assert report.budget_needed is not None
    (band,) = report.budget_needed
    assert (band.clients, band.average, band.maximum) == (None, None, None)


def test_the_page_and_the_api_show_the_hidden_counts_as_such(
    client: Any, analyst: Any, head: Any, data: Any
) -> None:
    client.force_login(analyst)
    html = client.get(reverse("reporting:pilot_report"), PARAMS).content.decode()
    assert "&lt;3" in html and 'id="small-counts"' in html
    _token, raw = api_token_create(actor=analyst, user=analyst, name="t")
    body = client.get("/api/reporting/pilot", PARAMS, HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert body["small_counts_hidden"] is True
    assert {s["service"]: s["persons"] for s in body["services"]} == {GIMENES: 3, PSY: None}
    client.force_login(head)
    html = client.get(reverse("reporting:pilot_report"), PARAMS).content.decode()
    assert 'id="small-counts"' not in html


def test_every_file_format_shows_the_hidden_counts_as_such(analyst: Any, data: Any) -> None:
    report = selectors.pilot_report_evaluated(user=analyst, **PERIOD)

    def export(fmt: str, **kw: str) -> bytes:
        return exports.report_export(actor=analyst, report=report, fmt=fmt, **kw)

    assert json.loads(export("json"))["services"][1]["persons"] is None
    machine = list(csv.reader(io.StringIO(export("csv").decode("utf-8-sig"))))
    assert machine[2] == [PSY, "", "33.34"]  # an empty cell: no number for a program to add
    excel = list(
        csv.reader(io.StringIO(export("csv", dialect="excel").decode("utf-8-sig")), delimiter=";")
    )
    assert excel[2] == [PSY, "<3", "33,34"]
    book = load_workbook(io.BytesIO(export("xlsx")))
    services = [tuple(r) for r in book["Pakalpojumi"].iter_rows(min_row=2, values_only=True)]
    assert services[1][:2] == (PSY, "<3")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(export("pdf"))).pages)
    assert "<3" in text and "1 vai 2 personas" in text


def test_a_background_export_hides_them_too(
    client: Any, analyst: Any, data: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(analyst)
    url = f"{reverse('reporting:pilot_report_download', args=['csv'])}"
    query = "group=child_ft&date_from=2020-01-01&date_to=2020-03-31&dialect=excel"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{url}?{query}").status_code == 302
    job = Job.objects.get()
    assert job.params["dialect"] == "excel"
    run_queued()
    response = client.get(reverse("jobs:download", args=[job.pk]))
    rows = list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0] == ["Pakalpojums", "Personas", "Izlietots, EUR"]
    assert rows[2][:2] == [PSY, "<3"]


def test_the_extract_hides_small_coverage_and_rare_people(
    analyst: Any, head: Any, data: Any, new_child: Any
) -> None:
    coverage = selectors.extract_coverage(user=analyst, day=MAR, **PERIOD)
    assert (coverage.clients, coverage.consenting) == (3, 3)
    born = {c.date_of_birth.year for c in data}
    assert len(born) == 1  # the three children share a birth year: a cell of three
    rows = list(selectors.research_extract(user=analyst, day=MAR, **PERIOD))
    assert all(r[4] for r in rows[1:])
    # A fourth child born another year is alone in their cell: their birth year and
    # disability group are left out for the analyst, kept for the municipality.
    other = new_child()
    other.date_of_birth = other.date_of_birth.replace(year=min(born) - 3)
    other.save(update_fields=["date_of_birth"])
    make_spend(client=other, service_type=service(GIMENES), month=MAR, amount="5.00")
    people_services.consent_give(
        actor=head,
        client=other,
        data={"purpose": ConsentPurpose.PSEUDONYMISED_EVALUATION, "given_on": JAN},
    )
    rows = list(selectors.research_extract(user=analyst, day=MAR, **PERIOD))
    blank = [r for r in rows[1:] if not r[4]]
    assert len(blank) == 1 and blank[0][5] == "" and blank[0][9] == "5.00"
    own = list(selectors.research_extract(user=head, day=MAR, **PERIOD))
    assert all(r[4] for r in own[1:])
    one = selectors.extract_coverage(user=analyst, day=MAR, **{**PERIOD, "date_from": MAR})
    assert (one.clients, one.consenting) == (None, None)  # only the fourth child in March


def test_the_page_csv_opens_in_latvian_excel(client: Any, head: Any, data: Any) -> None:
    client.force_login(head)
    page = client.get(reverse("reporting:pilot_report"), PARAMS).content.decode()
    assert "dialect=excel" in page and "CSV (Excel)" in page
    url = reverse("reporting:pilot_report_download", args=["csv"])
    content = client.get(url, {**PARAMS, "dialect": "excel"}).content
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Pakalpojums;Personas;Izlietots, EUR"
    assert f"{GIMENES};3;304,50" in text  # 100.50 + 101.50 + 102.50, a decimal comma
    needed = client.get(url, {**PARAMS, "dialect": "excel", "table": "budget_needed"})
    assert "Mērķa grupa;Budžeta grupa" in needed.content.decode("utf-8-sig")
    # The machine format stays for programs (the API, ib_report).
    machine = client.get(url, PARAMS).content.decode("utf-8-sig")
    assert machine.splitlines()[0] == "service,persons,spent_eur"
    assert client.get(url, {**PARAMS, "dialect": "word"}).status_code == 404
