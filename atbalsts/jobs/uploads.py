"""Files a job works on, kept between the request that uploaded them and the worker.

They go under settings.JOBS_UPLOAD_DIR (var/uploads by default: never under a public URL),
each upload in a directory with a random name; the job's params keep only that name and the
original file names. Several worker hosts need this directory on shared storage.
"""

from __future__ import annotations

import re
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings

NAME = re.compile(r"[0-9a-f]{32}")


def upload_root() -> Path:
    return Path(getattr(settings, "JOBS_UPLOAD_DIR", Path(settings.BASE_DIR) / "var" / "uploads"))


def _directory(name: str) -> Path:
    if not NAME.fullmatch(name):  # only names this module made: no path can be smuggled in
        raise ValueError("not an upload name")
    return upload_root() / name


def uploads_save(files: Sequence[tuple[str, bytes]]) -> dict[str, object]:
    """Store the files; returns what a job's params keep of them."""
    name = secrets.token_hex(16)
    directory = _directory(name)
    directory.mkdir(parents=True, mode=0o700)
    for index, (_file_name, content) in enumerate(files):
        (directory / str(index)).write_bytes(content)
    return {"upload": name, "file_names": [file_name for file_name, _c in files]}


def uploads_read(params: dict[str, object]) -> list[tuple[str, bytes]]:
    """The files stored by `uploads_save`, with their original names."""
    directory = _directory(str(params.get("upload", "")))
    names = params.get("file_names")
    if not isinstance(names, list):
        raise ValueError("no file names")
    return [(str(name), (directory / str(i)).read_bytes()) for i, name in enumerate(names)]


def uploads_remove(params: dict[str, object]) -> None:
    """Delete the job's files, if it has any (and they are still there)."""
    name = params.get("upload")
    if isinstance(name, str) and NAME.fullmatch(name):
        shutil.rmtree(_directory(name), ignore_errors=True)
