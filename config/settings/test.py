"""Settings for the test suite: fast hashing, no lockouts unless a test turns them on."""

import os

from .base import *  # noqa: F403

SECRET_KEY = "atbalsts-test-key"
PSEUDONYM_KEY = "atbalsts-local-pseudonym-key"
DEMO_DATA_ALLOWED = True
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False
# bin/test runs the tests in parallel processes (pytest-xdist): each has its own test
# database (pytest-django names it per worker) and keeps its files apart.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
MEDIA_ROOT = BASE_DIR / "var" / (f"test-media-{_WORKER}" if _WORKER else "test-media")  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / f"test-private{_WORKER}"  # noqa: F405
JOBS_OUTPUT_DIR = BASE_DIR / "var" / f"test-job-output{_WORKER}"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Mails stay in memory (django.core.mail.outbox); links in them point at the test server.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SITE_URL = "http://testserver"
