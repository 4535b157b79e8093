"""The record of processing (GDPR Art. 30) as the page and the PDF show it: a pure computation
from the registry in code and the retention periods in force (no personal data)."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext as _

from .registry import PURPOSES, RECORD_TYPES, RETENTION_LABELS, Purpose, retention_years


@dataclass(frozen=True)
class RecordRow:
    model: str  # the record type's name (the model's verbose name)
    data: str
    retention: str  # the category's label
    years: int
    action: str  # what happens when the period is over


@dataclass(frozen=True)
class ProcessingRecord:
    purposes: tuple[Purpose, ...]
    rows: tuple[RecordRow, ...]
    periods: tuple[tuple[str, int], ...]  # (category label, years)


def _model_name(label: str) -> str:
    return str(apps.get_model(label)._meta.verbose_name_plural).capitalize()


def processing_record() -> ProcessingRecord:
    """Pure computation from code and settings (no personal data): any staff page may call
    it once the privacy policy let the user in."""
    years = retention_years()
    rows = []
    for rt in RECORD_TYPES:
        if rt.anonymise:
            fields = apps.get_model(rt.model)._meta
            names = ", ".join(str(fields.get_field(n).verbose_name) for n in rt.anonymise)
            action = _("anonimizē: %(fields)s") % {"fields": names}
        else:
            action = str(rt.kept or "")
        rows.append(
            RecordRow(
                model=_model_name(rt.model),
                data=str(rt.data),
                retention=str(RETENTION_LABELS[rt.retention]),
                years=years[rt.retention],
                action=action,
            )
        )
    periods = tuple((str(RETENTION_LABELS[key]), n) for key, n in years.items())
    return ProcessingRecord(purposes=PURPOSES, rows=tuple(rows), periods=periods)


def purpose_models(purpose: Purpose) -> list[str]:
    return [_model_name(label) for label in purpose.models]
