"""Reading an uploaded sessions file (CSV or XLSX) into numbered rows of {column: value}.

Column names are matched without case and diacritics, so „Sākums”, „sakums” and „SĀKUMS”
are the same column. The reading itself is core.tabular's; this module holds the sessions
file's limits and the shape its import works with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from atbalsts.core.tabular import Limits, Unreadable, plain_header, read_tables

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
LIMITS = Limits(MAX_ROWS, _("Failā ir vairāk nekā %(n)s rindu; sadaliet to."))


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "field": self.field, "message": self.message}


FileUnreadable = Unreadable

Row = tuple[str, int, dict[str, Any]]  # sheet, row number, {normalised column: value}

normalise = plain_header


def read_rows(*, name: str, content: bytes) -> list[Row]:
    """Every row of every sheet with a header; raises FileUnreadable saying why not."""
    tables = read_tables(
        name,
        content,
        limits=LIMITS,
        max_bytes=MAX_BYTES,
        too_large=_("Fails ir lielāks par 5 MB."),
        header=plain_header,
    )
    return [(table.name, row.number, row.values) for table in tables for row in table.rows]
