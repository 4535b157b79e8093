"""Settings for the backup round-trip tests' subprocesses: the test settings with the
database from DATABASE_URL (as ever), and MEDIA_ROOT and PRIVATE_MEDIA_ROOT on the file
system under the test's temporary directory."""

import os
from pathlib import Path

from config.settings.test import *  # noqa: F403

MEDIA_ROOT = Path(os.environ["ATBALSTS_TEST_MEDIA_ROOT"])
PRIVATE_MEDIA_ROOT = MEDIA_ROOT.with_name(MEDIA_ROOT.name + "-private")
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
}
