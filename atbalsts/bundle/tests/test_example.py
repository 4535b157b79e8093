"""The example bundle committed under docs/examples/import-bundle/ is what the code writes,
and it imports."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from openpyxl import load_workbook

from atbalsts.bundle.example import EXAMPLE, csv_files
from atbalsts.bundle.services import bundle_import

pytestmark = pytest.mark.django_db

FOLDER = Path(settings.BASE_DIR) / "docs" / "examples" / "import-bundle"


def test_the_committed_csv_files_are_the_example():
    for name, content in csv_files(EXAMPLE):
        assert (FOLDER / name).read_bytes() == content, name


def test_the_committed_xlsx_holds_the_same_sheets():
    workbook = load_workbook(FOLDER / "komplekts.xlsx", read_only=True)
    for table, rows in EXAMPLE.items():
        cells = [
            ["" if v is None else v for v in row]
            for row in workbook[table].iter_rows(values_only=True)
        ]
        assert cells == rows, table


def test_the_committed_folder_imports(head, make_user, balvi):
    files = [(p.name, p.read_bytes()) for p in sorted(FOLDER.glob("*.csv"))]

    report = bundle_import(actor=head, municipality=balvi, files=files)

    assert list(report.counts) == [
        "providers", "registrations", "locations", "tariffs", "clients", "representatives",
        "plans", "goals", "plan_lines", "sessions", "invoices", "invoice_lines",
    ]  # fmt: skip


def test_the_example_command_writes_the_folder(tmp_path):
    call_command("bundle_example", str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{t}.csv" for t in EXAMPLE] + ["komplekts.xlsx"]
    )
