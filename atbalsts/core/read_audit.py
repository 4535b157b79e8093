"""Audit of reads in bulk and of signing in and out (issue 18).

Opening one client was always an audit event; these record the rest of what reveals personal
data: a list or a search that returns clients with personal codes, a client's
representatives, sessions with their notes, the shared client card a provider reads. One
event per request, with the ids of the records returned (`extra_data["ids"]`) and their
count: never the search term (it may be a personal code), never the values shown.

Failed sign-ins and sign-outs come from Django's auth signals (`privacy.apps` connects
them). A failed sign-in names the account when the username is one (its id), and otherwise
only that it was unknown: a username typed by mistake may be a personal code or a
password, so the text is never stored (`core.audit.MASK` where it looks like a code).

"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model

from .audit import MASK, AuditEventType, audit_record
from .clientip import client_ip

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .actors import Viewer
    from .models import AuditEvent

# Eleven digits with or without the hyphen (a Latvian personal code), or any run of six.
_CODE_LIKE = re.compile(r"\d{6}")


def _municipality_of(actor: Viewer) -> int | None:
    return cast("int | None", getattr(actor, "municipality_id", None))


def read_record(
    *,
    actor: Viewer,
    event: AuditEventType,
    subject_type: str,
    ids: Iterable[int],
    client: Any = None,
    via: str = "web",
    extra: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """One event for one request that read `ids` (records of `subject_type`, e.g.
    "people.client"); `client` when they all belong to one client (its log then shows it)."""
    id_list = sorted({int(pk) for pk in ids})
    data: dict[str, Any] = {"ids": id_list, "count": len(id_list), "via": via}
    data.update(extra or {})
    return audit_record(
        actor=actor,
        event_type=event,
        subject_type=subject_type,
        client_id=client.pk if client is not None else None,
        municipality_id=(client.municipality_id if client is not None else _municipality_of(actor)),
        extra_data=data,
    )


def list_read_record(
    *, actor: Viewer, subject_type: str, ids: Iterable[int], search: str = "", via: str = "web"
) -> AuditEvent:
    """A list (or, with `search`, a search) that returned `ids`: the event says whether the
    search was by personal code or by name, never the term."""
    term = search.strip()
    return read_record(
        actor=actor,
        event=AuditEventType.CLIENTS_SEARCHED if term else AuditEventType.CLIENTS_LISTED,
        subject_type=subject_type,
        ids=ids,
        via=via,
        extra={"search": "personal_code" if _looks_like_code(term) else "name"} if term else None,
    )


def _looks_like_code(text: str) -> bool:
    digits = text.replace("-", "").replace(" ", "")
    return bool(_CODE_LIKE.search(digits)) or (digits.isdigit() and len(digits) >= 2)


def masked_username(username: str) -> str:
    """A username as the audit log may hold it: masked when it looks like a personal code."""
    return MASK if _CODE_LIKE.search(username.replace("-", "")) else username


def login_failed_record(*, username: object, request: HttpRequest | None) -> AuditEvent:
    """A failed sign-in: the account's id when `username` names one, else only "unknown"."""
    text = str(username or "")[:150]
    user_model = get_user_model()
    user = (
        user_model._default_manager.filter(**{f"{user_model.USERNAME_FIELD}__iexact": text})
        .only("pk", "municipality_id")
        .first()
        if text
        else None
    )
    data: dict[str, Any] = {"address": _address(request)}
    if user is None:
        data["known"] = False  # the text typed is not kept: it may be a code or a password
        return audit_record(
            actor=None,
            event_type=AuditEventType.LOGIN_FAILED,
            subject_type="accounts.user",
            extra_data=data,
        )
    data["username"] = masked_username(text)
    data["known"] = True
    return audit_record(
        actor=None,
        event_type=AuditEventType.LOGIN_FAILED,
        subject=user,
        municipality_id=getattr(user, "municipality_id", None),
        extra_data=data,
    )


def logout_record(*, user: Viewer | None, request: HttpRequest | None) -> AuditEvent | None:
    """Signing out (nothing when no one was signed in)."""
    if user is None or not user.is_authenticated:
        return None
    return audit_record(
        actor=user,
        event_type=AuditEventType.LOGOUT,
        subject_type="accounts.user",
        subject_id=str(user.pk),
        municipality_id=_municipality_of(user),
        extra_data={"address": _address(request)},
    )


def _address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return (client_ip(request) or "")[:45]
