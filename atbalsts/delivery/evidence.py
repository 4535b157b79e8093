"""Evidence files of remote sessions: what is accepted, where it is kept, how it is served.

- **Accepted**: a PNG or JPEG picture that decodes whole (Pillow), or a PDF that parses
  (pypdf) and has at least one page; at most `MAX_EVIDENCE_BYTES`. A file that only starts
  like a picture (an HTML page behind a PNG header) is refused.
- **Kept** under a generated name (`delivery/evidence/<random>.<png|jpg|pdf>`; the extension
  is the type found, never the uploader's) in `settings.PRIVATE_MEDIA_ROOT`, which no URL
  serves. The uploader's file name is not kept.
- **Served** only by `delivery:session_evidence`, which asks the delivery policy and writes an
  audit event, as an attachment with the stored type and `X-Content-Type-Options: nosniff`.
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage

if TYPE_CHECKING:
    from .models import Session

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
MAX_EVIDENCE_PIXELS = 40_000_000  # a screenshot of a 8K screen is 33 megapixels
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "pdf": "application/pdf"}
_PILLOW_FORMATS = {"PNG": "png", "JPEG": "jpg"}


class PrivateStorage(FileSystemStorage):
    """Files under `settings.PRIVATE_MEDIA_ROOT` (read at each use, so tests may move it),
    with no URL: they are served only by views that ask a policy."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a view.")


_storage = PrivateStorage()


def evidence_storage() -> PrivateStorage:
    """The storage of evidence files (a callable, so migrations do not freeze a path)."""
    return _storage


def evidence_path(instance: Session, filename: str) -> str:
    """A generated name: the extension of `filename` only (the checked type, see
    `evidence_kind`), never the uploader's name."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in CONTENT_TYPES:
        ext = "bin"
    return f"delivery/evidence/{secrets.token_hex(16)}.{ext}"


def content_type_of(name: str) -> str:
    """The type a stored evidence file is served with (from its generated extension)."""
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def _image_kind(data: bytes) -> str | None:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = _PILLOW_FORMATS.get(probe.format or "")
                if kind is None or probe.width * probe.height > MAX_EVIDENCE_PIXELS:
                    return None
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # decode every pixel: a truncated or forged body fails here
    except Exception:
        return None
    return kind


def _pdf_kind(data: bytes) -> str | None:
    from pypdf import PdfReader

    if not data.startswith(b"%PDF-"):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if len(reader.pages) < 1:
                return None
            reader.pages[0].mediabox  # noqa: B018 - the first page must parse
    except Exception:
        return None
    return "pdf"


def evidence_kind(upload: File[Any]) -> str | None:
    """`png`, `jpg` or `pdf` when the whole file is one; None otherwise (also when it is
    larger than `MAX_EVIDENCE_BYTES`: the caller checks the size first for its message)."""
    if upload.size is None or upload.size > MAX_EVIDENCE_BYTES:
        return None
    upload.seek(0)
    data = upload.read(MAX_EVIDENCE_BYTES + 1)
    upload.seek(0)
    if not isinstance(data, bytes) or len(data) > MAX_EVIDENCE_BYTES:
        return None
    if data.startswith(b"%PDF-"):
        return _pdf_kind(data)
    return _image_kind(data)
