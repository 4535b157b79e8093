"""Per-request context that services may read without having the request passed in."""

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
