"""Settings shared by every environment; the others import this and change only what differs."""

import copy
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "ninja",
    "atbalsts.api",
    "atbalsts.core",
    "atbalsts.people",
    "atbalsts.assessment",
    "atbalsts.catalog",
    "atbalsts.plans",
    "atbalsts.delivery",
    "atbalsts.billing",
    "atbalsts.accounts",
    "atbalsts.reporting",
    "atbalsts.demo",
    "atbalsts.bundle",
    "atbalsts.jobs",
    "atbalsts.notifications",
    "atbalsts.operations",
    "atbalsts.privacy",
    "atbalsts.addresses",
    "atbalsts.registers",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "atbalsts.core.middleware.RequestIdMiddleware",
    # the request id and user id for every log line, and the access line (operations)
    "atbalsts.operations.middleware.RequestContextMiddleware",
    "atbalsts.operations.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "atbalsts.core.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # heads, accountants, auditors, analysts and administrators must use two-step sign-in
    "atbalsts.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "atbalsts.core.context_processors.navigation",
                "atbalsts.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'atbalsts.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead log: other requests keep reading (signing in, the import page's progress)
    # while a long transaction such as a bundle import writes; without it they wait for the
    # lock and fail with "database is locked" after five seconds.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"


def jobs_database(default: dj_database_url.DBConfig) -> dj_database_url.DBConfig:
    """The `jobs` alias for a default database. Background jobs write their progress through a
    second connection (atbalsts/jobs/router.py): on SQLite another file, since the file a job
    works in is locked by its transaction; on PostgreSQL the same database through its own
    connection. Every settings module that sets DATABASES calls this."""
    if default["ENGINE"] == "django.db.backends.sqlite3":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            # beside the main file: var/atbalsts.sqlite3 → var/atbalsts-jobs.sqlite3
            "NAME": str(default["NAME"]).removesuffix(".sqlite3") + "-jobs.sqlite3",
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
        }
    return copy.deepcopy(default)


DATABASES["jobs"] = jobs_database(DATABASES["default"])
DATABASE_ROUTERS = ["atbalsts.jobs.router.JobsRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's Tasks API (the django-tasks backport): tasks are rows in the database, run by
# `manage.py db_worker` (bin/start starts one beside the web server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# A file cache under var/, shared by every worker process: the bundle import page keeps the
# progress of a running import here, where the page's polling requests can read it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache",
        "TIMEOUT": 2 * 60 * 60,
    }
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reporting:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# django-axes: five failed attempts for the same user name from the same address lock that
# user name from that address for 30 minutes; the lockout page explains this in Latvian.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The address is the client's own behind TRUSTED_PROXY_COUNT reverse proxies (0: REMOTE_ADDR;
# atbalsts/core/clientip.py), so a proxy's address never locks everyone out.
TRUSTED_PROXY_COUNT = 0
AXES_CLIENT_IP_CALLABLE = "atbalsts.core.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "atbalsts.operations.lockout.locked_out"

OTP_TOTP_ISSUER = "Atbalsts"
# Two-step sign-in is required of these roles, who get this many days from their first
# sign-in after the rule applies to switch it on (docs/operations.md, "Two-step sign-in").
OTP_REQUIRED_ROLES = ["head", "accountant", "auditor", "analyst", "admin"]
OTP_ENROL_GRACE_DAYS = 14
# API tokens: the expiry a new token is offered, and the longest one allowed (days from today).
API_TOKEN_DEFAULT_DAYS = 90
API_TOKEN_MAX_DAYS = 365

LANGUAGE_CODE = "lv"
LANGUAGES = [("lv", _("latviešu")), ("en", _("angļu"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Riga"
USE_I18N = True
USE_TZ = True

# Content Security Policy (django-csp): scripts, styles, fonts and pictures only from this
# site's own files (htmx is served locally; static/js/app.js holds what was inline), no
# inline script or style, no plugins, no framing. See docs/operations.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
# Files only views that ask a policy may serve (remote sessions' evidence): no URL maps here.
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
# Retention periods in years after a client's case closed, per category of record
# (atbalsts/privacy/registry.py says which records are in which category; `manage.py
# retention_run` anonymises what is past its period). Accounting and the audit log are kept.
RETENTION_YEARS = {
    "case_notes": 5,
    "identity": 10,
    "referral": 3,
    "notifications": 2,
    "accounting": 10,
    "audit": 10,
}

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Pseudonyms shown to ministry analysts are HMACs of the client's id under PSEUDONYM_KEY;
# the municipality keeps it, the ministry never receives it. Every environment sets its own
# (production from the environment, never falling back to SECRET_KEY: rotating the secret
# would change every pseudonym the ministry already holds).

# `manage.py demo_load` makes users whose password is printed in the README: only where this
# is True (local development and the tests), never in production.
DEMO_DATA_ALLOWED = False

# --- operations ---
# atbalsts/operations: /healthz, structured logs, backup and restore (docs/operations.md).
# /healthz answers 503 when tasks wait and no worker has beaten for this many seconds, or
# when more tasks than this wait.
HEALTHZ_MAX_HEARTBEAT_AGE = 120
HEALTHZ_MAX_QUEUE_DEPTH = 1000
# "plain" lines locally, one JSON object a line in production (LOG_FORMAT there). Every
# handler masks personal codes and adds the request id and user id (operations/logging.py).
LOG_FORMAT = "plain"
LOG_LEVEL = "INFO"
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "atbalsts.operations.logging.RequestContextFilter"}},
    "formatters": {
        "plain": {
            "()": "atbalsts.operations.logging.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "atbalsts.operations.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # The access line (one per request) is for production; runserver prints its own.
    "loggers": {"axes": {"level": "WARNING"}, "atbalsts.access": {"level": "WARNING"}},
}

# --- jobs ---
# Background jobs (atbalsts/jobs, docs/development.md "Background jobs"). Uploaded files wait
# for the worker here: never under a public URL; several worker hosts need it on shared
# storage.
JOBS_UPLOAD_DIR = VAR_DIR / "uploads"
JOBS_OUTPUT_DIR = VAR_DIR / "job-output"  # files jobs leave for their user (never public)
JOBS_OUTPUT_KEEP_DAYS = 7  # …deleted by the sweep this long after the job ended
JOBS_HEARTBEAT_SECONDS = 30  # a running job writes its heartbeat this often
JOBS_STALE_AFTER_SECONDS = 5 * 60  # …and the sweep marks it failed after this much silence
JOBS_QUEUED_STALE_AFTER_SECONDS = 24 * 60 * 60  # a job no worker took for a day is given up
JOBS_SWEEP_EVERY_SECONDS = 60 * 60  # each worker sweeps at start and then this often

# --- notifications ---
# The daily reminders and their mails (atbalsts/notifications, docs/user-guide/pazinojumi.md).
# Mails link to SITE_URL + the object's page and carry no personal data. The scheduled run
# (`reminders_daily`, or `manage.py reminders_run` from cron) comes back at this Riga time.
SITE_URL = "http://127.0.0.1:8000"
DEFAULT_FROM_EMAIL = "Atbalsts <atbalsts@localhost>"
NOTIFICATIONS_DAILY_AT = "06:00"
