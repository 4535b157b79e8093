"""The bundle's one error: the import was refused, with every problem by sheet, row and column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from atbalsts.core.errors import DomainError


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int  # 0: the file itself; 1: the header row
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def __str__(self) -> str:
        return str(
            _("%(sheet)s, %(row)s. rinda, kolonna „%(column)s”: %(message)s")
            % {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}
        )


class BundleRejected(DomainError):
    """Nothing was imported; `rows` lists every problem found."""

    code = "bundle_rejected"
    default_message = _("Imports neizdevās: nekas netika saglabāts. Izlabojiet kļūdas failos.")

    def __init__(self, rows: list[RowError]) -> None:
        self.rows = rows
        super().__init__()

    @property
    def field_errors(self) -> dict[str, list[str]]:
        return {"file": [str(row) for row in self.rows]}
