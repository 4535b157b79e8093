"""Reading a bundle: one XLSX (a sheet per table), a .zip of CSV files, or CSV files uploaded
together (each named after its table). Returns the sheets as numbered rows of raw cells."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .errors import BundleRejected, RowError
from .format import SHEETS

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000

_WRONG_ENCODING = _(
    "Fails nav UTF-8 kodējumā (iespējams, Windows-1257 vai UTF-16). Excel: „Saglabāt kā” → "
    "„CSV UTF-8 (atdalīts ar komatiem)”."
)


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def _problem(name: str, message: Any) -> BundleRejected:
    return BundleRejected([RowError(name, 0, "—", str(message))])


def read_bundle(files: Sequence[tuple[str, bytes]]) -> dict[str, Sheet]:
    """The sheets of the bundle by table name. Raises BundleRejected if a file is unreadable,
    a table comes twice, or a name is not one of the bundle's tables."""
    if not files:
        raise _problem("—", _("Nav pievienots neviens fails."))
    if sum(len(content) for _name, content in files) > MAX_BYTES:
        raise _problem("—", _("Faili kopā ir lielāki par 50 MB."))
    sheets: dict[str, Sheet] = {}
    problems: list[RowError] = []
    for name, content in files:
        lowered = name.lower()
        try:
            if lowered.endswith(".xlsx"):
                found = _read_xlsx(name, content)
            elif lowered.endswith(".zip"):
                found = _read_zip(name, content)
            elif lowered.endswith(".csv"):
                found = [_read_csv(name, content)]
            else:
                raise _problem(name, _("Atbalstītie formāti: .xlsx, .zip ar .csv failiem, .csv."))
        except BundleRejected as exc:
            problems += exc.rows
            continue
        for sheet in found:
            if sheet.name not in SHEETS:
                problems.append(
                    RowError(
                        sheet.name,
                        0,
                        "—",
                        str(
                            _("Nezināma lapa „%(sheet)s”; atļautās: %(allowed)s.")
                            % {"sheet": sheet.name, "allowed": ", ".join(SHEETS)}
                        ),
                    )
                )
            elif sheet.name in sheets:
                problems.append(
                    RowError(
                        sheet.name,
                        0,
                        "—",
                        str(_("Lapa „%(sheet)s” ir divreiz.") % {"sheet": sheet.name}),
                    )
                )
            else:
                sheets[sheet.name] = sheet
    if problems:
        raise BundleRejected(problems)
    if not sheets:
        raise _problem("—", _("Failos nav nevienas lapas."))
    return sheets


def _records(name: str, header: list[str], rows: Iterable[Iterable[Any]]) -> Sheet:
    sheet = Sheet(name, header)
    for number, values in enumerate(rows, start=2):
        cells = list(values)
        if all(v is None or str(v).strip() == "" for v in cells):
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise _problem(name, _("Lapā ir vairāk nekā %(n)s rindu.") % {"n": MAX_ROWS})
        sheet.rows.append(
            (number, {h: cells[i] if i < len(cells) else None for i, h in enumerate(header) if h})
        )
    return sheet


def _header(cells: Iterable[Any]) -> list[str]:
    return [str(c).strip().lower() if c is not None else "" for c in cells]


def _read_xlsx(name: str, content: bytes) -> list[Sheet]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise _problem(name, _("Fails nav derīgs XLSX fails.")) from exc
    sheets = []
    for worksheet in workbook.worksheets:
        rows = worksheet.iter_rows(values_only=True)
        header = _header(next(rows, ()))
        if any(header):
            sheets.append(_records(worksheet.title.strip().lower(), header, rows))
    return sheets


def _read_zip(name: str, content: bytes) -> list[Sheet]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = [m for m in archive.infolist() if not m.is_dir()]
        if sum(m.file_size for m in members) > MAX_BYTES:
            raise _problem(name, _("Faili kopā ir lielāki par 50 MB."))
        sheets = []
        for member in members:
            base = PurePosixPath(member.filename).name
            if base.startswith(".") or member.filename.startswith("__MACOSX"):
                continue
            if not base.lower().endswith(".csv"):
                raise _problem(f"{name}/{base}", _("Arhīvā drīkst būt tikai .csv faili."))
            sheets.append(_read_csv(base, archive.read(member)))
        return sheets
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError) as exc:
        raise _problem(name, _("Fails nav derīgs .zip arhīvs.")) from exc


def _read_csv(name: str, content: bytes) -> Sheet:
    table = PurePosixPath(name).stem.strip().lower()
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _problem(name, _WRONG_ENCODING)
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _problem(name, _WRONG_ENCODING) from exc
    if "\x00" in decoded:
        raise _problem(name, _("Failā ir neatļauta rakstzīme (NUL); saglabājiet to kā CSV UTF-8."))
    first_line = decoded.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter)
        header = _header(next(reader, []))
        return _records(table, header, reader)
    except csv.Error as exc:
        raise _problem(name, _("Fails nav derīgs CSV fails.")) from exc
