"""Evidence files of remote sessions: the whole type checked, kept privately under generated
names, served only through the policy-checked view as an attachment (issue 18)."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve, reverse
from PIL import Image
from pypdf import PdfWriter

from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.delivery.evidence import evidence_kind
from atbalsts.delivery.models import Session

from .factories import DeliveryWorld, make_letter, make_session

REFUSED = "Pievienojiet ekrānuzņēmumu PNG vai JPEG formātā vai PDF."


def picture(fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


HTML = b"<html><script>alert(document.cookie)</script></html>"
FORGED = [
    pytest.param(b"\x89PNG\r\n\x1a\n" + HTML, id="html-behind-a-png-header"),
    pytest.param(b"\xff\xd8\xff\xe0" + HTML, id="html-behind-a-jpeg-header"),
    pytest.param(b"%PDF-1.7\n" + HTML, id="html-behind-a-pdf-header"),
    pytest.param(picture()[:60], id="truncated-png"),
    pytest.param(picture("GIF"), id="gif"),
]


def _remote(world: DeliveryWorld, **data: Any) -> Session:
    letter = make_letter(world, service_type=world.psychologist, quantity=Decimal("4"))
    return make_session(letter, mode="remote", **data)


@pytest.mark.parametrize("content", FORGED)
def test_a_file_that_only_starts_like_a_picture_is_refused(
    world: DeliveryWorld, content: bytes
) -> None:
    upload = SimpleUploadedFile("ekrans.png", content, content_type="image/png")
    with pytest.raises(ValidationFailed) as exc:
        _remote(world, evidence_file=upload)
    assert exc.value.field_errors == {"evidence_file": [REFUSED]}
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("content", "ext"), [(picture(), "png"), (picture("JPEG"), "jpg"), (pdf(), "pdf")]
)
def test_whole_pictures_and_pdfs_are_kept_privately_under_generated_names(
    world: DeliveryWorld, content: bytes, ext: str
) -> None:
    upload = SimpleUploadedFile("Bērziņa Anna 010190.png", content)
    session = _remote(world, evidence_file=upload)
    name = session.evidence_file.name
    assert re.fullmatch(rf"delivery/evidence/[0-9a-f]{{32}}\.{ext}", name), name
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / name
    assert stored.read_bytes() == content
    assert not Path(settings.PRIVATE_MEDIA_ROOT).is_relative_to(Path(settings.MEDIA_ROOT))
    assert not default_storage.exists(name)
    with pytest.raises(ValueError):
        session.evidence_file.url  # noqa: B018 - a private file has no URL
    assert session.is_invoiceable


def test_an_oversized_file_is_refused_before_it_is_read(world: DeliveryWorld) -> None:
    upload = SimpleUploadedFile("x.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024))
    with pytest.raises(ValidationFailed) as exc:
        _remote(world, evidence_file=upload)
    assert exc.value.field_errors == {"evidence_file": ["Datne nedrīkst būt lielāka par 5 MB."]}
    assert evidence_kind(upload) is None


def test_download_is_an_audited_attachment_with_the_stored_type(
    client: Any, world: DeliveryWorld
) -> None:
    session = _remote(world, evidence_file=SimpleUploadedFile("a.html", picture()))
    url = reverse("delivery:session_evidence", args=[session.pk])
    client.force_login(world.worker)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"pieradijums-{session.pk}.png" in disposition
    assert b"".join(response.streaming_content) == picture()
    event = AuditEvent.objects.get(event_type=AuditEventType.DELIVERY_EVIDENCE_DOWNLOADED)
    assert event.actor == world.worker and event.client_id == session.client_id


def test_download_asks_the_policy(client: Any, world: DeliveryWorld, make_user: Any) -> None:
    session = _remote(world, evidence_file=SimpleUploadedFile("a.png", picture()))
    url = reverse("delivery:session_evidence", args=[session.pk])
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(world.other_staff)  # another provider's staff
    assert client.get(url).status_code == 404
    client.force_login(make_user(Role.ACCOUNTANT, world.municipality))
    assert client.get(url).status_code in (403, 404)
    assert not AuditEvent.objects.filter(
        event_type=AuditEventType.DELIVERY_EVIDENCE_DOWNLOADED
    ).exists()


def test_no_url_serves_uploaded_files_even_in_debug() -> None:
    import config.urls

    try:
        with override_settings(DEBUG=True, MEDIA_URL="/media/"):
            clear_url_caches()
            importlib.reload(config.urls)
            with pytest.raises(Resolver404):
                resolve("/media/delivery/evidence/1/x.png")
    finally:
        clear_url_caches()
        importlib.reload(config.urls)


def test_the_migration_moves_old_public_files(world: DeliveryWorld) -> None:
    letter = make_letter(world, service_type=world.psychologist, quantity=Decimal("4"))
    session = make_session(letter, mode="remote", evidence_protocol="Zoom")
    other = make_session(letter, mode="remote", evidence_protocol="Teams", start_time=dt.time(14))
    old = default_storage.save("delivery/evidence/7/Bērziņa.png", ContentFile(picture()))
    forged = default_storage.save("delivery/evidence/7/x.png", ContentFile(b"\x89PNG" + HTML))
    Session.objects.filter(pk=session.pk).update(evidence_file=old)
    Session.objects.filter(pk=other.pk).update(evidence_file=forged)
    migration = importlib.import_module("atbalsts.delivery.migrations.0003_evidence_private")
    migration.move_to_private(django_apps, None)
    session.refresh_from_db()
    other.refresh_from_db()
    assert (
        session.evidence_file.name.endswith(".png") and "Bērziņa" not in session.evidence_file.name
    )
    assert (
        Path(settings.PRIVATE_MEDIA_ROOT) / session.evidence_file.name
    ).read_bytes() == picture()
    assert other.evidence_file.name.endswith(".bin")  # served as application/octet-stream
    migration.move_to_private(django_apps, None)  # a second run changes nothing
    assert Session.objects.get(pk=session.pk).evidence_file.name == session.evidence_file.name
