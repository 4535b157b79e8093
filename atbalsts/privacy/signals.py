"""Django's auth signals → audit events (`core.read_audit`): failed sign-ins and sign-outs."""

from __future__ import annotations

from typing import Any

from atbalsts.core.read_audit import login_failed_record, logout_record


def login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **_: Any) -> None:
    """`credentials` has the password already cleansed by Django; only the username is read."""
    login_failed_record(username=credentials.get("username", ""), request=request)


def logged_out(sender: Any, request: Any = None, user: Any = None, **_: Any) -> None:
    logout_record(user=user, request=request)
