"""The client's own address behind the reverse proxies this site trusts.

`TRUSTED_PROXY_COUNT` (settings; the environment variable of the same name in production) is
the number of reverse proxies in front of the application. Each appends the address it got
the request from to `X-Forwarded-For`, so the client is the entry that many places from the
right; anything to the left of it was written by the client and is not believed. With 0
(the default) the address is `REMOTE_ADDR`. Sign-in lockouts (django-axes,
`AXES_CLIENT_IP_CALLABLE`) key on it with the user name."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        # The request did not pass through every proxy: only the connection is known.
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
