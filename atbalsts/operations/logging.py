"""Structured logs: one JSON object per line, with the request id and the user id, and a
filter that masks anything shaped like a Latvian personal code.

Configured by the `# --- operations ---` block of `config/settings/base.py`: plain lines
locally, JSON on stderr in production (`LOG_FORMAT=json`, the default there).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any

from django.utils.functional import SimpleLazyObject, empty

from atbalsts.core.context import request_id_var

from .context import current_request_var

# A personal code: six digits, an optional dash, five digits (the old DDMMYY-NNNNN and the
# new 32NNNN-NNNNN alike), not inside a longer run of digits.
PERSONAL_CODE = re.compile(r"(?<!\d)\d{6}-?\d{5}(?!\d)")
MASK = "******-*****"


def mask_personal_codes(text: str) -> str:
    return PERSONAL_CODE.sub(MASK, text)


def current_user_id() -> int | None:
    """The signed-in user's id, when the request's user is already known. A user Django has
    not yet loaded (a lazy object never touched) is left alone: a log line must not query."""
    request = current_request_var.get()
    if request is None:
        return None
    user = getattr(request, "user", None)
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject) and vars(user).get("_wrapped", empty) is empty:
        return None
    if not getattr(user, "is_authenticated", False):
        return None
    pk = getattr(user, "pk", None)
    return pk if isinstance(pk, int) else None


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `user_id` to every record and masks personal codes in its
    message (the arguments are merged into the message first, then masked)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or None
        record.user_id = current_user_id()
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the record, as logging would
            message = str(record.msg)
        masked = mask_personal_codes(message)
        if masked != message or record.args:
            record.msg = masked
            record.args = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id,
    user_id, and the exception's traceback when there is one (masked as the message is)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_personal_codes(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or request_id_var.get() or None,
            "user_id": getattr(record, "user_id", None),
        }
        if record.exc_info:
            entry["exception"] = mask_personal_codes(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = mask_personal_codes(record.exc_text)
        if record.stack_info:
            entry["stack"] = mask_personal_codes(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """The local format, with the request id and user id when there are any, masked too."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return mask_personal_codes(text)
