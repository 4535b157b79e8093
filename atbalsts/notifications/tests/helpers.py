"""Running the reminders on a fixed day and reading what they made."""

import datetime as dt
from typing import Any

from atbalsts.notifications.models import Notification
from atbalsts.notifications.run import run_reminders


def run(day: dt.date) -> dict[str, int]:
    result = run_reminders(day)
    assert result.failed == []
    return result.counts


def made(kind: str) -> list[tuple[Any, str, dt.date | None]]:
    """(recipient, link, due date) of every notification of `kind`, in a stable order."""
    return [
        (n.recipient, n.link, n.due_on)
        for n in Notification.objects.filter(kind=kind).select_related("recipient").order_by("id")
    ]
