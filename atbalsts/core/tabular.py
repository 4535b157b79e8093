"""Reading and writing CSV and XLSX tables: one reader and one writer for every file.

Reading: a CSV (UTF-8, with or without a BOM, ',' or ';' between cells as the first line
shows) or an XLSX (one table per sheet) becomes `Table`s of numbered rows of {column: cell}.
Anything unreadable raises `Unreadable` with a Latvian message; the caller names the file.

Writing: CSV in UTF-8 with a BOM (so that Excel shows the Latvian letters) and XLSX with a
bold header row; numbers stay numbers, dates stay dates, and text that a spreadsheet would run
as a formula is written with a leading apostrophe (OWASP's advice on CSV injection). The
reader takes that apostrophe off again, so an exported file imports as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any, BinaryIO, NamedTuple

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

WRONG_ENCODING = _(
    "Fails nav UTF-8 kodējumā (iespējams, Windows-1257 vai UTF-16). Excel: „Saglabāt kā” → "
    "„CSV UTF-8 (atdalīts ar komatiem)”."
)
NUL_CHARACTER = _("Failā ir neatļauta rakstzīme (NUL); saglabājiet to kā CSV UTF-8.")
NOT_XLSX = _("Fails nav derīgs XLSX fails.")
NOT_CSV = _("Fails nav derīgs CSV fails.")
FORMATS = _("Atbalstītie formāti: .xlsx un .csv.")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A cell starting with one of these is run by a spreadsheet as a formula (or hides one).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


class Unreadable(Exception):
    """The file cannot be read as a table; `message` says why, in Latvian."""

    def __init__(self, message: object) -> None:
        self.message = str(message)
        super().__init__(self.message)


class Row(NamedTuple):
    number: int  # the row's number in the file (the header is row 1)
    values: dict[str, Any]


@dataclass
class Table:
    name: str  # the sheet's title, or the CSV file's name
    header: list[str]
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Limits:
    """How much one table may hold. Without `too_many_rows` reading stops after `max_rows`."""

    max_rows: int
    too_many_rows: object | None = None  # a message with %(n)s


Header = Callable[[Any], str]


def strip_header(cell: Any) -> str:
    """A column name as written, without surrounding spaces."""
    return str(cell).strip() if cell is not None else ""


def lower_header(cell: Any) -> str:
    """A column name without surrounding spaces, in lower case."""
    return strip_header(cell).lower()


def plain_header(cell: Any) -> str:
    """A column name without case, diacritics or spaces: „Sākuma laiks” is sakuma_laiks."""
    text = unicodedata.normalize("NFKD", str(cell or "")).strip().lower()
    return "".join(ch for ch in text if not unicodedata.combining(ch)).replace(" ", "_")


# --- reading -------------------------------------------------------------------------------


def read_tables(
    name: str,
    content: bytes,
    *,
    limits: Limits,
    max_bytes: int,
    too_large: object,
    header: Header = strip_header,
    sheets: Collection[str] | None = None,
) -> list[Table]:
    """The tables of one uploaded .xlsx, .csv or .txt file (a CSV is one table)."""
    if len(content) > max_bytes:
        raise Unreadable(too_large)
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        return read_xlsx(content, limits=limits, header=header, sheets=sheets)
    if lowered.endswith((".csv", ".txt")):
        return [read_csv(name, content, limits=limits, header=header)]
    raise Unreadable(FORMATS)


def read_xlsx(
    content: bytes,
    *,
    limits: Limits,
    header: Header = strip_header,
    sheets: Collection[str] | None = None,
) -> list[Table]:
    """Every sheet with a header row, or only the sheets named in `sheets` (then even one
    without a header, so that the caller can say which columns it lacks)."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise Unreadable(NOT_XLSX) from exc
    tables = []
    for worksheet in workbook.worksheets:
        if sheets is not None and worksheet.title not in sheets:
            continue
        rows = worksheet.iter_rows(values_only=True)
        columns = [header(c) for c in next(rows, ())]
        if any(columns) or sheets is not None:
            tables.append(_table(worksheet.title, columns, rows, limits))
    return tables


def decode_csv(content: bytes) -> str:
    """The text of a CSV file in UTF-8 (a BOM is dropped); other encodings are refused."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable(WRONG_ENCODING)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable(WRONG_ENCODING) from exc
    if "\x00" in text:
        raise Unreadable(NUL_CHARACTER)
    return text


def read_csv(name: str, content: bytes, *, limits: Limits, header: Header = strip_header) -> Table:
    """One CSV file as a table named `name`; ';' separates cells if the first line has more
    of them than ',' (as a Latvian Excel saves it)."""
    text = decode_csv(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        columns = [header(c) for c in next(reader, [])]
        return _table(name, columns, reader, limits)
    except csv.Error as exc:
        raise Unreadable(NOT_CSV) from exc


def file_stem(name: str) -> str:
    """A file's name without folder or extension, as a table name: „Sessions.csv” is sessions."""
    return PurePosixPath(name).stem.strip().lower()


def _table(name: str, header: list[str], rows: Iterable[Iterable[Any]], limits: Limits) -> Table:
    """The rows under the header. The row limit counts every row the file holds, blank or
    not, before blank rows are skipped: a file of a million empty rows is refused (or cut) at
    the limit instead of being read to its end."""
    table = Table(name, header)
    for number, values in enumerate(rows, start=2):
        if number - 1 > limits.max_rows:
            if limits.too_many_rows is None:
                break
            raise Unreadable(str(limits.too_many_rows) % {"n": limits.max_rows})
        cells = list(values)
        if all(v is None or str(v).strip() == "" for v in cells):
            continue
        table.rows.append(
            Row(
                number,
                {
                    column: _read_cell(cells[i]) if i < len(cells) else None
                    for i, column in enumerate(header)
                    if column
                },
            )
        )
    return table


@dataclass
class Stream:
    """A table read row by row (a national open-data extract of a million rows): the header,
    then the rows as they come. Iterate `rows` once; `Unreadable` may come from any row."""

    name: str
    header: list[str]
    rows: Iterator[Row]


def stream_table(name: str, source: BinaryIO, *, header: Header = strip_header) -> Stream:
    """One .csv/.txt or .xlsx table read lazily from an open binary file: memory stays flat
    however long the file. A CSV's separator is ';', ',', '|' or a tab (whichever the header
    line has most of); a cell may be quoted with '"' or, as the State Address Register's
    files do, with '#'. An XLSX gives its first sheet."""
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        try:
            workbook = load_workbook(source, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
            raise Unreadable(NOT_XLSX) from exc
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        columns = [header(c) for c in next(rows, ())]
        return Stream(name, columns, _stream_rows(columns, rows))
    if not lowered.endswith((".csv", ".txt")):
        raise Unreadable(FORMATS)
    head = source.read(3)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable(WRONG_ENCODING)
    if head != b"\xef\xbb\xbf":
        source.seek(source.tell() - len(head))
    text = io.TextIOWrapper(source, encoding="utf-8", newline="")
    try:
        first = text.readline()
    except UnicodeDecodeError as exc:
        raise Unreadable(WRONG_ENCODING) from exc
    delimiter = max((";", ",", "|", "\t"), key=first.count)
    quotechar = "#" if first.startswith("#") else '"'
    try:
        columns = [
            header(c)
            for c in next(csv.reader([first], delimiter=delimiter, quotechar=quotechar), [])
        ]
    except csv.Error as exc:
        raise Unreadable(NOT_CSV) from exc
    reader = csv.reader(text, delimiter=delimiter, quotechar=quotechar)
    return Stream(name, columns, _stream_rows(columns, _checked(reader)))


def _checked(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    """The CSV reader's rows, its failures (and a wrong encoding met later) as `Unreadable`."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise Unreadable(WRONG_ENCODING) from exc
        except csv.Error as exc:
            raise Unreadable(NOT_CSV) from exc
        if any("\x00" in cell for cell in row):
            raise Unreadable(NUL_CHARACTER)
        yield row


def _stream_rows(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[Row]:
    for number, values in enumerate(rows, start=2):
        cells = list(values)
        if all(v is None or str(v).strip() == "" for v in cells):
            continue
        yield Row(
            number,
            {
                column: _read_cell(cells[i]) if i < len(cells) else None
                for i, column in enumerate(header)
                if column
            },
        )


def _read_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] == "'" and value[1:2] and value[1] in FORMULA_START:
        return value[1:]
    return value


# --- writing -------------------------------------------------------------------------------


def safe_text(text: str) -> str:
    """Text a spreadsheet will show, never run: one starting like a formula gets a leading
    apostrophe. A plain number written as text (-12.50) is left as it is."""
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _cell(value: Any) -> Any:
    """A value as an XLSX cell: numbers, dates and empty cells as themselves, the rest text."""
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date):
        return value
    return safe_text(str(value))


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | float | Decimal):
        return str(value)
    return safe_text(str(value))


def _csv_rows(rows: Iterable[Sequence[Any]], *, neutralise: bool) -> Iterator[list[Any]]:
    for row in rows:
        yield [_csv_cell(v) if neutralise else v for v in row]


def write_csv(
    header: Sequence[Any] | None,
    rows: Iterable[Sequence[Any]],
    *,
    delimiter: str = ",",
    neutralise: bool = True,
) -> bytes:
    """One table as CSV in UTF-8 with a BOM and CRLF line ends; a date is written GGGG-MM-DD,
    an empty cell (None) as nothing. `header` None: the first row is the header already."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    if header is not None:
        writer.writerow([safe_text(str(h)) for h in header])
    writer.writerows(_csv_rows(rows, neutralise=neutralise))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


class _Echo:
    """A file-like object that hands back what is written, for streaming csv.writer rows."""

    def write(self, value: str) -> str:
        return value


def stream_csv(rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """Rows as CSV bytes one line at a time (the first row is the header), a BOM first."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff".encode()
    for row in _csv_rows(rows, neutralise=True):
        yield str(writer.writerow(row)).encode("utf-8")


@dataclass(frozen=True)
class SheetOut:
    """One sheet to write: `header` None means the first row is the header already."""

    title: str
    header: Sequence[Any] | None
    rows: Iterable[Sequence[Any]]
    widths: Mapping[str, float] = field(default_factory=dict)  # column letter → width
    formats: Mapping[str, str] = field(default_factory=dict)  # column letter → number format


_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
TITLE_MAX = 31  # Excel's limit on a sheet's name


def _sheet_title(title: str, taken: Sequence[str]) -> str:
    """A sheet name Excel takes: without \\ / * ? : [ ], at most 31 characters, not starting or
    ending with an apostrophe, and not one the workbook has already."""
    text = _TITLE_FORBIDDEN.sub("_", title).strip("'")[:TITLE_MAX] or "Lapa"
    name, n = text, 1
    while name.lower() in {t.lower() for t in taken}:
        n += 1
        suffix = f" ({n})"
        name = text[: TITLE_MAX - len(suffix)] + suffix
    return name


def write_xlsx(
    sheets: Iterable[SheetOut], *, decimal_format: str | None = None, neutralise: bool = True
) -> bytes:
    """A workbook with one sheet per SheetOut, the header row in bold. `decimal_format` is the
    number format of Decimal cells (money)."""
    workbook = Workbook()
    if workbook.active is not None:
        workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(_sheet_title(str(spec.title), workbook.sheetnames))
        if spec.header is not None:
            sheet.append([safe_text(str(h)) for h in spec.header])
        for row in spec.rows:
            sheet.append([_cell(v) for v in row] if neutralise else list(row))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        if decimal_format:
            for cells in sheet.iter_rows(min_row=2):
                for cell in cells:
                    if isinstance(cell.value, Decimal):
                        cell.number_format = decimal_format
        for column, width in spec.widths.items():
            sheet.column_dimensions[column].width = width
        for column, number_format in spec.formats.items():
            for cells in sheet[f"{column}2:{column}{sheet.max_row}"]:
                for cell in cells:
                    cell.number_format = number_format
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
