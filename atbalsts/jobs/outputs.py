"""The file a job leaves for its user (an export, an extract), kept until the sweep deletes it.

Files go under settings.JOBS_OUTPUT_DIR (var/job-output by default: never under a public URL),
each under a random name; the Job keeps that name (`output_file`) and the name the user gets
(`output_name`). Only the jobs download view (jobs:download, asked of the jobs policy) hands
them out. Several worker hosts need this directory on storage every web host shares.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
import secrets
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone

from .models import Job

NAME = re.compile(r"[0-9a-f]{32}")
PART = ".part"


def output_root() -> Path:
    return Path(
        getattr(settings, "JOBS_OUTPUT_DIR", Path(settings.BASE_DIR) / "var" / "job-output")
    )


def keep_for() -> dt.timedelta:
    """How long a finished job's file is kept (JOBS_OUTPUT_KEEP_DAYS, 7 by default)."""
    return dt.timedelta(days=float(getattr(settings, "JOBS_OUTPUT_KEEP_DAYS", 7)))


def _path(name: str) -> Path:
    if not NAME.fullmatch(name):  # only names this module made: no path can be smuggled in
        raise FileNotFoundError("not an output name")
    return output_root() / name


def clean_filename(filename: str) -> str:
    """The name the user's browser gets: no directories, no control characters, no quotes."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        c for c in name if unicodedata.category(c)[0] != "C" and c not in '"<>:|?*'
    ).strip(" .")
    return name[:200] or "fails"


def content_type(filename: str) -> str:
    """The file's type from its name's extension (text types in UTF-8)."""
    guessed, _encoding = mimetypes.guess_type(filename, strict=False)
    if guessed is None:
        return "application/octet-stream"
    if guessed.startswith("text/") or guessed == "application/json":
        return f"{guessed}; charset=utf-8"
    return guessed


def output_write(job: Job, filename: str, content: bytes | Iterable[bytes]) -> None:
    """Write the job's file (a job has one; writing again replaces it). `content` is the bytes
    or an iterable of chunks, written as they come (memory stays flat). The file appears under
    its random name only once complete; the Job row is updated through the jobs connection."""
    root = output_root()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = secrets.token_hex(16)
    target = _path(name)
    partial = target.with_name(name + PART)
    try:
        with partial.open("wb") as out:
            if isinstance(content, bytes | bytearray | memoryview):
                out.write(content)
            else:
                for chunk in content:
                    out.write(chunk)
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    previous = job.output_file
    shown = clean_filename(filename)
    Job.objects.filter(pk=job.pk).update(output_name=shown, output_file=name)
    job.output_name, job.output_file = shown, name
    if previous and previous != name:
        _path(previous).unlink(missing_ok=True)


def output_exists(job: Job) -> bool:
    return (
        bool(job.output_file)
        and NAME.fullmatch(job.output_file) is not None
        and (_path(job.output_file).is_file())
    )


def output_open(job: Job) -> BinaryIO:
    """The job's file, opened for reading; FileNotFoundError when it has none (any more)."""
    if not job.output_file:
        raise FileNotFoundError("the job has no output")
    return _path(job.output_file).open("rb")


def output_response(job: Job) -> FileResponse:
    """The job's file as an attachment under its user-facing name, typed by its extension and
    never sniffed nor cached; FileNotFoundError when it has none. The caller has asked the
    jobs policy (only the job's starter) and records the download."""
    response = FileResponse(
        output_open(job),
        as_attachment=True,
        filename=job.output_name,
        content_type=content_type(job.output_name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def output_delete(job: Job) -> None:
    """Delete the job's file, if it has one; its user-facing name stays (the list says the
    file is gone)."""
    name = job.output_file
    if not name:
        return
    if NAME.fullmatch(name):
        _path(name).unlink(missing_ok=True)
    Job.objects.filter(pk=job.pk).update(output_file="")
    job.output_file = ""


def outputs_sweep(*, now: dt.datetime | None = None, keep: dt.timedelta | None = None) -> int:
    """Delete the files of jobs finished more than `keep` ago, and files no job names (left by
    a worker that died while writing) once they are that old. Returns how many went."""
    now = now or timezone.now()
    cutoff = now - (keep if keep is not None else keep_for())
    deleted = 0
    old = Job.objects.exclude(output_file="").filter(finished_at__lt=cutoff)
    for job in old:
        output_delete(job)
        deleted += 1
    root = output_root()
    if not root.is_dir():
        return deleted
    named = set(Job.objects.exclude(output_file="").values_list("output_file", flat=True))
    for path in root.iterdir():
        stem = path.name.removesuffix(PART)
        if not NAME.fullmatch(stem) or path.name in named or not path.is_file():
            continue
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
        if modified < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
