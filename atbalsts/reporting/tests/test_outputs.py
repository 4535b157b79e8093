"""The pilot report as a page, JSON (API, command), CSV, XLSX and PDF; charts; permissions."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.plans.models import FundingSource

from .conftest import FEB, JAN, MAR
from .factories import make_spend, service

pytestmark = pytest.mark.django_db

PAGE = reverse("reporting:pilot_report")
API = "/api/reporting/pilot"
PARAMS = {"group": "child_ft", "date_from": "2020-01-01", "date_to": "2020-03-31"}
GIMENES = "Ģimenes asistenta pakalpojums"
ZURNALS = (
    "Specializētā sociālās rehabilitācijas un kompetenci veicinošo pasākumu apmācību kurss "
    "bērnam ar FT un vecākiem"
)
PERIOD = ["--from", "2020-01-01", "--to", "2020-03-31"]


@pytest.fixture
def data(new_child: Any, parent_of: Any) -> None:
    a, b = new_child(), new_child()
    make_spend(client=a, service_type=service(GIMENES), month=JAN, amount="120.50")
    make_spend(client=a, service_type=service(GIMENES), month=FEB, amount="79.50")
    make_spend(
        client=b,
        service_type=service("Psihologa konsultācija"),
        month=MAR,
        amount="33.34",
        recipient=parent_of(b),
        funding_source=FundingSource.STATE,
    )


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


EXPECTED_JSON = {
    "report": "pilot",
    "national": False,
    "municipalities": [{"code": "balvi", "name": "Balvu novads"}],
    "target_group": "child_ft",
    "date_from": "2020-01-01",
    "date_to": "2020-03-31",
    "total_spent": "233.34",
    "by_funding_source": [
        {
            "funding_source": "individual_budget",
            "label": "individuālais budžets",
            "amount": "200.00",
        },
        {"funding_source": "state", "label": "valsts budžets", "amount": "33.34"},
    ],
    "clients": 2,
    "client_months": 3,
    "average_per_person_month": "77.78",
    "average_months": "1.50",
    "services": [
        {"service_type": service_code, "service": name, "persons": 1, "spent": spent}
        for service_code, name, spent in [
            ("__gimenes__", GIMENES, "200.00"),
            ("__psy__", "Psihologa konsultācija", "33.34"),
        ]
    ],
    "monthly": [
        {"month": "2020-01", "amount": "120.50"},
        {"month": "2020-02", "amount": "79.50"},
        {"month": "2020-03", "amount": "33.34"},
    ],
    "outcomes": {
        "goals_by_domain": [
            {"domain": d, "label": label, "achieved": 0, "partly_achieved": 0, "not_achieved": 0}
            for d, label in [
                ("family_capacity", "ģimenes kapacitātes stiprināšana"),
                ("lost_function", "zaudētās funkcijas kompensēšana"),
                ("functioning", "funkcionēšanas saglabāšana un attīstīšana"),
            ]
        ],
        "reviewed_clients": 0,
        "started_paid_work": 0,
        "moved_to_live_on_own": 0,
        "widened_support_circle": 0,
    },
    # no indicative budgets in this data: (200.00 / 2 + 33.34 / 1) / 2 = 66.67
    "small_counts_hidden": False,
    "budget_needed": [
        {
            "target_group": "child_ft",
            "band": None,
            "band_monthly_amount": None,
            "clients": 2,
            "average_monthly_spent": "66.67",
            "max_monthly_spent": "100.00",
        }
    ],
}


def expected_json() -> dict[str, Any]:
    expected = json.loads(json.dumps(EXPECTED_JSON))
    expected["services"][0]["service_type"] = service(GIMENES).code
    expected["services"][1]["service_type"] = service("Psihologa konsultācija").code
    return expected


# --- the page ----------------------------------------------------------------------------------


def test_page_shows_the_figures_tables_and_charts(client: Any, head: Any, data: Any) -> None:
    response = login(client, head).get(PAGE, {**PARAMS, "municipality": "balvi"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "233,34\xa0€" in html and "77,78\xa0€" in html
    assert "<dd>1,50</dd>" in html
    assert "Ģimenes asistenta pakalpojums" in html
    assert html.count("<svg") == 3
    assert "cdn" not in html.lower()
    assert 'name="municipality"' not in html  # a municipal role does not choose


def test_page_without_parameters_shows_the_form_only(client: Any, head: Any) -> None:
    response = login(client, head).get(PAGE)
    assert response.status_code == 200
    assert 'name="date_from"' in response.content.decode()
    assert "report" not in response.context or response.context.get("report") is None


def test_national_roles_choose_municipalities(client: Any, make_user: Any, data: Any) -> None:
    response = login(client, make_user(Role.ANALYST, None)).get(PAGE, PARAMS)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="municipality"' in html and "Visa valsts" in html
    assert response.context["report"].total == Decimal("233.34")


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "2020-04-01"}, "date_to", "Perioda beigas nevar būt pirms tā sākuma."),
        ({"date_to": "31.02.2020"}, "date_to", "Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD."),
        ({"group": "teen"}, "group", "Nezināma mērķa grupa: teen. Atļautās: adult_grt, child_ft."),
        ({"municipality": "atlantida"}, "municipality", "Nezināma pašvaldība: atlantida."),
        ({"date_to": "2031-01-01"}, "date_to", "Pārskata periods nevar būt garāks par 10 gadiem."),
    ],
)
def test_bad_input_rerenders_the_page_with_400(
    client: Any, make_user: Any, params: dict[str, str], field: str, message: str
) -> None:
    analyst = make_user(Role.ANALYST, None)
    response = login(client, analyst).get(PAGE, {**PARAMS, **params})
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    api = client.get(API, {**PARAMS, **params})
    assert api.status_code == 400
    assert api.json()["code"] == "validation_failed"
    assert api.json()["errors"][field] == [message]


def test_missing_fields_are_field_errors(client: Any, head: Any) -> None:
    response = login(client, head).get(PAGE, {"group": "child_ft"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"date_from", "date_to"}
    assert client.get(API, {"group": "child"}).status_code == 400


def test_municipal_role_asking_for_another_municipality_is_refused(
    client: Any, head: Any, data: Any
) -> None:
    login(client, head)
    assert client.get(PAGE, {**PARAMS, "municipality": "tukums"}).status_code == 403
    response = client.get(API, {**PARAMS, "municipality": "tukums"})
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"


@pytest.mark.parametrize(
    ("role", "own", "status"),
    [
        (Role.SOCIAL_WORKER, True, 200),
        (Role.HEAD, True, 200),
        (Role.ACCOUNTANT, True, 200),
        (Role.AUDITOR, True, 200),
        (Role.AUDITOR, False, 200),
        (Role.ANALYST, False, 200),
        (Role.ADMIN, False, 200),
        (Role.PROVIDER, False, 403),
    ],
)
def test_who_may_see_the_report(
    client: Any, make_user: Any, balvi: Any, data: Any, role: Role, own: bool, status: int
) -> None:
    user = make_user(role, balvi if own else None)
    login(client, user)
    assert client.get(PAGE, PARAMS).status_code == status
    response = client.get(API, PARAMS)
    assert response.status_code == status
    if status == 200:
        assert response.json()["total_spent"] == "233.34"


def test_anonymous_is_sent_to_login_and_refused_by_the_api(client: Any) -> None:
    assert client.get(PAGE, PARAMS).status_code == 302
    assert client.get(API, PARAMS).status_code == 401


def test_tukums_sees_none_of_balvi(client: Any, tukums_head: Any, data: Any) -> None:
    response = login(client, tukums_head).get(API, PARAMS)
    body = response.json()
    assert (body["total_spent"], body["clients"], body["services"]) == ("0.00", 0, [])
    assert body["municipalities"] == [{"code": "tukums", "name": "Tukuma novads"}]
    assert body["national"] is False


# --- JSON -----------------------------------------------------------------------------------


def test_api_json_has_the_documented_fields(client: Any, head: Any, data: Any) -> None:
    response = login(client, head).get(API, {**PARAMS, "municipality": "balvi"})
    assert response.status_code == 200
    assert response.json() == expected_json()


def test_api_takes_several_municipalities_and_all(client: Any, make_user: Any, data: Any) -> None:
    login(client, make_user(Role.ANALYST, None))
    both = client.get(API, {**PARAMS, "municipality": ["balvi", "tukums"]}).json()
    assert [m["code"] for m in both["municipalities"]] == ["balvi", "tukums"]
    assert both["total_spent"] == "233.34"
    everything = client.get(API, {**PARAMS, "municipality": "all", "group": "child"}).json()
    assert everything["national"] is True and everything["municipalities"] == []


def test_empty_period_is_an_empty_report_not_an_error(client: Any, head: Any, data: Any) -> None:
    params = {**PARAMS, "date_from": "2024-01-01", "date_to": "2024-01-31"}
    body = login(client, head).get(API, params).json()
    assert body["total_spent"] == "0.00"
    assert body["clients"] == 0 and body["client_months"] == 0
    assert body["average_per_person_month"] is None and body["average_months"] is None
    assert body["services"] == [] and body["monthly"] == [{"month": "2024-01", "amount": "0.00"}]
    page = client.get(PAGE, params)
    assert page.status_code == 200
    assert "pārskats ir tukšs" in page.content.decode()


def ib_report(args: str, *extra: str) -> str:
    out = io.StringIO()
    call_command("ib_report", *args.split(), *extra, *PERIOD, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_command_prints_the_same_json(head: Any, data: Any) -> None:
    out = ib_report("--municipality balvi --group child --format json")
    assert json.loads(out) == expected_json()


def test_command_all_and_repeated_municipalities(head: Any, data: Any) -> None:
    assert json.loads(ib_report("--municipality all --group child_ft"))["national"] is True
    both = json.loads(ib_report("--municipality balvi --municipality tukums --group child"))
    assert both["total_spent"] == "233.34"
    assert ib_report("--group child --format csv").startswith("service,persons,spent_eur")


def test_command_writes_files(head: Any, data: Any, tmp_path: Any) -> None:
    for fmt in ("csv", "xlsx", "pdf"):
        target = tmp_path / f"r.{fmt}"
        ib_report(f"--municipality balvi --group child --format {fmt} --output", str(target))
        assert target.stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--municipality", "atlantida"], "municipality: Nezināma pašvaldība: atlantida."),
        (["--to", "2019-01-01"], "date_to: Perioda beigas nevar būt pirms tā sākuma."),
        (["--from", "2020-13-01"], "date_from: Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD."),
        (["--format", "pdf"], "Formātam pdf norādiet --output FAILS."),
        (["--user", "nobody"], "Nav lietotāja nobody."),
    ],
)
def test_command_bad_input(db: Any, args: list[str], message: str) -> None:
    base = {"--group": "child", "--from": "2020-01-01", "--to": "2020-03-31"}
    for key, value in zip(args[::2], args[1::2], strict=True):
        base[key] = value
    argv = [x for kv in base.items() for x in kv]
    with pytest.raises(CommandError) as excinfo:
        call_command("ib_report", *argv, stdout=io.StringIO())
    assert str(excinfo.value) == message


def test_command_as_a_municipal_user_keeps_their_scope(head: Any, data: Any) -> None:
    with pytest.raises(CommandError) as excinfo:
        ib_report("--municipality tukums --group child --user", head.username)
    assert str(excinfo.value) == "Jums nav tiesību veikt šo darbību."


# --- files ------------------------------------------------------------------------------------


def download(client: Any, user: Any, fmt: str, **params: str) -> Any:
    url = reverse("reporting:pilot_report_download", args=[fmt])
    return login(client, user).get(url, {**PARAMS, **params})


def test_csv_is_the_services_table_in_utf8_with_bom(client: Any, head: Any, data: Any) -> None:
    response = download(client, head, "csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["service", "persons", "spent_eur"],
        [GIMENES, "1", "200.00"],
        ["Psihologa konsultācija", "1", "33.34"],
    ]
    assert (
        'filename="pilota-parskats-balvi-child_ft-20200101-20200331.csv"'
        in response["Content-Disposition"]
    )


def test_xlsx_has_the_summary_services_sources_and_months(
    client: Any, head: Any, data: Any
) -> None:
    response = download(client, head, "xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Kopsavilkums",
        "Pakalpojumi",
        "Finansējuma avoti",
        "Pa mēnešiem",
        "Mērķu rezultāti",
        "Vajadzīgais budžets",
    ]
    summary = {row[0]: row[1] for row in book["Kopsavilkums"].iter_rows(values_only=True)}
    assert summary["Kopā izlietots, EUR"] == pytest.approx(233.34)
    assert summary["Vidēji uz personu mēnesī, EUR"] == pytest.approx(77.78)
    assert summary["Klientu skaits"] == 2
    services = list(book["Pakalpojumi"].iter_rows(values_only=True))
    assert services[1][:2] == (GIMENES, 1)
    assert book["Pakalpojumi"]["C2"].number_format == "#,##0.00"


def test_pdf_is_latvian_with_diacritics(client: Any, head: Any, new_child: Any) -> None:
    child = new_child()
    make_spend(client=child, service_type=service(GIMENES), month=JAN, amount="10.00")
    make_spend(client=child, service_type=service(ZURNALS), month=JAN, amount="20.00")
    response = download(client, head, "pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Ģimenes asistenta pakalpojums" in text
    assert "pārskats" in text
    assert "Balvu novads" in text


def test_downloads_are_audited(client: Any, head: Any, data: Any) -> None:
    download(client, head, "json")
    event = AuditEvent.objects.get(event_type="report.exported")
    assert event.actor_id == head.pk
    assert event.extra_data["format"] == "json"
    assert event.extra_data["municipalities"] == ["balvi"]
    assert event.municipality_id == head.municipality_id


def test_download_of_unknown_format_is_404(client: Any, head: Any) -> None:
    assert download(client, head, "docx").status_code == 404


def test_download_with_bad_input_is_400(client: Any, head: Any) -> None:
    response = download(client, head, "csv", date_to="vakar")
    assert response.status_code == 400


def test_reports_carry_no_names_or_personal_codes(
    client: Any, make_user: Any, new_child: Any
) -> None:
    child = new_child(first_name="Zelma", last_name="Kalniņa")
    make_spend(client=child, service_type=service(GIMENES), month=JAN, amount="10.00")
    analyst = make_user(Role.ANALYST, None)
    page = login(client, analyst).get(PAGE, PARAMS).content.decode()
    api = client.get(API, PARAMS).content.decode()
    csv_text = download(client, analyst, "csv").content.decode("utf-8-sig")
    for text in (page, api, csv_text):
        assert "Zelma" not in text and "Kalniņa" not in text and child.personal_code not in text


def test_dates_in_latvian_form_are_understood(client: Any, head: Any, data: Any) -> None:
    response = login(client, head).get(
        PAGE, {"group": "child_ft", "date_from": "01.01.2020", "date_to": "31.03.2020"}
    )
    assert response.status_code == 200
    assert response.context["report"].date_to == dt.date(2020, 3, 31)


def test_form_comes_back_with_the_dates_for_the_date_picker(client: Any, head: Any) -> None:
    response = login(client, head).get(
        PAGE, {"group": "teen", "date_from": "01.01.2020", "date_to": "31.03.2020"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="2020-01-01"' in html and 'value="2020-03-31"' in html
    assert "Perioda sākums" in html and "Perioda beigas" in html
