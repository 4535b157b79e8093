"""The quantity flags: which sessions go past a letter line's quantity for their month (or,
for a quantity per period, the line's whole period), in the order they took place. One rule
(`over_quantity_flags`) for a session recorded alone and for an import, which computes each
month once for all its sessions (`services.bulk`)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from atbalsts.core.dates import month_end, month_start
from atbalsts.plans.selectors import letter_quantity_window

from .. import selectors
from ..models import Session


def over_quantity_flags(sessions: Iterable[tuple[str, Decimal]], quantity: Decimal) -> list[bool]:
    """For (status, units) in the order the sessions took place: whether each goes past the
    quantity. Only the statuses that count (held, no-show without notice) use it up."""
    used = Decimal("0")
    flags = []
    for status, units in sessions:
        over = False
        if status in selectors.COUNTED_STATUSES:
            used += units
            over = used > quantity
        flags.append(over)
    return flags


def quantity_window(line: Mapping[str, Any] | None, day: dt.date) -> tuple[dt.date, dt.date]:
    """The span a session on `day` is counted in: the month, or the line's period."""
    if line is None:
        return month_start(day), month_end(day)
    return letter_quantity_window(line, day)


def reflag_month(
    client_id: int,
    line_key: uuid.UUID | str,
    day: dt.date,
    quantity: Decimal,
    line: Mapping[str, Any] | None = None,
) -> None:
    """Mark the sessions past the line's quantity in the window of `day`."""
    start, end = quantity_window(line, day)
    sessions = list(
        Session.objects.select_for_update()
        .filter(client_id=client_id, line_key=line_key, date__gte=start, date__lte=end)
        .order_by("date", "start_time", "id")
    )
    flags = over_quantity_flags(((s.status, s.units) for s in sessions), quantity)
    for session, over in zip(sessions, flags, strict=True):
        if session.over_quantity != over:
            session.over_quantity = over
            session.save(update_fields=["over_quantity", "updated_at"])


def reflag_after_save(
    session: Session,
    quantity: Decimal,
    old_day: dt.date | None,
    line: Mapping[str, Any] | None = None,
) -> None:
    """Re-count the session's window, and the window it moved out of, if it moved."""
    reflag_month(session.client_id, session.line_key, session.date, quantity, line)
    if old_day is not None and quantity_window(line, old_day) != quantity_window(
        line, session.date
    ):
        reflag_month(session.client_id, session.line_key, old_day, quantity, line)
