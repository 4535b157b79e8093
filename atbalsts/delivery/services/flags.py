"""The month's quantity flags: which sessions go past a letter line's monthly quantity."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from atbalsts.core.dates import month_end, month_start

from .. import selectors
from ..models import Session


def reflag_month(
    client_id: int, line_key: uuid.UUID | str, day: dt.date, quantity: Decimal
) -> None:
    """Mark the sessions past the line's monthly quantity, in the order they took place."""
    sessions = Session.objects.select_for_update().filter(
        client_id=client_id,
        line_key=line_key,
        date__gte=month_start(day),
        date__lte=month_end(day),
    )
    used = Decimal("0")
    for session in sessions.order_by("date", "start_time", "id"):
        over = False
        if session.status in selectors.COUNTED_STATUSES:
            used += session.units
            over = used > quantity
        if session.over_quantity != over:
            session.over_quantity = over
            session.save(update_fields=["over_quantity", "updated_at"])


def reflag_after_save(session: Session, quantity: Decimal, old_day: dt.date | None) -> None:
    """Re-count the session's month, and the month it moved out of, if it moved."""
    reflag_month(session.client_id, session.line_key, session.date, quantity)
    if old_day is not None and month_start(old_day) != month_start(session.date):
        reflag_month(session.client_id, session.line_key, old_day, quantity)
