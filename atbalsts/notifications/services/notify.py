"""Writing the reminders the rules found: each once per recipient (`dedupe_key`).

The daily run is the system acting, not a user: these writes take no actor. Creating a
notification reads nothing new about a person, so it writes no audit event."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ..models import Notification
from ..reminders.common import Reminder

_CHUNK = 500


@transaction.atomic
def notifications_write(reminders: Iterable[Reminder]) -> Counter[str]:
    """Create the notifications that do not exist yet; returns how many per kind."""
    wanted: dict[tuple[int, str], Reminder] = {}
    for reminder in reminders:
        wanted.setdefault((reminder.recipient.pk, reminder.dedupe_key), reminder)
    keys_by_recipient: dict[int, list[str]] = {}
    for recipient_id, key in wanted:
        keys_by_recipient.setdefault(recipient_id, []).append(key)
    existing: set[tuple[int, str]] = set()
    for recipient_id, keys in keys_by_recipient.items():
        for start in range(0, len(keys), _CHUNK):
            existing.update(
                Notification.objects.filter(
                    recipient_id=recipient_id, dedupe_key__in=keys[start : start + _CHUNK]
                ).values_list("recipient_id", "dedupe_key")
            )
    now = timezone.now()
    new = [
        Notification(
            recipient_id=reminder.recipient.pk,
            kind=reminder.kind,
            title=reminder.title[:300],
            link=reminder.link,
            subject_type=reminder.subject._meta.label_lower if reminder.subject else "",
            subject_id=str(reminder.subject.pk) if reminder.subject else "",
            dedupe_key=reminder.dedupe_key,
            due_on=reminder.due_on,
            created_at=now,
        )
        for key, reminder in wanted.items()
        if key not in existing
    ]
    Notification.objects.bulk_create(new, batch_size=_CHUNK, ignore_conflicts=True)
    return Counter(str(n.kind) for n in new)
