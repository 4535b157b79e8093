"""A provider's (or the social service's) import of a month's sessions from CSV or XLSX."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.dates import hm, parse_day
from atbalsts.core.errors import DomainError, NotPermitted
from atbalsts.plans.models import GuaranteeLetter, PlanLine

from .. import selectors
from ..errors import ImportFailed
from ..models import Session, SessionMode, SessionStatus, Signer
from ..policies import delivery_policy
from ..tabular import FileUnreadable, Row, RowError, normalise, read_rows
from .bulk import BulkEntry, sessions_record_bulk

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor


def import_key_for(provider_id: int, values: Mapping[str, object]) -> str:
    """A stable hash of one imported row: the same row imported again is recognised."""
    text = "|".join([str(provider_id), *(f"{k}={values[k]}" for k in sorted(values))])
    return hashlib.sha256(text.encode()).hexdigest()


# Column (normalised, see tabular.normalise) → what it holds. Latvian names first, English too.
IMPORT_COLUMNS = {
    "vestule": "letter",
    "rinda": "line",
    "datums": "date",
    "sakums": "start_time",
    "ilgums": "duration_minutes",
    "statuss": "status",
    "veids": "mode",
    "parakstija": "signed_by",
    "sanemejs": "recipient",
    "km": "km",
    "bilete": "ticket_amount",
    "protokols": "evidence_protocol",
    "merki": "goals_worked_on",
    "metodes": "techniques",
}
IMPORT_COLUMNS.update({value: value for value in list(IMPORT_COLUMNS.values())})
COLUMN_LABELS = {
    "letter": "vēstule",
    "line": "rinda",
    "line_key": "rinda",
    "date": "datums",
    "start_time": "sākums",
    "duration_minutes": "ilgums",
    "status": "statuss",
    "mode": "veids",
    "signed_by": "parakstīja",
    "signer_note": "parakstīja",
    "recipient": "saņēmējs",
    "km": "km",
    "ticket_amount": "biļete",
    "evidence_protocol": "protokols",
    "goals_worked_on": "mērķi",
    "techniques": "metodes",
    "__all__": "—",
}
REQUIRED_COLUMNS = ("letter", "line", "date", "start_time")
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "status": {
        "notika": SessionStatus.HELD,
        "bridinaja": SessionStatus.NO_SHOW_NOTICE,
        "nebridinaja": SessionStatus.NO_SHOW_NO_NOTICE,
        "atcelta": SessionStatus.CANCELLED,
    },
    "mode": {"klatiene": SessionMode.IN_PERSON, "attalinati": SessionMode.REMOTE},
    "signed_by": {"klients": Signer.CLIENT, "parstavis": Signer.REPRESENTATIVE},
}


class _Cell(Exception):
    def __init__(self, column: str, message: object) -> None:
        self.column = column
        self.message = str(message)
        super().__init__(self.message)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\x00", "").strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def _cell_date(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return parse_day(_cell_text(value)).isoformat()
    except ValueError:
        raise _Cell("date", _("Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD.")) from None


def _cell_time(value: object) -> str:
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return hm(value)
    text = _cell_text(value).replace(".", ":")
    if len(text) == 4 and text[1] == ":":
        text = "0" + text
    return text


def _alias(column: str, value: object) -> str:
    text = normalise(_cell_text(value))
    return str(VALUE_ALIASES[column].get(text, text))


class _Letters:
    """The letters the file names, read once (by number), and whether the actor may record
    under each today, asked once per letter; the plan line behind a letter line, once."""

    def __init__(self, actor: Actor, numbers: set[str], today: dt.date) -> None:
        self.actor, self.today = actor, today
        self.found: dict[str, GuaranteeLetter] = {}
        ordered = sorted(numbers)
        for i in range(0, len(ordered), 900):
            for letter in GuaranteeLetter.objects.filter(
                number__in=ordered[i : i + 900]
            ).select_related("version__plan__client"):
                self.found.setdefault(letter.number, letter)
        self._open: dict[int, bool] = {}
        self._plan_lines: dict[tuple[int, str], PlanLine | None] = {}

    def open(self, number: str) -> GuaranteeLetter | None:
        letter = self.found.get(number) if number else None
        if letter is None:
            return None
        if letter.pk not in self._open:
            self._open[letter.pk] = selectors.letter_open_for(self.actor, letter, self.today)
        return letter if self._open[letter.pk] else None

    def plan_line(self, letter: GuaranteeLetter, key: str) -> PlanLine | None:
        if (letter.pk, key) not in self._plan_lines:
            self._plan_lines[(letter.pk, key)] = selectors.plan_line_of(letter, key)
        return self._plan_lines[(letter.pk, key)]


def _row_data(
    letters: _Letters, values: dict[str, Any]
) -> tuple[GuaranteeLetter, dict[str, object], dict[str, object]]:
    """One row as (letter, data for session_record, the values its import key is made of)."""
    number = _cell_text(values.get("letter"))
    letter = letters.open(number)
    if letter is None:
        raise _Cell(
            "letter",
            _("Garantijas vēstule „%(number)s” nav atrasta vai nav spēkā jūsu organizācijai.")
            % {"number": number},
        )
    line_text = _cell_text(values.get("line"))
    line = selectors.letter_line_numbered(letter, int(line_text)) if line_text.isdigit() else None
    if line is None:
        raise _Cell(
            "line",
            _("Vēstulē %(number)s nav %(line)s. rindas (tajā ir %(count)s).")
            % {"number": letter.number, "line": line_text or "—", "count": len(letter.lines)},
        )
    recipient_name = _cell_text(values.get("recipient"))
    recipient = None
    if recipient_name:
        plan_line = letters.plan_line(letter, line["key"])
        named = plan_line.recipient if plan_line is not None else None
        if named is None or str(named).strip().lower() != recipient_name.lower():
            raise _Cell(
                "recipient",
                _("Saņēmējs „%(name)s” nav norādīts vēstules %(line)s. rindā.")
                % {"name": recipient_name, "line": line_text},
            )
        recipient = named.pk
    data: dict[str, object] = {
        "line_key": line["key"],
        "date": _cell_date(values.get("date")),
        "start_time": _cell_time(values.get("start_time")),
        "recipient": recipient,
    }
    for column in ("duration_minutes", "km", "ticket_amount"):
        data[column] = _cell_text(values.get(column)) or None
    for column in ("status", "mode", "signed_by"):
        data[column] = _alias(column, values.get(column)) or None
    for column in ("evidence_protocol", "goals_worked_on", "techniques"):
        data[column] = _cell_text(values.get(column))
    key_values = {"letter": letter.number, "line": line_text, **data}
    return letter, data, key_values


def _known_keys(keys: list[str]) -> set[str]:
    """The import keys already recorded, read in batches."""
    known: set[str] = set()
    for i in range(0, len(keys), 900):
        found = Session.objects.filter(import_key__in=keys[i : i + 900])
        known.update(key for key in found.values_list("import_key", flat=True) if key)
    return known


def _row_errors(sheet: str, row: int, error: DomainError) -> list[RowError]:
    return [
        RowError(sheet, row, COLUMN_LABELS.get(field, field), message)
        for field, messages in error.field_errors.items()
        for message in messages
    ]


def _column_problems(name: str, rows: list[Row]) -> list[RowError]:
    """Unknown and missing columns of the first sheet, or a file without rows."""
    if not rows:
        return [RowError(name, 0, "file", str(_("Failā nav nevienas rindas.")))]
    sheet, columns = rows[0][0], set(rows[0][2])
    problems = [
        RowError(sheet, 1, column, str(_("Nezināma kolonna.")))
        for column in sorted(c for c in columns if c and c not in IMPORT_COLUMNS)
    ]
    present = {IMPORT_COLUMNS[c] for c in columns if c in IMPORT_COLUMNS}
    problems.extend(
        RowError(sheet, 1, COLUMN_LABELS[column], str(_("Trūkst kolonnas.")))
        for column in REQUIRED_COLUMNS
        if column not in present
    )
    return problems


@transaction.atomic
def sessions_import(
    *,
    actor: Actor,
    name: str,
    content: bytes,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Import a month's sessions from CSV or XLSX: every row is recorded with the same rules
    as one typed in; if any row is wrong nothing is written and every problem is reported
    with its sheet, row, column and message. A row imported before is recognised by its
    import key and not recorded again. Returns {"created": n, "unchanged": m}. `progress`
    (the background job's) is told the rows checked of all rows."""
    if not delivery_policy.may_import_sessions(actor):
        raise NotPermitted()
    try:
        rows = read_rows(name=name, content=content)
    except FileUnreadable as exc:
        raise ImportFailed([RowError(name, 0, "file", exc.message).as_dict()]) from exc
    problems = _column_problems(name, rows)
    if problems:
        raise ImportFailed([p.as_dict() for p in problems])
    today = timezone.localdate()
    numbers = {
        _cell_text(v)
        for _s, _n, raw in rows
        for c, v in raw.items()
        if IMPORT_COLUMNS.get(c) == "letter"
    }
    letters = _Letters(actor, numbers, today)
    seen: dict[str, int] = {}
    parsed: list[tuple[str, int, GuaranteeLetter, dict[str, object], str]] = []
    for index, (sheet, number, raw) in enumerate(rows):
        if progress is not None and index % 1000 == 0:
            progress(index, len(rows))
        values = {IMPORT_COLUMNS[c]: v for c, v in raw.items() if c in IMPORT_COLUMNS}
        try:
            letter, data, key_values = _row_data(letters, values)
        except _Cell as exc:
            problems.append(RowError(sheet, number, COLUMN_LABELS[exc.column], exc.message))
            continue
        except DomainError as exc:
            problems.extend(_row_errors(sheet, number, exc))
            continue
        key = import_key_for(letter.provider_id, key_values)
        if key in seen:
            problems.append(
                RowError(
                    sheet,
                    number,
                    "—",
                    str(_("Rinda atkārto %(row)s. rindu.") % {"row": seen[key]}),
                )
            )
            continue
        seen[key] = number
        parsed.append((sheet, number, letter, data, key))
    known = _known_keys([key for *_rest, key in parsed])
    todo = [p for p in parsed if p[4] not in known]
    unchanged = len(parsed) - len(todo)
    # Every row with the rules of one typed in, checked in one go (`services.bulk`); if
    # any row (here or above) is refused, nothing is written.
    outcome = sessions_record_bulk(
        actor=actor,
        entries=[BulkEntry(letter, data, key) for _s, _n, letter, data, key in todo],
        write=not problems,
    )
    for index, error in outcome.errors.items():
        sheet, number = todo[index][0], todo[index][1]
        problems.extend(_row_errors(sheet, number, error))
    created = len(outcome.sessions)
    if progress is not None:
        progress(len(rows), len(rows))
    position = {(sheet, number): i for i, (sheet, number, _raw) in enumerate(rows)}
    problems.sort(key=lambda p: position.get((p.sheet, p.row), -1))  # the file's order
    if problems:
        raise ImportFailed([p.as_dict() for p in problems])
    audit_record(
        actor=actor,
        event_type=AuditEventType.DELIVERY_IMPORTED,
        subject_type="delivery.import",
        subject_id=hashlib.sha256(content).hexdigest()[:32],
        extra_data={"file": name, "created": created, "unchanged": unchanged},
    )
    return {"created": created, "unchanged": unchanged}
