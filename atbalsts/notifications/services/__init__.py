"""Writes of the notifications app: creating reminders (the system), mailing them (the
system), and the user's own marks and choices."""

from .inbox import (
    PREFERENCE_FIELDS,
    notification_mark_read,
    notifications_mark_all_read,
    preferences_save,
)
from .mail import MailCounts, mail_send
from .notify import notifications_write

__all__ = [
    "PREFERENCE_FIELDS",
    "MailCounts",
    "mail_send",
    "notification_mark_read",
    "notifications_mark_all_read",
    "notifications_write",
    "preferences_save",
]
