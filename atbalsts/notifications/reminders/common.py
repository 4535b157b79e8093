"""What every reminder rule returns and the small helpers the rules share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from ..models import NotificationKind

if TYPE_CHECKING:
    from atbalsts.accounts.models import User
    from atbalsts.people.models import Client

# Plans and guarantee letters are announced twice: 60 days and again 30 days before they end.
ENDING_DAYS = (30, 60)


@dataclass(frozen=True)
class Reminder:
    """One notification a rule wants to exist. `dedupe_key` names the fact it reminds of (the
    object and the date it is about), so a second run finds it and writes nothing."""

    recipient: User
    kind: NotificationKind
    title: str
    link: str
    dedupe_key: str
    subject: models.Model | None = None
    due_on: dt.date | None = None


def client_name(client: Client) -> str:
    return f"{client.first_name} {client.last_name}"


def holds_case(user: User, today: dt.date, prefix: str = "") -> Q:
    """The rows whose client's case `user` holds on `today` (`prefix` leads to the client)."""
    return Q(
        **{
            f"{prefix}assignments__social_worker": user,
            f"{prefix}assignments__start_date__lte": today,
            f"{prefix}assignments__end_date__isnull": True,
        }
    )


def ending_threshold(end: dt.date, today: dt.date) -> int | None:
    """The nearest announcement threshold (30 or 60 days) `end` falls within, if any."""
    days = (end - today).days
    if days < 0:
        return None
    for threshold in sorted(ENDING_DAYS):
        if days <= threshold:
            return threshold
    return None
