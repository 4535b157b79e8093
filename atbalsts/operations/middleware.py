"""Keeps the request reachable by the log filter and writes one access line per request;
keeps every rendered response out of caches."""

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

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


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response the application renders: pages, htmx
    fragments, API answers and downloads may all hold personal data, and none may stay in a
    browser's or a proxy's cache (a shared computer in a social service office, the back
    button after signing out). A view's own Cache-Control is kept, with no-store added.
    Static files never get here: WhiteNoise, above, serves them with their own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, no_store=True)
        return response
