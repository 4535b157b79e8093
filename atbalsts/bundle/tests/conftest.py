"""Fixtures and helpers for the bundle tests: the example bundle, changed a little."""

import copy
from typing import Any

import pytest

from atbalsts.billing.models import Invoice
from atbalsts.bundle.example import EXAMPLE, Sheets
from atbalsts.bundle.models import ImportedKey
from atbalsts.catalog.models import Provider, ProviderRegistration, Tariff
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.delivery.models import Session
from atbalsts.people.models import Client, Representative
from atbalsts.plans.models import GuaranteeLetter, PlanLine, SupportPlan


@pytest.fixture
def accountant(make_user: Any, balvi: Any) -> Any:
    return make_user(Role.ACCOUNTANT, balvi)


def example(**sheets: list[list[Any]] | None) -> Sheets:
    """The example bundle; a sheet given replaces the example's, None leaves it out."""
    result = copy.deepcopy(EXAMPLE)
    for name, rows in sheets.items():
        if rows is None:
            result.pop(name, None)
        else:
            result[name] = rows
    return result


def edit(sheet: str, row: int, column: str, value: Any, base: Sheets | None = None) -> Sheets:
    """The example with one cell changed (`row` 1 = the first data row)."""
    result = copy.deepcopy(base or EXAMPLE)
    header = result[sheet][0]
    result[sheet][row][header.index(column)] = value
    return result


MODELS = (
    Client, Representative, Provider, ProviderRegistration, Tariff, SupportPlan, PlanLine,
    GuaranteeLetter, Session, Invoice, ImportedKey,
)  # fmt: skip


def counts() -> dict[str, int]:
    """How many rows the import can touch, and how many audit events there are."""
    result = {m.__name__: m.objects.count() for m in MODELS}
    result["AuditEvent"] = AuditEvent.objects.count()
    return result
