"""Bad input: every problem reported with sheet, row and column, and nothing written."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts.bundle import format as cells
from atbalsts.bundle.errors import BundleRejected
from atbalsts.bundle.example import PROVIDER, csv_files, xlsx_bundle
from atbalsts.bundle.services import bundle_import
from atbalsts.people.models import Client
from atbalsts.plans.models import FundingSource
from atbalsts.plans.tests.factories import make_world

from .conftest import counts, edit, example

pytestmark = pytest.mark.django_db


def rejected(head, files):
    before = counts()
    with pytest.raises(BundleRejected) as caught:
        bundle_import(actor=head, municipality=head.municipality, files=files)
    assert counts() == before, "nothing may be written"
    return [(r.sheet, r.row, r.column, r.message) for r in caught.value.rows]


def test_a_missing_required_column_and_an_unknown_one(head, accountant):
    sheets = example()
    sheets["clients"] = [
        [("uzvards" if c == "last_name" else c) for c in row] if i == 0 else row
        for i, row in enumerate(sheets["clients"])
    ]

    assert rejected(head, csv_files(sheets)) == [
        ("clients", 1, "last_name", "Trūkst obligātās kolonnas."),
        ("clients", 1, "uzvards", "Nezināma kolonna."),
    ]


def test_bad_dates_in_both_accepted_forms_and_others(head, accountant):
    sheets = edit("clients", 1, "start_date", "2026-13-01")
    sheets = edit("clients", 2, "start_date", "1/2/2026", sheets)
    sheets = edit("plans", 1, "signed_on", "31.02.2026", sheets)

    message = "Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD."
    assert rejected(head, csv_files(sheets)) == [
        ("clients", 2, "start_date", message),
        ("clients", 3, "start_date", message),
        ("plans", 2, "signed_on", message),
    ]


def test_an_unknown_municipality(head, accountant):
    sheets = edit("providers", 1, "municipality", "atlantida")
    sheets = edit("locations", 1, "municipality", "atlantida", sheets)
    sheets["clients"][0].append("municipality")
    sheets["clients"][1].append("atlantida")
    sheets["clients"][2].append("tukums")

    assert rejected(head, csv_files(sheets)) == [
        ("providers", 2, "municipality", "Nezināma pašvaldība „atlantida”."),
        ("locations", 2, "municipality", "Nezināma pašvaldība „atlantida”."),
        ("clients", 2, "municipality", "Nezināma pašvaldība „atlantida”."),
        (
            "clients",
            3,
            "municipality",
            "Šajā importā var ievest tikai pašvaldības „Balvu novads” klientus.",
        ),
    ]


@pytest.mark.parametrize("price", ["12,5O", "12.505", "12,50,1", "€", "-3", "1e3"])
def test_a_price_in_a_wrong_format(head, accountant, price):
    sheets = edit("tariffs", 1, "unit_price", price)

    [(sheet, row, column, message)] = rejected(head, csv_files(sheets))

    assert (sheet, row, column) == ("tariffs", 2, "unit_price")
    assert message in (
        "Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata.",
        "Summai jābūt no 0 līdz 1000000.00.",
    )


@pytest.mark.parametrize(
    ("text", "amount"),
    [("12,50", "12.50"), ("12.50", "12.50"), ("1 234,5", "1234.50"), ("7", "7.00")],
)
def test_prices_as_people_type_them(text, amount):
    assert cells.money(text) == Decimal(amount)


def test_a_plan_line_for_an_unknown_provider(head, accountant):
    sheets = edit("plan_lines", 2, "provider_registration_number", "40009999999")

    assert rejected(head, csv_files(sheets)) == [
        (
            "plan_lines",
            3,
            "provider_registration_number",
            "Nezināms sniedzējs „40009999999”: tā nav ne lapā „providers”, ne sistēmā.",
        ),
    ]


def test_references_to_unknown_clients_plans_goals_and_services(head, accountant):
    sheets = edit("representatives", 1, "client_personal_code", "010101-10006")
    sheets = edit("plan_lines", 1, "plan_ref", "P-nav", sheets)
    sheets = edit("plan_lines", 2, "goal_ref", "M9", sheets)
    sheets = edit("sessions", 1, "service_type", "nav-tada", sheets)

    assert rejected(head, csv_files(sheets)) == [
        (
            "representatives",
            2,
            "client_personal_code",
            "Nezināms klients 010101-10006: tā nav ne lapā „clients”, ne sistēmā.",
        ),
        ("plan_lines", 2, "plan_ref", "Lapā „plans” nav šī klienta plāna „P-nav”."),
        ("plan_lines", 3, "goal_ref", "Lapā „goals” nav šī plāna mērķa „M9”."),
        ("sessions", 2, "service_type", "Nezināms pakalpojuma kods „nav-tada”."),
    ]


def test_every_problem_is_reported_not_just_the_first(head, accountant):
    sheets = edit("tariffs", 1, "unit_price", "12,5O")
    sheets = edit("clients", 2, "target_group", "child", sheets)
    sheets = edit("sessions", 3, "start_time", "25:00", sheets)
    sheets = edit("invoice_lines", 1, "quantity", "", sheets)

    assert [(s, r, c) for s, r, c, _m in rejected(head, csv_files(sheets))] == [
        ("tariffs", 2, "unit_price"),
        ("clients", 3, "target_group"),
        ("sessions", 4, "start_time"),
        ("invoice_lines", 2, "quantity"),
    ]


def test_a_file_in_the_wrong_encoding(head, accountant):
    files = csv_files(example())
    text = files[4][1].decode("utf-8-sig")
    files[4] = ("clients.csv", text.encode("cp1257"))
    files[5] = ("representatives.csv", text.encode("utf-16"))

    message = (
        "Fails nav UTF-8 kodējumā (iespējams, Windows-1257 vai UTF-16). Excel: „Saglabāt kā” → "
        "„CSV UTF-8 (atdalīts ar komatiem)”."
    )
    assert rejected(head, files) == [
        ("clients.csv", 0, "—", message),
        ("representatives.csv", 0, "—", message),
    ]


def test_unreadable_files_and_unknown_sheets(head):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("clients.txt", "x")
    files = [
        ("a.xlsx", b"not a workbook"),
        ("b.zip", b"not a zip"),
        ("c.zip", archive.getvalue()),
        ("d.pdf", b"%PDF"),
        ("klienti.csv", b"a,b\n1,2\n"),
    ]

    assert rejected(head, files) == [
        ("a.xlsx", 0, "—", "Fails nav derīgs XLSX fails."),
        ("b.zip", 0, "—", "Fails nav derīgs .zip arhīvs."),
        ("c.zip/clients.txt", 0, "—", "Arhīvā drīkst būt tikai .csv faili."),
        ("d.pdf", 0, "—", "Atbalstītie formāti: .xlsx, .zip ar .csv failiem, .csv."),
        (
            "klienti",
            0,
            "—",
            "Nezināma lapa „klienti”; atļautās: providers, registrations, locations, tariffs, "
            "clients, representatives, support_circle, consents, assessments, budgets, plans, "
            "goals, plan_lines, sessions, invoices, invoice_lines.",
        ),
    ]
    assert rejected(head, []) == [("—", 0, "—", "Nav pievienots neviens fails.")]


def test_the_same_table_twice_and_duplicate_keys(head, accountant):
    sheets = example()
    sheets["clients"].append(list(sheets["clients"][1]))
    files = [*csv_files(sheets), ("x.xlsx", xlsx_bundle({"clients": sheets["clients"]}))]

    assert rejected(head, files) == [("clients", 0, "—", "Lapa „clients” ir divreiz.")]
    assert rejected(head, csv_files(sheets)) == [
        ("clients", 4, "personal_code", "Rinda atkārto 2. rindas atslēgu.")
    ]


def test_a_row_only_a_service_refuses_rolls_back_everything_before_it(
    head, social_worker, balvi, accountant
):
    world = make_world(worker=social_worker, head=head, municipality=balvi)
    before_clients = Client.objects.count()
    code = world.client.personal_code
    # valid new rows first; then a plan whose individual-budget line passes the budget
    sheets = example(
        sessions=None,
        invoices=None,
        invoice_lines=None,
        plans=[
            *example()["plans"],
            [code, "P-X", "01.01.2026", "31.12.2026", "draft", "", "", "", ""],
        ],
        goals=example()["goals"],
        plan_lines=[
            *example()["plan_lines"],
            [
                code,
                "P-X",
                world.support_person.code,
                world.provider.registration_number,
                "100",
                "01.01.2026",
                "12",
                FundingSource.INDIVIDUAL_BUDGET,
                "",
                "1",
            ],
        ],
    )

    problems = rejected(head, csv_files(sheets))

    [(sheet, row, column, message)] = problems
    assert (sheet, row, column) == ("plan_lines", 4, "funding_source")
    assert message == (
        "Periodā 01.01.2026–30.06.2026 no individuālā budžeta plānoti 12\xa0000,00\xa0€, bet "
        "indikatīvais budžets ir 3\xa0000,00\xa0€ — pārsniegums 9\xa0000,00\xa0€. Samaziniet "
        "pakalpojumus, izvēlieties citu finansējuma avotu vai lūdziet vadītāju apstiprināt "
        "pārsniegumu."
    )
    assert Client.objects.count() == before_clients
    assert not Client.objects.filter(personal_code="140388-11237").exists()


def test_a_provider_of_another_municipality_is_refused_for_a_head(head, accountant):
    sheets = edit("providers", 1, "municipality", "tukums")

    problems = rejected(head, csv_files(sheets))

    assert ("providers", 2, "municipality", "Jums nav tiesību veikt šo darbību.") in problems


# --- open-ended input ------------------------------------------------------------------------


@given(st.text(max_size=20))
def test_any_text_in_a_money_cell_is_read_or_refused(text):
    try:
        value = cells.money(text)
    except cells.CellError as exc:
        assert exc.message
    else:
        assert value is None or value == value.quantize(Decimal("0.01"))


@given(st.text(max_size=20))
def test_any_text_in_a_date_cell_is_read_or_refused(text):
    try:
        value = cells.date(text)
    except cells.CellError as exc:
        assert exc.message == "Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD."
    else:
        assert value is None or isinstance(value, dt.date)


def _clients_csv(start_date: str, price: str) -> list[tuple[str, bytes]]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["personal_code", "first_name", "last_name", "target_group", "start_date"])
    writer.writerow(["140388-11237", "Jānis", "Ozols", "adult_grt", start_date])
    tariffs = io.StringIO()
    csv.writer(tariffs).writerows(
        [
            [
                "provider_municipality",
                "provider_registration_number",
                "service_type",
                "unit_price",
                "valid_from",
            ],
            ["balvi", PROVIDER, "speech-therapy-session", price, "01.01.2025"],
        ]
    )
    return [
        ("clients.csv", out.getvalue().encode()),
        ("tariffs.csv", tariffs.getvalue().encode()),
    ]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(start=st.text(max_size=12), price=st.text(max_size=12))
def test_random_cells_in_a_whole_import_never_crash(head, start, price):
    try:
        bundle_import(actor=head, municipality=head.municipality, files=_clients_csv(start, price))
    except BundleRejected as exc:
        assert exc.rows
        assert all(
            r.sheet in ("clients", "tariffs", "clients.csv", "tariffs.csv") for r in exc.rows
        )
    else:  # pragma: no cover - the tariffs' provider is unknown, so never valid
        raise AssertionError("a tariff for an unknown provider was imported")
