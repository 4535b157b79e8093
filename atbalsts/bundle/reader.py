"""Reading a bundle: one XLSX (a sheet per table), a .zip of CSV files, or CSV files uploaded
together (each named after its table). Returns the sheets as numbered rows of raw cells; the
cells themselves are read by core.tabular."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from django.utils.translation import gettext_lazy as _

from atbalsts.core.tabular import (
    Limits,
    Row,
    Unreadable,
    file_stem,
    lower_header,
    read_csv,
    read_xlsx,
)

from .errors import BundleRejected, RowError
from .format import SHEETS

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
LIMITS = Limits(MAX_ROWS, _("Lapā ir vairāk nekā %(n)s rindu."))


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[Row] = field(default_factory=list)


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


def _read_xlsx(name: str, content: bytes) -> list[Sheet]:
    try:
        tables = read_xlsx(content, limits=LIMITS, header=lower_header)
    except Unreadable as exc:
        raise _problem(name, exc.message) from exc
    return [Sheet(t.name.strip().lower(), t.header, list(t.rows)) for t in tables]


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
    try:
        table = read_csv(name, content, limits=LIMITS, header=lower_header)
    except Unreadable as exc:
        raise _problem(name, exc.message) from exc
    return Sheet(file_stem(name), table.header, list(table.rows))
