"""Production settings: everything secret or site-specific comes from the environment."""

import copy
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
DATABASES["jobs"] = jobs_database(DATABASES["default"])  # noqa: F405
# Its own key, never SECRET_KEY: the pseudonyms the ministry holds must survive rotating it.
PSEUDONYM_KEY = _required(
    "PSEUDONYM_KEY",
    "It is the key behind the client pseudonyms given to the ministry: set it once, keep it "
    "apart from SECRET_KEY and never change it (a new key gives every client a new pseudonym).",
)
DEMO_DATA_ALLOWED = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies stand in front of the application (docs/operations.md).
try:
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0)
except ValueError:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be a whole number.") from None
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
# Days a user whose role must use two-step sign-in has to switch it on (docs/operations.md).
_OTP_GRACE = os.environ.get("OTP_ENROL_GRACE_DAYS", "14").strip() or "14"
if not _OTP_GRACE.isdigit():
    raise ImproperlyConfigured("OTP_ENROL_GRACE_DAYS must be a whole number of days.")
OTP_ENROL_GRACE_DAYS = int(_OTP_GRACE)

# --- operations ---
# Logs: one JSON object a line on stderr (LOG_FORMAT=plain for people reading a terminal),
# with the access line of every request. See docs/operations.md.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json").strip() or "json"
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
LOGGING = copy.deepcopy(LOGGING)  # noqa: F405
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT
LOGGING["root"]["level"] = LOG_LEVEL
LOGGING["loggers"]["atbalsts.access"]["level"] = "INFO"
# The load balancer asks /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
HEALTHZ_MAX_HEARTBEAT_AGE = int(os.environ.get("HEALTHZ_MAX_HEARTBEAT_AGE", "120"))
HEALTHZ_MAX_QUEUE_DEPTH = int(os.environ.get("HEALTHZ_MAX_QUEUE_DEPTH", "1000"))
# More than one web host: the cache (import progress, and whatever else is kept there) must
# be shared, so REDIS_URL (or CACHE_URL) names a Redis server. Without it the file cache under
# var/ stays, which is shared only by the processes of one host.
_CACHE_URL = (os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL") or "").strip()
if _CACHE_URL:
    if not _CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("REDIS_URL must be a redis://, rediss:// or unix:// URL.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _CACHE_URL,
            "TIMEOUT": 2 * 60 * 60,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "atbalsts"),
        }
    }

# --- notifications ---
# Mail through an SMTP server from the environment; SITE_URL is the address mails link to
# (default: https:// and the first of ALLOWED_HOSTS).
_MAIL_HOST = (ALLOWED_HOSTS or ["localhost"])[0].lstrip(".")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost").strip() or "localhost"
_EMAIL_PORT = os.environ.get("EMAIL_PORT", "25").strip() or "25"
if not _EMAIL_PORT.isdigit():
    raise ImproperlyConfigured("EMAIL_PORT must be a port number.")
EMAIL_PORT = int(_EMAIL_PORT)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0").strip().lower() in ("1", "true", "yes")
DEFAULT_FROM_EMAIL = (
    os.environ.get("DEFAULT_FROM_EMAIL", "").strip() or f"Atbalsts <atbalsts@{_MAIL_HOST}>"
)
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/") or f"https://{_MAIL_HOST}"
