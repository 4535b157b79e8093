"""Production settings: everything secret or site-specific comes from the environment."""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _required(name: str, why: str = "") -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        message = f"Environment variable {name} is required in production."
        raise ImproperlyConfigured(f"{message} {why}" if why else message)
    return value


SECRET_KEY = _required("SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in _required("ALLOWED_HOSTS").split(",") if host.strip()]
DATABASES = {"default": dj_database_url.parse(_required("DATABASE_URL"), conn_max_age=60)}
# Its own key, never SECRET_KEY: the pseudonyms the ministry holds must survive rotating it.
PSEUDONYM_KEY = _required(
    "PSEUDONYM_KEY",
    "It is the key behind the client pseudonyms given to the ministry: set it once, keep it "
    "apart from SECRET_KEY and never change it (a new key gives every client a new pseudonym).",
)
DEMO_DATA_ALLOWED = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if not host.startswith(".")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Staff must pass the TOTP step to reach the admin site.
OTP_ADMIN_REQUIRED = True
