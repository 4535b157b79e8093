"""Keeps the request reachable by the log filter and writes one access line per request."""

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import current_request_var

access_log = logging.getLogger("atbalsts.access")


class RequestContextMiddleware:
    """Sits right after `core.middleware.RequestIdMiddleware`. The access line carries the
    method, the path (never the query string: searches may hold names), the status and the
    time taken; the request id and the user id come from the log filter."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request_var.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            access_log.info(
                "%s %s %s %.1f ms",
                request.method,
                request.path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
            return response
        finally:
            current_request_var.reset(token)
