"""The children's team part of an assessment: each specialist's conclusion (with an optional
document) and the recommended services in the team's and the parents' order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from atbalsts.core.errors import ValidationFailed
from atbalsts.core.validation import add_error

from ..models import NeedsAssessment, RecommendedService, SpecialistConclusion, SpecialistRole
from .inputs import positive_int, required_text

MAX_CONCLUSION_LENGTH = 10000
MAX_RECOMMENDED = 50
MAX_SERVICE_TEXT = 200
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Extension → the bytes such a file starts with; the name alone proves nothing.
DOCUMENT_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (b"PK\x03\x04",),
}
CONCLUSION_FIELDS = frozenset({"role", "text", "document", "clear_document"})
RECOMMENDED_FIELDS = frozenset(
    {"priority", "service_name", "intensity", "parents_rank", "service_type_id"}
)


def validate_document(upload: UploadedFile) -> str:
    """Refuse anything but a PDF, JPEG, PNG or DOCX of at most 10 MB; return the suffix."""
    suffix = PurePath(upload.name or "").suffix.lower()
    signatures = DOCUMENT_SIGNATURES.get(suffix)
    if signatures is None:
        raise ValidationFailed({"document": [_("Atļauti tikai PDF, JPEG, PNG un DOCX dokumenti.")]})
    if upload.size is None or upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationFailed({"document": [_("Dokuments nedrīkst būt lielāks par 10 MB.")]})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationFailed(
            {"document": [_("Faila saturs neatbilst tā paplašinājumam %(ext)s.") % {"ext": suffix}]}
        )
    return suffix


def _refuse_unknown_items(
    item: Mapping[str, object], allowed: frozenset[str], prefix: str, errors: dict[str, list[str]]
) -> None:
    for name in sorted(set(item) - allowed):
        add_error(errors, f"{prefix}.{name}", _("Nezināms lauks."))


def clean_conclusions(value: object, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """One conclusion per specialist: its text and, optionally, a document to attach or the
    wish to remove the one attached."""
    if not isinstance(value, list | tuple):
        add_error(errors, "conclusions", _("Atzinumiem jābūt sarakstam."))
        return []
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        prefix = f"conclusions.{index}"
        if not isinstance(item, Mapping):
            add_error(errors, prefix, _("Nederīgs atzinums."))
            continue
        _refuse_unknown_items(item, CONCLUSION_FIELDS, prefix, errors)
        role = item.get("role")
        if role not in SpecialistRole.values:
            add_error(errors, f"{prefix}.role", _("Izvēlieties speciālistu."))
            continue
        if role in seen:
            add_error(errors, f"{prefix}.role", _("Katram speciālistam ir viens atzinums."))
            continue
        seen.add(role)
        text = required_text(
            item.get("text"),
            f"{prefix}.text",
            errors,
            limit=MAX_CONCLUSION_LENGTH,
            missing=_("Ierakstiet atzinumu."),
        )
        document = item.get("document")
        if document is not None:
            try:
                validate_document(document)
            except ValidationFailed as exc:
                for message in exc.errors["document"]:
                    add_error(errors, f"{prefix}.document", message)
        cleaned.append(
            {
                "role": role,
                "text": text,
                "document": document,
                "clear_document": bool(item.get("clear_document")),
            }
        )
    return cleaned


def _unique_rank(
    value: object,
    field: str,
    taken: set[int],
    errors: dict[str, list[str]],
    *,
    wrong: str | Promise,
    repeated: str | Promise,
) -> None:
    if not positive_int(value):
        add_error(errors, field, wrong)
    elif value in taken:
        add_error(errors, field, repeated)
    else:
        taken.add(value)


def clean_recommended(value: object, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The recommended services: a distinct priority each, the parents' own ranking (optional,
    distinct), and optionally the catalogue's service type."""
    if not isinstance(value, list | tuple):
        add_error(errors, "recommended_services", _("Pakalpojumiem jābūt sarakstam."))
        return []
    if len(value) > MAX_RECOMMENDED:
        add_error(
            errors,
            "recommended_services",
            _("Ne vairāk kā %(n)s pakalpojumi.") % {"n": MAX_RECOMMENDED},
        )
        return []
    cleaned: list[dict[str, Any]] = []
    priorities: set[int] = set()
    ranks: set[int] = set()
    for index, item in enumerate(value):
        prefix = f"recommended_services.{index}"
        if not isinstance(item, Mapping):
            add_error(errors, prefix, _("Nederīgs pakalpojums."))
            continue
        _refuse_unknown_items(item, RECOMMENDED_FIELDS, prefix, errors)
        priority = item.get("priority")
        _unique_rank(
            priority,
            f"{prefix}.priority",
            priorities,
            errors,
            wrong=_("Prioritātei jābūt veselam skaitlim no 1."),
            repeated=_("Divi pakalpojumi nevar būt vienā vietā."),
        )
        texts = {
            name: required_text(
                item.get(name), f"{prefix}.{name}", errors, limit=MAX_SERVICE_TEXT, missing=missing
            )
            for name, missing in (
                ("service_name", _("Norādiet pakalpojumu.")),
                ("intensity", _("Norādiet intensitāti, piemēram, 2 reizes nedēļā.")),
            )
        }
        rank = item.get("parents_rank")
        if rank is not None:
            _unique_rank(
                rank,
                f"{prefix}.parents_rank",
                ranks,
                errors,
                wrong=_("Vietai jābūt veselam skaitlim no 1."),
                repeated=_("Vecāki katru vietu piešķir vienreiz."),
            )
        type_id = item.get("service_type_id")
        if type_id is not None and not positive_int(type_id):
            add_error(errors, f"{prefix}.service_type_id", _("Nederīgs pakalpojuma veids."))
        cleaned.append(
            {
                "priority": priority,
                "service_name": texts["service_name"],
                "intensity": texts["intensity"],
                "parents_rank": rank,
                "service_type_id": type_id,
            }
        )
    return cleaned


def _delete_file_on_commit(conclusion: SpecialistConclusion) -> None:
    if conclusion.pk and conclusion.document:
        storage, name = conclusion.document.storage, conclusion.document.name
        transaction.on_commit(lambda: storage.delete(name))


def save_conclusions(
    assessment: NeedsAssessment, incoming_items: Sequence[Mapping[str, Any]]
) -> None:
    """Store the cleaned conclusions: the missing ones go (with their files, once committed)."""
    existing = {c.role: c for c in assessment.conclusions.all()}
    incoming = {c["role"]: c for c in incoming_items}
    for role, conclusion in existing.items():
        if role not in incoming:
            _delete_file_on_commit(conclusion)
            conclusion.delete()
    for role, item in incoming.items():
        conclusion = existing.get(role) or SpecialistConclusion(assessment=assessment, role=role)
        conclusion.text = item["text"]
        if item["document"] is not None or item["clear_document"]:
            _delete_file_on_commit(conclusion)
            conclusion.document = None
            conclusion.document_name = ""
        if item["document"] is not None:
            upload = item["document"]
            conclusion.document_name = PurePath(upload.name).name[:200]
            conclusion.document.save(upload.name, upload, save=False)
        conclusion.save()


def save_recommended(assessment: NeedsAssessment, items: Sequence[Mapping[str, Any]]) -> None:
    """Replace the recommended services with the cleaned ones."""
    assessment.recommended_services.all().delete()
    RecommendedService.objects.bulk_create(
        RecommendedService(assessment=assessment, **item) for item in items
    )
