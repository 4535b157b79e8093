"""Stable pseudonyms for clients: an HMAC of the id under a key the ministry never holds."""

import hashlib
import hmac

from django.conf import settings


def client_pseudonym(client_id: int) -> str:
    digest = hmac.new(
        settings.PSEUDONYM_KEY.encode(), f"client:{client_id}".encode(), hashlib.sha256
    ).hexdigest()
    return "P-" + digest[:12].upper()
