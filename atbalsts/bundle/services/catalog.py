"""The provider register's sheets, written by the catalogue exchange's own row import."""

from __future__ import annotations

from atbalsts.catalog import exchange

from ..errors import RowError
from .rows import Context, Row

CATALOG_SHEETS = ("providers", "registrations", "locations", "tariffs")


def catalog_row(ctx: Context, row: Row, header: list[str]) -> list[RowError]:
    """The catalogue exchange's own row import: same columns, same rules as its own files."""
    problems = exchange.import_row(
        ctx.actor, row.sheet, header, row.number, row.raw, ctx.lookups, ctx.catalog_result
    )
    return [RowError(p.sheet, p.row, p.field, p.message) for p in problems]


def count_catalog(ctx: Context) -> None:
    """The exchange counts its own outcomes; they join the report once every row is written."""
    for outcome, by_sheet in (
        ("created", ctx.catalog_result.created),
        ("updated", ctx.catalog_result.updated),
        ("unchanged", ctx.catalog_result.unchanged),
    ):
        for sheet_name, n in by_sheet.items():
            ctx.report.count(sheet_name, outcome, n)
