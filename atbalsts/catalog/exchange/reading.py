"""Reading an uploaded catalogue file into its tables (core.tabular reads the cells)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from atbalsts.core.tabular import Limits, Row, Unreadable, read_tables

from .tables import DATASETS, MAX_BYTES, MAX_ROWS, REQUIRED, TABLES, ImportRejected, RowError

# Rows after the first MAX_ROWS are not read (the limit guards the server, not the user).
LIMITS = Limits(MAX_ROWS)

Sheet = tuple[str, list[str], list[Row]]


def _rejected(name: str, row: int, column: str, message: object) -> ImportRejected:
    return ImportRejected([RowError(name, row, column, str(message))])


def read_file(*, name: str, content: bytes, dataset: str) -> list[Sheet]:
    """The tables in an uploaded file: (table, header, [(row number, {column: value})]).

    An XLSX holds the dataset's tables as sheets named after them (read in the dataset's
    order); a CSV holds one table, told by its columns."""
    try:
        tables = read_tables(
            name,
            content,
            limits=LIMITS,
            max_bytes=MAX_BYTES,
            too_large=_("Fails ir lielāks par 10 MB."),
            sheets=DATASETS[dataset],
        )
    except Unreadable as exc:
        raise _rejected(name, 0, "file", exc.message) from exc
    if not name.lower().endswith(".xlsx"):
        csv = tables[0]
        return [(_guess_table(name, csv.header, dataset), csv.header, csv.rows)]
    found = {table.name: table for table in tables}
    sheets = [
        (table, found[table].header, found[table].rows)
        for table in DATASETS[dataset]
        if table in found
    ]
    if not sheets:
        raise _rejected(
            name,
            0,
            "file",
            _("Failā nav neviena no lapām: %(sheets)s.") % {"sheets": ", ".join(DATASETS[dataset])},
        )
    return sheets


def _guess_table(name: str, header: list[str], dataset: str) -> str:
    """A CSV holds one table: the one whose required columns it has."""
    candidates = DATASETS[dataset]
    complete = [t for t in candidates if set(REQUIRED[t]) <= set(header)]
    if complete:
        # the table whose columns the header covers best
        return max(complete, key=lambda t: len(set(TABLES[t]) & set(header)))
    nearest = max(candidates, key=lambda t: len(set(TABLES[t]) & set(header)))
    missing = [c for c in REQUIRED[nearest] if c not in header]
    raise ImportRejected(
        [
            RowError(
                name,
                1,
                column,
                str(_("Trūkst kolonnas „%(column)s” (tabula %(table)s)."))
                % {"column": column, "table": nearest},
            )
            for column in missing
        ]
    )
