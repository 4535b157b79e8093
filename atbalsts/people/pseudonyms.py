"""Stable pseudonyms for clients: an HMAC of the id under a key the ministry never holds."""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _key() -> bytes:
    # Only PSEUDONYM_KEY, never SECRET_KEY as a fallback: rotating the secret would change
    # every pseudonym the ministry already holds.
    key = getattr(settings, "PSEUDONYM_KEY", "")
    if not key:
        raise ImproperlyConfigured(
            "PSEUDONYM_KEY is not set: client pseudonyms need a key of their own."
        )
    return str(key).encode()


def client_pseudonym(client_id: int) -> str:
    digest = hmac.new(_key(), f"client:{client_id}".encode(), hashlib.sha256).hexdigest()
    return "P-" + digest[:12].upper()
