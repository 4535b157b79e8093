"""API authentication: a bearer token (for other systems) or the browser session."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer, SessionAuth

from atbalsts.accounts.services import api_token_find
from atbalsts.core.errors import NotPermitted

# What a read-only token may do: read (ninja answers OPTIONS itself).
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """A live token (not revoked, not expired: else 401). Its user carries the token's
    municipality limit, which the policies apply (core.policies.municipality_scope); a
    read-only token's writes are refused with 403."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_find(token)
        if found is None:
            return None
        if found.read_only and request.method not in READ_METHODS:
            raise NotPermitted(_("Šī API atslēga ir tikai lasīšanai: ar to nevar mainīt datus."))
        request.user = found.user
        return found.user


class ActiveSessionAuth(SessionAuth):
    """The signed-in browser session (CSRF-checked for writes)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


auth = [TokenAuth(), ActiveSessionAuth()]
