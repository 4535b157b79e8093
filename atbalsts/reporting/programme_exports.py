"""The municipalities side by side as an XLSX workbook: the page's table, small numbers
hidden the same way."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from atbalsts.core.tabular import SheetOut, write_xlsx

from .selectors.programme import SMALL_NUMBER, MunicipalityFigures

Cell = str | int | Decimal | None


def municipalities_header() -> list[str]:
    return [
        _("Pašvaldība"),
        _("Klienti"),
        _("Kopā izlietots"),
        _("Saņemto mēnešu summa"),
        _("Vidēji uz personu mēnesī"),
        _("Vidējais mēnešu skaits"),
        _("Lielākie pakalpojumi (% no summas)"),
        _("Dienas līdz pirmajai nodarbībai (mediāna)"),
        _("Vēstules bez nodarbības"),
        _("Sasniegtie mērķi, %"),
    ]


def municipality_cells(row: MunicipalityFigures) -> list[Cell]:
    """One municipality's figures; with 1–2 persons only its name and a note."""
    if row.hidden:
        note = _("mazāk par %(n)s personām: skaitļi nav rādīti") % {"n": SMALL_NUMBER}
        return [row.municipality.name, note, None, None, None, None, None, None, None, None]
    mix = "; ".join(f"{name} {share} %" for name, share in row.services)
    return [
        row.municipality.name,
        row.clients,
        row.total,
        row.client_months,
        row.per_person_month,
        row.average_months,
        mix,
        row.first_session_days,
        row.letters_waiting,
        row.achieved_share,
    ]


def municipalities_xlsx(rows: Sequence[MunicipalityFigures]) -> bytes:
    money = "#,##0.00"
    sheet = SheetOut(
        _("Pašvaldības"),
        municipalities_header(),
        [municipality_cells(row) for row in rows],
        formats={"C": money, "E": money},
        widths={"A": 24, "G": 48},
    )
    return write_xlsx([sheet])
