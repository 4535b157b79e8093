"""Settings for running on one's own machine with the embedded SQLite database."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "atbalsts-local-development-key-not-for-production"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
PSEUDONYM_KEY = "atbalsts-local-pseudonym-key"
DEMO_DATA_ALLOWED = True

# --- notifications ---
# Mails are written as files under var/mail/ (one .log file per process run), to be read there.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"  # noqa: F405
