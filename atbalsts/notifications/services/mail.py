"""Mailing the notifications: one mail per notification for users who chose single mails,
one digest a day for the others (the default), only the kinds each user chose, only to users
with an e-mail address. A mail is built by `notifications.mail` (no personal data in it).

Sent by the system (the daily run), so these writes take no actor; a notification is marked
mailed only after its mail went out."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from ..mail import render_mail
from ..models import Notification, NotificationKind, NotificationPreference, NotificationSettings

logger = logging.getLogger(__name__)
KINDS = frozenset(NotificationKind.values)


@dataclass
class MailCounts:
    single: int = 0  # mails about one notification
    digests: int = 0  # daily digests
    failed: int = 0  # mails the mail server refused (tried again on the next run)

    def as_dict(self) -> dict[str, int]:
        return {"single": self.single, "digests": self.digests, "failed": self.failed}


def _send(address: str, notifications: list[Notification]) -> bool:
    subject, text, html = render_mail(notifications)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:  # any mail failure: tried again on the next run
        logger.warning("notification mail to user failed; it is tried again on the next run")
        return False
    return True


@transaction.atomic
def _mark_mailed(notifications: list[Notification], *, digest_on: dt.date | None = None) -> None:
    now = timezone.now()
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=now)
    if digest_on is not None:
        recipient_id = notifications[0].recipient_id
        NotificationSettings.objects.update_or_create(
            user_id=recipient_id, defaults={"digest_sent_on": digest_on}
        )


def mail_send(*, today: dt.date) -> MailCounts:
    """Mail what is waiting: unread, not yet mailed notifications of the kinds each user
    wants by e-mail. A user with the digest gets at most one mail on `today`."""
    counts = MailCounts()
    waiting: dict[int, list[Notification]] = defaultdict(list)
    rows = (
        Notification.objects.filter(
            read_at__isnull=True,
            emailed_at__isnull=True,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("recipient_id", "due_on", "created_at", "id")
    )
    for notification in rows:
        waiting[notification.recipient_id].append(notification)
    if not waiting:
        return counts
    off: dict[int, set[str]] = defaultdict(set)
    for user_id, kind in NotificationPreference.objects.filter(
        user_id__in=list(waiting), email=False
    ).values_list("user_id", "kind"):
        off[user_id].add(kind)
    rhythm = {s.user_id: s for s in NotificationSettings.objects.filter(user_id__in=list(waiting))}
    for user_id, notifications in waiting.items():
        wanted = [n for n in notifications if n.kind in KINDS and n.kind not in off[user_id]]
        if not wanted:
            continue
        address = wanted[0].recipient.email
        chosen = rhythm.get(user_id)
        if chosen is None or chosen.digest:
            if chosen is not None and chosen.digest_sent_on == today:
                continue
            if _send(address, wanted):
                _mark_mailed(wanted, digest_on=today)
                counts.digests += 1
            else:
                counts.failed += 1
            continue
        for notification in wanted:
            if _send(address, [notification]):
                _mark_mailed([notification])
                counts.single += 1
            else:
                counts.failed += 1
    return counts
