"""Importing a catalogue file: every row through the services, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.errors import DomainError, NotPermitted, ValidationFailed

from .cells import Lookups, RowFailed
from .providers import import_provider, import_registration
from .reading import read_file
from .service_types import import_price, import_service_type
from .tables import DATASETS, REQUIRED, TABLES, ImportRejected, ImportResult, RowError
from .tariffs import import_location, import_tariff

_HANDLERS: dict[str, Callable[[Actor, dict[str, Any], Lookups, list[str]], str]] = {
    "service_types": import_service_type,
    "municipal_prices": import_price,
    "providers": import_provider,
    "registrations": import_registration,
    "locations": import_location,
    "tariffs": import_tariff,
}
# Service fields whose errors belong to another column of the file.
_COLUMN_OF = {
    "for_adult_grt": "target_groups",
    "for_child_ft": "target_groups",
    "location": "location_kind",
}


def _column(table: str, field_name: str | None) -> str:
    name = _COLUMN_OF.get(field_name or "", field_name or "")
    return name if name in TABLES[table] else (name or "—")


def catalog_import(*, actor: Actor, name: str, content: bytes, dataset: str) -> ImportResult:
    """Import a file into the catalogue ("catalogue") or the provider register ("register").

    Raises ImportRejected listing every bad row; then nothing at all has been written.
    """
    if dataset not in DATASETS:
        raise ValidationFailed({"dataset": [_("Nezināma datu kopa.")]})
    sheets = read_file(name=name, content=content, dataset=dataset)
    problems: list[RowError] = []
    for table, header, __ in sheets:
        problems += [
            RowError(table, 1, column, str(_("Trūkst kolonnas „%(column)s”.") % {"column": column}))
            for column in REQUIRED[table]
            if column not in header
        ]
    if problems:
        raise ImportRejected(problems)
    result = ImportResult()
    lookups = Lookups()
    with transaction.atomic():
        for table, header, records in sheets:
            for number, record in records:
                problems += import_row(actor, table, header, number, record, lookups, result)
        if problems:
            raise ImportRejected(problems)  # rolls back every row written above
        audit_record(
            actor=actor,
            event_type=AuditEventType.CATALOG_IMPORTED,
            subject_type="catalog.import",
            municipality_id=getattr(actor, "municipality_id", None),
            extra_data={
                "file": name[:200],
                "dataset": dataset,
                "created": result.created,
                "updated": result.updated,
            },
        )
    return result


def import_row(
    actor: Actor,
    table: str,
    header: list[str],
    number: int,
    record: dict[str, Any],
    lookups: Lookups,
    result: ImportResult,
) -> list[RowError]:
    """Import one row of a catalogue `table` (a key of TABLES) in its own savepoint.

    `number` is the row's number in the file, `header` the columns the file has. A row the
    rules refuse is rolled back to its savepoint and comes back as RowErrors naming the file
    column; a written row is counted in `result` and the list is empty. The caller runs all
    rows in one transaction and rolls it back if any row failed.
    """
    try:
        with transaction.atomic():
            outcome = _HANDLERS[table](actor, record, lookups, header)
    except RowFailed as exc:
        return [RowError(table, number, f, m) for f, m in exc.errors.items()]
    except NotPermitted as exc:
        return [RowError(table, number, _column(table, "municipality"), str(exc.message))]
    except ValidationFailed as exc:
        return [
            RowError(table, number, _column(table, f), m)
            for f, messages in exc.errors.items()
            for m in messages
        ]
    except DomainError as exc:
        return [RowError(table, number, _column(table, exc.field), str(exc.message))]
    result.count(table, outcome)
    return []
