"""The moment a step of a workflow is recorded: now, or a past working day an import names.

Services that record a step (an agreement, an approval) take `on=`: None is now; a date is a
step that happened then (importing history), checked not to lie in the future nor before the
step it follows. It is stored at 12:00 local time, so the recorded day is that date anywhere.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed

OFFICE_HOUR = dt.time(12, 0)


def dmy(day: dt.date | None) -> str:
    """A date as Latvians write it in a message: 22.11.2026 ('' for none)."""
    return day.strftime("%d.%m.%Y") if day else ""


def my(month: dt.date) -> str:
    """A month as Latvians write it in a message: 11.2026."""
    return month.strftime("%m.%Y")


def iso_month(month: dt.date) -> str:
    """A month as files and the API write it: 2026-11."""
    return month.strftime("%Y-%m")


def hm(moment: dt.time | None) -> str:
    """A time of day: 09:30 ('' for none)."""
    return moment.strftime("%H:%M") if moment else ""


def span(start: dt.date, end: dt.date | None) -> str:
    """A period in a message: 01.01.2026–30.06.2026, or 01.01.2026–… while it has no end."""
    return f"{dmy(start)}–{dmy(end) if end else '…'}"


def month_start(day: dt.date) -> dt.date:
    """The first day of the day's month."""
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of the day's month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def parse_month(text: str) -> dt.date:
    """A month written GGGG-MM (as a month field sends it) → its first day; ValueError
    otherwise."""
    year, sep, month = text.strip().partition("-")
    if not (sep and len(year) == 4 and year.isdigit() and len(month) == 2 and month.isdigit()):
        raise ValueError(text)
    return dt.date(int(year), int(month), 1)


def month_field(text: str | None, *, default: dt.date) -> dt.date | None:
    """A month picker's value: GGGG-MM → its first day; empty → the month of `default`;
    anything else → None (the page answers 400)."""
    if not text:
        return month_start(default)
    try:
        return parse_month(text)
    except ValueError:
        return None


def parse_day(text: str) -> dt.date:
    """A date written GGGG-MM-DD or DD.MM.GGGG (as people type it); ValueError otherwise."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(text)


def recorded_at(
    on: object, *, field: str, not_before: dt.date | dt.datetime | None = None
) -> dt.datetime:
    """The time to record a step at. Raises ValidationFailed on `field` for something that is
    not a date, a date in the future, or one before `not_before` (the earlier step)."""
    if on is None:
        return timezone.now()
    if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        raise ValidationFailed({field: [_("Datumam jābūt formā GGGG-MM-DD.")]})
    if on > timezone.localdate():
        raise ValidationFailed({field: [_("Datums nevar būt nākotnē.")]})
    if isinstance(not_before, dt.datetime):
        not_before = timezone.localdate(not_before)
    if not_before is not None and on < not_before:
        raise ValidationFailed(
            {field: [_("Datums nevar būt pirms %(day)s.") % {"day": dmy(not_before)}]}
        )
    return timezone.make_aware(dt.datetime.combine(on, OFFICE_HOUR))
