"""What the importers of published open-data extracts share (the State Address Register's
address points, the registers of social service providers, of medical practitioners and the
Enterprise Register): a row that cannot be read, a file refused as a whole, and finding each
field's column by the names the publisher has used for it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext_lazy as _

from .errors import DomainError


class RowError(Exception):
    """A row of an extract that cannot be read: its number in the file and why."""

    def __init__(self, number: int, message: str) -> None:
        self.number = number
        self.message = message
        super().__init__(message)


class ExtractRejected(DomainError):
    """The extract has bad rows: nothing was written. `rows` are (row number, message)."""

    code = "extract_rejected"
    default_message = _(
        "Izraksts netika ielādēts: tajā ir kļūdainas rindas. Nekas netika saglabāts."
    )

    def __init__(self, rows: list[tuple[int, str]]) -> None:
        self.rows = rows
        super().__init__()


def column_map(header: Sequence[str], columns: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Which of the file's columns holds each field: the first of the field's known names
    (`columns[field]`, the current name first) that the header has. Fields the header lacks
    are left out; the importer says which of them it needs."""
    found = {}
    for field, names in columns.items():
        for name in names:
            if name in header:
                found[field] = name
                break
    return found
