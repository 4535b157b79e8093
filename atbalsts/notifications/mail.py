"""What a notification mail may say: that there is something to see, of which kind, by when,
and the link. Nothing else reaches a mail template: the context is built here from an
allow-list of fields, never from the notification's title (which names the client) nor from
any record behind it — no diagnosis, note, assessment text or session content.

Every mail (one notification or the daily digest) renders the same Latvian template pair,
`notifications/email/message.txt` and `.html`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import ngettext, override

from atbalsts.core.dates import dmy

from .models import Notification

TEMPLATES = ("notifications/email/message.txt", "notifications/email/message.html")
# The only keys a mail's context has, and the only keys of each of its items.
CONTEXT_FIELDS = frozenset({"count", "items", "list_url", "settings_url"})
ITEM_FIELDS = frozenset({"kind", "due_on", "url"})


def absolute_url(path: str) -> str:
    """A site-relative path as a full address under SITE_URL (settings)."""
    base = str(getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    if not path.startswith("/"):
        path = "/" + path
    return base + path


def mail_item(notification: Notification) -> dict[str, str]:
    return {
        "kind": str(notification.get_kind_display()),
        "due_on": dmy(notification.due_on) if notification.due_on else "",
        "url": absolute_url(notification.link or reverse("notifications:list")),
    }


def mail_context(notifications: Sequence[Notification]) -> dict[str, Any]:
    return {
        "count": len(notifications),
        "items": [mail_item(n) for n in notifications],
        "list_url": absolute_url(reverse("notifications:list")),
        "settings_url": absolute_url(reverse("accounts:account")),
    }


def mail_subject(count: int) -> str:
    return ngettext(
        "Atbalsts: %(count)s jauns paziņojums",
        "Atbalsts: %(count)s jauni paziņojumi",
        count,
    ) % {"count": count}


def render_mail(notifications: Sequence[Notification]) -> tuple[str, str, str]:
    """(subject, text, html) of one mail about these notifications, in Latvian."""
    with override(settings.LANGUAGE_CODE):
        context = mail_context(notifications)
        text = render_to_string(TEMPLATES[0], context)
        html = render_to_string(TEMPLATES[1], context)
        return mail_subject(len(notifications)), text, html
