"""The history example (docs/examples/import-bundle-history/) is what the code writes, and it
imports: a granted budget with an overrun, an agreed price, a quantity over the period."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from atbalsts.assessment.models import IndicativeBudget
from atbalsts.bundle.example import HISTORY_EXAMPLE, csv_files
from atbalsts.bundle.services import bundle_import
from atbalsts.delivery.models import Session
from atbalsts.plans.models import PlanLine

pytestmark = pytest.mark.django_db

FOLDER = Path(settings.BASE_DIR) / "docs" / "examples" / "import-bundle-history"


def test_the_committed_csv_files_are_the_history_example():
    for name, content in csv_files(HISTORY_EXAMPLE):
        assert (FOLDER / name).read_bytes() == content, name


def test_the_history_example_imports_with_its_rules(head, balvi):
    files = [(p.name, p.read_bytes()) for p in sorted(FOLDER.glob("*.csv"))]

    bundle_import(actor=head, municipality=balvi, files=files)

    budget = IndicativeBudget.objects.get(period__client__personal_code="140388-11237")
    assert (budget.computed_period_amount, budget.limit) == (Decimal("6720.00"), Decimal("7600.00"))
    adult = PlanLine.objects.get(version__plan__client__personal_code="140388-11237")
    assert (adult.unit_price, adult.total) == (Decimal("14.00"), Decimal("7392.00"))
    child = PlanLine.objects.get(version__plan__client__personal_code="020617-24563")
    assert (child.quantity_basis, child.total) == ("period", Decimal("500.00"))
    prices = Session.objects.order_by("date").values_list("unit_price", flat=True)
    assert sorted(prices) == [
        Decimal("14.00"),
        Decimal("14.00"),
        Decimal("25.00"),
        Decimal("25.00"),
    ]


def test_the_example_command_writes_the_history(tmp_path):
    call_command("bundle_example", str(tmp_path), "--history")
    assert (tmp_path / "budgets.csv").exists() and (tmp_path / "komplekts.xlsx").exists()
