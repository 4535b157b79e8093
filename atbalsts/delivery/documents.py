"""The monthly attendance sheet: one client's sessions with one provider in a month, with
signature lines for the person (or their representative) and the provider, to sign on paper
and hand in with the invoice. A PDF rendered with the bundled font (core.pdf).

It shows what the guarantee letter already shows of the person (name, date of birth; never
the personal code) and of each session only the date, start time, service, duration or
units and the marks (remote, no-show, cancelled): never goals, methods, notes or
conclusions.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from atbalsts.catalog.models import Provider
from atbalsts.core.dates import hm, month_end, month_start
from atbalsts.core.pdf import render_pdf
from atbalsts.people.models import Client

from .models import Session, SessionMode, SessionStatus, Signer
from .selectors import session_list

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

TEMPLATE = "delivery/attendance_pdf.html"
BLANK_ROWS = 3  # for sessions written in by hand
MONTHS = (
    "janvāris",
    "februāris",
    "marts",
    "aprīlis",
    "maijs",
    "jūnijs",
    "jūlijs",
    "augusts",
    "septembris",
    "oktobris",
    "novembris",
    "decembris",
)


@dataclass(frozen=True)
class SheetRow:
    date: dt.date
    time: str
    service: str
    duration: str
    marks: str
    signed_by: str


@dataclass
class Sheet:
    client: Client
    provider: Provider
    month: dt.date
    rows: list[SheetRow] = field(default_factory=list)
    letters: list[str] = field(default_factory=list)

    @property
    def month_label(self) -> str:
        return _("%(year)s. gada %(month)s") % {
            "year": self.month.year,
            "month": MONTHS[self.month.month - 1],
        }

    @property
    def held(self) -> int:
        return sum(1 for row in self.rows if not row.marks)

    @property
    def filename(self) -> str:
        return f"apmeklejums-{self.month:%Y-%m}-{self.client.pk}-{self.provider.pk}.pdf"


def _marks(session: Session) -> str:
    marks = []
    if session.status != SessionStatus.HELD:
        marks.append(str(session.get_status_display()))
    if session.mode == SessionMode.REMOTE:
        marks.append(str(_("attālināti")))
    return ", ".join(marks)


def _duration(session: Session) -> str:
    if session.duration_minutes:
        return _("%(n)s min") % {"n": session.duration_minutes}
    units = Decimal(session.units).normalize()
    return f"{units:f}".replace(".", ",") + f" {session.service_type.get_unit_display()}"


def _signed_by(session: Session) -> str:
    return str(session.get_signed_by_display()) if session.signed_by in Signer.values else ""


def month_sessions(
    *,
    user: Viewer,
    month: dt.date,
    client: Client | None = None,
    provider_id: int | None = None,
    municipality_id: int | None = None,
) -> Iterator[Session]:
    """The month's sessions the user may see, in sheet order (client, provider, date)."""
    first = month_start(month)
    sessions = session_list(
        user=user, client=client, provider_id=provider_id, start=first, end=month_end(first)
    )
    if municipality_id is not None:
        sessions = sessions.filter(client__municipality_id=municipality_id)
    return (
        sessions.select_related("client", "provider", "service_type", "letter")
        .order_by(
            "client__last_name",
            "client__first_name",
            "client_id",
            "provider__name",
            "provider_id",
            "date",
            "start_time",
            "id",
        )
        .iterator(chunk_size=500)
    )


def sheets_from(sessions: Iterable[Session], month: dt.date) -> Iterator[Sheet]:
    """One sheet per client and provider, from sessions in that order."""
    sheet: Sheet | None = None
    for session in sessions:
        if sheet is None or (sheet.client.pk, sheet.provider.pk) != (
            session.client_id,
            session.provider_id,
        ):
            if sheet is not None:
                yield sheet
            sheet = Sheet(session.client, session.provider, month_start(month))
        if session.letter.number not in sheet.letters:
            sheet.letters.append(session.letter.number)
        sheet.rows.append(
            SheetRow(
                date=session.date,
                time=hm(session.start_time) if session.start_time else "",
                service=session.service_type.name_lv,
                duration=_duration(session),
                marks=_marks(session),
                signed_by=_signed_by(session),
            )
        )
    if sheet is not None:
        yield sheet


def sheet_count(
    *, user: Viewer, month: dt.date, provider_id: int | None, municipality_id: int | None
) -> int:
    """How many sheets a month's batch would hold (client and provider pairs with sessions)."""
    first = month_start(month)
    sessions = session_list(user=user, provider_id=provider_id, start=first, end=month_end(first))
    if municipality_id is not None:
        sessions = sessions.filter(client__municipality_id=municipality_id)
    return sessions.order_by().values("client_id", "provider_id").distinct().count()


def client_sheet(*, user: Viewer, client: Client, provider: Provider, month: dt.date) -> Sheet:
    """The client's sheet with one provider for a month (empty rows to fill in by hand if no
    session is recorded yet)."""
    sessions = month_sessions(user=user, month=month, client=client, provider_id=provider.pk)
    for sheet in sheets_from(sessions, month):
        return sheet
    return Sheet(client, provider, month_start(month))


def sheets_pdf(sheets: Iterable[Sheet]) -> bytes:
    """Sheets in one PDF, each starting on a new page."""
    return render_pdf(TEMPLATE, {"sheets": list(sheets), "blank_rows": range(BLANK_ROWS)})


def merge_pdfs(parts: Iterable[bytes]) -> bytes:
    """PDF documents one after another in one file."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
