"""Settings for running on one's own machine with the embedded SQLite database."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "atbalsts-local-development-key-not-for-production"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
PSEUDONYM_KEY = "atbalsts-local-pseudonym-key"
DEMO_DATA_ALLOWED = True
