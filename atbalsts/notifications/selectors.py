"""Reads of the user's own notifications and e-mail choices (through `notification_policy`:
a user sees only their own)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from .models import Notification, NotificationKind, NotificationPreference, NotificationSettings
from .policies import notification_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer


def notification_list(*, user: Viewer) -> QuerySet[Notification]:
    """Unread first, then the newest."""
    qs = notification_policy.visible(user, Notification.objects.all())
    unread_first = Case(
        When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.annotate(unread_first=unread_first).order_by("unread_first", "-created_at", "-id")


def notification_get(*, user: Viewer, pk: Any) -> Notification:
    return notification_policy.get_visible(user, Notification.objects.all(), pk=pk)


def unread_count(*, user: Viewer) -> int:
    """One COUNT over the partial index of unread rows."""
    if not user.is_authenticated:
        return 0
    return notification_policy.visible(
        user, Notification.objects.filter(read_at__isnull=True)
    ).count()


def email_kinds_of(*, user: Viewer) -> set[str]:
    """The kinds the user gets by e-mail: every kind unless switched off."""
    if not user.is_authenticated:
        return set()
    off = set(
        NotificationPreference.objects.filter(user_id=user.pk, email=False).values_list(
            "kind", flat=True
        )
    )
    return set(NotificationKind.values) - off


def settings_of(*, user: Viewer) -> NotificationSettings:
    """The user's e-mail rhythm (an unsaved default, a daily digest, if never chosen)."""
    if user.pk is None:
        return NotificationSettings()
    found = NotificationSettings.objects.filter(user_id=user.pk).first()
    return found if found is not None else NotificationSettings(user_id=user.pk)
