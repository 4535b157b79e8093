"""Reading an uploaded sessions file (CSV or XLSX) into numbered rows of {column: value}.

Column names are matched without case and diacritics, so „Sākums”, „sakums” and „SĀKUMS”
are the same column. A small reader of the delivery app's own, like catalog.exchange's.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "field": self.field, "message": self.message}


class FileUnreadable(Exception):
    def __init__(self, message: Any) -> None:
        self.message = str(message)
        super().__init__(self.message)


Row = tuple[str, int, dict[str, Any]]  # sheet, row number, {normalised column: value}


def normalise(name: Any) -> str:
    text = unicodedata.normalize("NFKD", str(name or "")).strip().lower()
    return "".join(ch for ch in text if not unicodedata.combining(ch)).replace(" ", "_")


def read_rows(*, name: str, content: bytes) -> list[Row]:
    if len(content) > MAX_BYTES:
        raise FileUnreadable(_("Fails ir lielāks par 5 MB."))
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        return _read_xlsx(content)
    if lowered.endswith((".csv", ".txt")):
        return _read_csv(name, content)
    raise FileUnreadable(_("Atbalstītie formāti: .xlsx un .csv."))


def _records(sheet: str, header: list[str], rows: Iterable[Iterable[Any]]) -> list[Row]:
    records: list[Row] = []
    for number, values in enumerate(rows, start=2):
        cells = list(values)
        if all(v is None or str(v).strip() == "" for v in cells):
            continue
        if len(records) >= MAX_ROWS:
            raise FileUnreadable(
                _("Failā ir vairāk nekā %(n)s rindu; sadaliet to.") % {"n": MAX_ROWS}
            )
        records.append(
            (sheet, number, {h: cells[i] if i < len(cells) else None for i, h in enumerate(header)})
        )
    return records


def _read_xlsx(content: bytes) -> list[Row]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise FileUnreadable(_("Fails nav derīgs XLSX fails.")) from exc
    result: list[Row] = []
    for sheet in workbook.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = [normalise(c) for c in next(rows, ())]
        if not any(header):
            continue
        result.extend(_records(sheet.title, header, rows))
    return result


def _read_csv(name: str, content: bytes) -> list[Row]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileUnreadable(_WRONG_ENCODING)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileUnreadable(_WRONG_ENCODING) from exc
    if "\x00" in text:
        raise FileUnreadable(_("Failā ir neatļauta rakstzīme (NUL); saglabājiet to kā CSV UTF-8."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [normalise(h) for h in next(reader, [])]
    return _records(name, header, reader)


_WRONG_ENCODING = _(
    "Fails nav UTF-8 kodējumā (iespējams, Windows-1257 vai UTF-16). Excel: „Saglabāt kā” → "
    "„CSV UTF-8 (atdalīts ar komatiem)”."
)
