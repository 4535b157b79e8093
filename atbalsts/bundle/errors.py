"""The bundle's one error: the import was refused, with every problem by sheet, row and column."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from atbalsts.core.errors import DomainError


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int  # 0: the file itself; 1: the header row
    column: str
    message: str
    # Rows refused only because this error refused what they need (a session whose plan
    # line was refused), by sheet: reported here, under their cause, not each on its own.
    knock_on: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }
        if self.knock_on:
            result["knock_on"] = dict(self.knock_on)
        return result

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


FIRST_ROWS = 5
# The values a message names (a quoted name, a number, a date, an amount): what differs between
# rows of one cause. What is left is the cause.
_VALUES = re.compile(r"„[^”]*”|\"[^\"]*\"|«[^»]*»|\d+(?:[.,:\s\xa0/-]\d+)*")


def cause_of(error: Mapping[str, Any]) -> tuple[str, str, str]:
    """What groups errors of one cause: the sheet, the column and the message without the
    values it names."""
    message = _VALUES.sub("…", str(error.get("message", "")))
    return str(error.get("sheet", "")), str(error.get("column", "")), message


def error_groups(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Errors grouped by cause, the largest first: the first error's message, how many rows,
    the first rows, and the rows refused only because of them (`knock_on`, by sheet)."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for error in errors:
        key = cause_of(error)
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                "sheet": key[0],
                "column": key[1],
                "message": error.get("message", ""),
                "count": 0,
                "rows": [],
                "knock_on": {},
                "knock_on_count": 0,
            }
        group["count"] += 1
        if len(group["rows"]) < FIRST_ROWS:
            group["rows"].append(error.get("row"))
        for sheet, n in (error.get("knock_on") or {}).items():
            group["knock_on"][sheet] = group["knock_on"].get(sheet, 0) + int(n)
            group["knock_on_count"] += int(n)
    return sorted(groups.values(), key=lambda g: (-(g["count"] + g["knock_on_count"]), g["sheet"]))
