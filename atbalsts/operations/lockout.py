"""The page a locked-out sign-in gets (django-axes' `AXES_LOCKOUT_CALLABLE`): in Latvian, how
long the lock lasts for this user name from this address and that an administrator can lift
it sooner. See docs/operations.md, "Sign-in lockouts"."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from axes.conf import settings as axes_settings
from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

TEMPLATE = "accounts/locked_out.html"


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: Mapping[str, Any] | None = None,
) -> HttpResponse:
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return render(
        request,
        TEMPLATE,
        {"minutes": minutes, "failure_limit": axes_settings.AXES_FAILURE_LIMIT},
        status=axes_settings.AXES_HTTP_RESPONSE_CODE,
    )
