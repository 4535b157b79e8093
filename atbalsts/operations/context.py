"""The request being served, for the log records written while it is served.

`RequestContextMiddleware` sets it; `logging.RequestContextFilter` reads the user from it only
once authentication has resolved the user, so writing a log line never queries the database.
"""

from contextvars import ContextVar

from django.http import HttpRequest

current_request_var: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)
