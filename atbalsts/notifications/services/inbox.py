"""The user's own list: marking notifications read (not audited: it changes nothing about
anyone's data) and the e-mail choices (audited as a change of the user's settings)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.policies import Action
from atbalsts.core.validation import add_error, raise_if_errors, refuse_unknown

from ..models import Notification, NotificationKind, NotificationPreference, NotificationSettings
from ..policies import notification_policy
from ..selectors import email_kinds_of, settings_of

PREFERENCE_FIELDS = ("email_kinds", "digest")


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    notification_policy.require(actor, Action.CHANGE, notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: Actor) -> int:
    notification_policy.require(actor, Action.CHANGE)
    unread = notification_policy.visible(actor, Notification.objects.filter(read_at__isnull=True))
    return unread.update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, actor: Actor, data: Mapping[str, object]) -> None:
    """`email_kinds`: the kinds the user wants by e-mail (a list of kind values; the others
    are not mailed); `digest`: one daily mail instead of one mail per notification."""
    notification_policy.require(actor, Action.CHANGE)
    errors: dict[str, list[str]] = {}
    refuse_unknown(data, PREFERENCE_FIELDS)
    raw_kinds = data.get("email_kinds", [])
    kinds: set[str] = set()
    if not isinstance(raw_kinds, list | tuple | set | frozenset):
        add_error(errors, "email_kinds", _("Nederīga vērtība."))
    else:
        for value in raw_kinds:
            if value not in NotificationKind.values:
                add_error(errors, "email_kinds", _("Nederīga vērtība."))
                break
            kinds.add(str(value))
    digest = data.get("digest", True)
    if not isinstance(digest, bool):
        add_error(errors, "digest", _("Nederīga vērtība."))
    raise_if_errors(errors)
    before = {
        "email_kinds": sorted(email_kinds_of(user=actor)),
        "digest": settings_of(user=actor).digest,
    }
    for kind in NotificationKind.values:
        NotificationPreference.objects.update_or_create(
            user=actor, kind=kind, defaults={"email": kind in kinds}
        )
    NotificationSettings.objects.update_or_create(user=actor, defaults={"digest": digest})
    after = {"email_kinds": sorted(kinds), "digest": digest}
    if after != before:
        audit_record(
            actor=actor,
            event_type=AuditEventType.USER_CHANGED,
            subject=actor,
            municipality_id=actor.municipality_id,
            extra_data={"notification_preferences": {"from": before, "to": after}},
        )
