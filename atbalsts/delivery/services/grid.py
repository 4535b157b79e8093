"""Recording many sessions at once (the attendance grid, a group session): each one passes
the single session's rules through `session_record`, and if any is refused nothing is
written and every refusal names the person, the service and the day."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils.translation import gettext as _

from atbalsts.core.dates import dmy, parse_day
from atbalsts.core.errors import DomainError, ValidationFailed
from atbalsts.plans.models import GuaranteeLetter

from .. import selectors
from ..models import Session
from .sessions import session_record

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

Entry = tuple[GuaranteeLetter, Mapping[str, object]]


def entry_key(line_key: object, day: object) -> str:
    """The key a grid cell's errors come under: the letter line and the day (ISO)."""
    when = day.isoformat() if isinstance(day, dt.date) else str(day or "")
    return f"{line_key}:{when}"


def _field_label(name: str) -> str:
    if name == "km":
        return _("kilometri")
    try:
        field = Session._meta.get_field(name)
    except FieldDoesNotExist:
        return ""
    return str(getattr(field, "verbose_name", ""))


def _entry_label(letter: GuaranteeLetter, data: Mapping[str, object]) -> str:
    """Who, what and when, as the user reads it: „Anna Bērziņa, Atbalsta persona, 03.12.2026”."""
    client = selectors.letter_client(letter)
    try:
        service = str(selectors.letter_line(letter, data.get("line_key"))["service"])
    except DomainError:
        service = letter.number
    raw = data.get("date")
    try:
        day = dmy(raw if isinstance(raw, dt.date) else parse_day(str(raw or "")))
    except ValueError:
        day = str(raw or "—")
    return ", ".join((client.full_name, service, day))


def _messages(label: str, error: DomainError) -> list[str]:
    found = []
    for name, messages in error.field_errors.items():
        field = _field_label(name) if name != "__all__" else ""
        for message in messages:
            where = f"{label} („{field}”)" if field else label
            found.append(f"{where}: {message}")
    return found


@transaction.atomic
def sessions_record_many(
    *,
    actor: Actor,
    entries: Sequence[Entry],
    group_key: uuid.UUID | None = None,
) -> list[Session]:
    """Record every entry (a letter and the single form's data) with the rules of one session;
    all or nothing. Errors are keyed by `entry_key(line_key, date)` and each message starts
    with the person, the service and the day."""
    if not entries:
        raise ValidationFailed({"__all__": [_("Nav atzīmēta neviena nodarbība.")]})
    errors: dict[str, list[str]] = {}
    sessions: list[Session] = []
    for letter, data in entries:
        try:
            with transaction.atomic():
                sessions.append(
                    session_record(actor=actor, letter=letter, data=data, group_key=group_key)
                )
        except DomainError as exc:
            key = entry_key(data.get("line_key"), data.get("date"))
            errors.setdefault(key, []).extend(_messages(_entry_label(letter, data), exc))
    if errors:
        raise ValidationFailed(errors)
    return sessions
