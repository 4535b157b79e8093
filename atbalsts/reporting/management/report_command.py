"""What the report commands share: whose scope they read in, and the report's parameters."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.http import QueryDict

from atbalsts.reporting.forms import PilotReportForm, field_errors
from atbalsts.reporting.policies import SYSTEM_READER


def command_reader(username: str | None) -> Any:
    """The user named by --user, or without it the ministry analyst's scope (SYSTEM_READER),
    which is no user record of its own."""
    if not username:
        return SYSTEM_READER
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"Nav lietotāja {username}.")
    return user


def command_actor(user: Any) -> Any:
    """The user an audit event names: none when the command reads as SYSTEM_READER."""
    return None if user is SYSTEM_READER else user


def report_params(form_class: type[PilotReportForm], options: dict[str, Any]) -> dict[str, Any]:
    """The report's parameters from the command's options, checked by the pages' form; its
    field errors, one a line, are the command's error."""
    data = QueryDict(mutable=True)
    data.setlist("municipality", options["municipality"])
    for name in ("group", "date_from", "date_to"):
        data[name] = options[name]
    form = form_class(data)
    if not form.is_valid():
        lines = [f"{f}: {m}" for f, ms in field_errors(form).items() for m in ms]
        raise CommandError("\n".join(lines))
    return form.report_params()
