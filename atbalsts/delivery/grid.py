"""The attendance grid of a provider: their clients' services (letter lines) as rows, the days
of a week or a month as columns, the sessions already recorded in their cells, and the
reading of a filled-in grid into entries for `services.sessions_record_many`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from atbalsts.catalog.models import ServiceType, ServiceUnit
from atbalsts.core.dates import dmy, month_end, month_start, parse_day
from atbalsts.people.models import Client, Representative
from atbalsts.plans.models import GuaranteeLetter

from . import selectors
from .models import Session, SessionStatus, Signer
from .services import entry_key

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

WEEK, MONTH = "week", "month"

# What a cell can record: a session held and who signed, or a no-show. A cancellation, a
# remote session or a transport trip takes the single session form (they need more).
CELL_CHOICES: dict[str, tuple[Any, dict[str, str]]] = {
    "held:client": (
        _("✓ notika, parakstīja klients"),
        {"status": SessionStatus.HELD, "signed_by": Signer.CLIENT},
    ),
    "held:representative": (
        _("✓ notika, parakstīja pārstāvis"),
        {"status": SessionStatus.HELD, "signed_by": Signer.REPRESENTATIVE},
    ),
    "no_show_notice": (_("✗ neieradās, brīdināja"), {"status": SessionStatus.NO_SHOW_NOTICE}),
    "no_show_no_notice": (
        _("✗ neieradās bez brīdinājuma"),
        {"status": SessionStatus.NO_SHOW_NO_NOTICE},
    ),
}
MAX_YEARS_AWAY = 20
GRID_UNITS = (ServiceUnit.HOUR, ServiceUnit.SESSION, ServiceUnit.DAY)


@dataclass
class GridCell:
    row: GridRow
    day: dt.date
    sessions: list[Session]
    open: bool  # inside the letter line's period and not in the future
    value: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"c-{self.row.letter.pk}-{self.row.key}-{self.day.isoformat()}"

    @property
    def error_key(self) -> str:
        return entry_key(self.row.key, self.day)

    @property
    def label(self) -> str:
        return f"{self.row.client.full_name}, {self.row.service}, {dmy(self.day)}"


@dataclass
class GridRow:
    client: Client
    letter: GuaranteeLetter
    line: dict[str, Any]
    representative: bool
    sessions: dict[dt.date, list[Session]] = field(default_factory=dict)
    cells: list[GridCell] = field(default_factory=list)
    start_time: str = ""
    duration: str = ""

    @property
    def key(self) -> str:
        return str(self.line["key"])

    @property
    def service(self) -> str:
        return str(self.line["service"])

    @property
    def prefix(self) -> str:
        return f"r-{self.letter.pk}-{self.key}"

    @property
    def choices(self) -> list[tuple[str, Any]]:
        return [
            (value, label)
            for value, (label, _data) in CELL_CHOICES.items()
            if self.representative or value != "held:representative"
        ]


@dataclass
class Grid:
    view: str
    first: dt.date
    last: dt.date
    days: list[dt.date]
    rows: list[GridRow]
    today: dt.date

    @property
    def previous(self) -> dt.date:
        if self.view == MONTH:
            return month_start(self.first - dt.timedelta(days=1))
        return self.first - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.last + dt.timedelta(days=1)


def grid_span(view: str, around: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of the week of `around`, or its calendar month."""
    if view == MONTH:
        return month_start(around), month_end(around)
    monday = around - dt.timedelta(days=around.weekday())
    return monday, monday + dt.timedelta(days=6)


def _line_span(letter: GuaranteeLetter, line: Mapping[str, Any]) -> tuple[dt.date, dt.date]:
    start = max(dt.date.fromisoformat(line["start"]), letter.period_start)
    end = min(dt.date.fromisoformat(line["end"]), letter.period_end)
    return start, end


def grid_build(*, user: Viewer, view: str, around: dt.date, today: dt.date) -> Grid:
    """The provider's grid for the week or month around a day: one row per client and letter
    line whose unit a cell can record (hours, sessions, days) and whose period meets the span."""
    first, last = grid_span(view, around)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    units = dict(ServiceType.objects.values_list("pk", "unit"))
    rows: list[GridRow] = []
    entries = selectors.my_clients(user=user, today=today)
    with_representative = set(
        Representative.objects.filter(client__in=[e.client for e in entries]).values_list(
            "client_id", flat=True
        )
    )
    for entry in entries:
        for letter in entry.letters:
            for line in letter.lines:
                start, end = _line_span(letter, line)
                if units.get(line["service_type_id"]) not in GRID_UNITS:
                    continue
                if end < first or start > last:
                    continue
                rows.append(
                    GridRow(
                        client=entry.client,
                        letter=letter,
                        line=dict(line),
                        representative=entry.client.pk in with_representative,
                    )
                )
    by_line = {(row.client.pk, row.key): row for row in rows}
    recorded = selectors.session_list(user=user, start=first, end=last).exclude(
        status=SessionStatus.CANCELLED
    )
    for session in recorded.order_by("date", "start_time", "id"):
        row = by_line.get((session.client_id, str(session.line_key)))
        if row is not None:
            row.sessions.setdefault(session.date, []).append(session)
    for row in rows:
        start, end = _line_span(row.letter, row.line)
        row.cells = [
            GridCell(
                row=row,
                day=day,
                sessions=row.sessions.get(day, []),
                open=start <= day <= end and day <= today,
            )
            for day in days
        ]
    return Grid(view=view, first=first, last=last, days=days, rows=rows, today=today)


def grid_around(text: str | None, today: dt.date) -> dt.date:
    """The day the grid is shown around (GGGG-MM-DD or DD.MM.GGGG); today when not a date or
    far from any letter (the arrows must not step past the calendar's ends)."""
    try:
        day = parse_day(text or "")
    except ValueError:
        return today
    return day if abs(day.year - today.year) <= MAX_YEARS_AWAY else today


def grid_entries(
    grid: Grid, post: Mapping[str, Any]
) -> tuple[list[tuple[GuaranteeLetter, dict[str, object]]], dict[str, list[str]]]:
    """The sessions a filled-in grid asks for, and the cells whose value is no choice of the
    grid. Each row's start time and length apply to its cells; the rules are the service's."""
    entries: list[tuple[GuaranteeLetter, dict[str, object]]] = []
    errors: dict[str, list[str]] = {}
    for row in grid.rows:
        row.start_time = str(post.get(f"{row.prefix}-time", "")).strip()
        row.duration = str(post.get(f"{row.prefix}-minutes", "")).strip()
        allowed = dict(row.choices)
        for cell in row.cells:
            cell.value = str(post.get(cell.name, "")).strip() if cell.open else ""
            if not cell.value:
                continue
            if cell.value not in allowed:
                errors.setdefault(cell.error_key, []).append(
                    str(_("%(cell)s: šādas izvēles nav.") % {"cell": cell.label})
                )
                continue
            data: dict[str, object] = {
                "line_key": row.key,
                "date": cell.day,
                "start_time": row.start_time,
                "duration_minutes": row.duration or None,
                **CELL_CHOICES[cell.value][1],
            }
            entries.append((row.letter, data))
    return entries, errors


def grid_mark_errors(grid: Grid, errors: Mapping[str, list[str]]) -> list[str]:
    """Put each error on its cell; returns them all in the grid's order for the summary."""
    by_key = {cell.error_key: cell for row in grid.rows for cell in row.cells}
    ordered: list[str] = []
    for key, messages in errors.items():
        cell = by_key.get(key)
        if cell is not None:
            cell.errors.extend(messages)
        ordered.extend(messages)
    return ordered
