"""Importing a state register's extract: its entries stored, the changes since the previous
import reported (new lapses first), and the registrations of the importer's providers set
from it (status and lapse date). See docs/user-guide/registri.md.

Streamed: the file is read row by row (`core.tabular.stream_table`); the entries of one
register are held once in memory (several rows of one subject merge into one entry) and
written in batches, rows that did not change left alone. All or nothing: one transaction, and
a file with bad rows writes nothing and names them (the first `MAX_ERRORS`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.extracts import ExtractRejected, RowError, column_map
from atbalsts.core.policies import Action
from atbalsts.core.tabular import Unreadable, plain_header, stream_table

from ..extract import COLUMNS, Entry, entries, missing_columns
from ..models import EntryStatus, RegisterEntry, RegisterImport, RegisterSource
from ..policies import register_policy
from .matching import apply_to_providers

BATCH = 2000
MAX_ERRORS = 50
MAX_LISTED = 500  # changes listed per kind; every change is counted
# the order a report lists its changes in: what needs action first
CHANGE_KINDS = ("lapsed", "gone", "reinstated", "end_changed", "new", "renamed")

Progress = Callable[[int, int], None]


@transaction.atomic
def register_import(
    *,
    actor: Actor | None,
    source: str,
    name: str,
    file: BinaryIO,
    today: dt.date | None = None,
    expected_rows: int = 0,
    progress: Progress | None = None,
) -> RegisterImport:
    """Import one extract of `source` (a `RegisterSource`). `actor` None is the system (the
    management command): it stores the entries and reports, and changes no registration."""
    if actor is not None:
        register_policy.require(actor, Action.CREATE)
    if source not in RegisterSource.values:
        raise ValidationFailed({"source": [_("Izvēlieties reģistru.")]})
    today = today or timezone.localdate()
    collected, rows = _read(name, file, today, expected_rows, progress)
    previous = RegisterImport.objects.filter(source=source).order_by("-imported_at", "-id").first()
    record = RegisterImport.objects.create(
        source=source,
        file_name=name[:200],
        imported_by=actor,
        rows=rows,
        entries=len(collected),
    )
    changes, counts = _changes(source, collected, first=previous is None)
    _store(source, collected, record)
    providers = apply_to_providers(actor=actor, source=source, record=record, found=collected)
    record.report = {
        "first": previous is None,
        "previous": previous.pk if previous else None,
        "counts": counts,
        "changes": changes,
        "providers": providers,
    }
    record.save(update_fields=["report"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.REGISTERS_IMPORTED,
        subject=record,
        extra_data={
            "source": source,
            "file": name,
            "rows": rows,
            "entries": len(collected),
            "changes": counts,
            "registrations_changed": sum(1 for p in providers if p.get("changed")),
        },
    )
    if progress is not None:
        progress(rows, rows)
    return record


def _read(
    name: str, file: BinaryIO, today: dt.date, expected: int, progress: Progress | None
) -> tuple[dict[str, Entry], int]:
    collected: dict[str, Entry] = {}
    errors: list[tuple[int, str]] = []
    rows = 0
    try:
        stream = stream_table(name, file, header=plain_header)
        found = column_map(stream.header, COLUMNS)
        missing = missing_columns(found)
        if missing:
            raise ValidationFailed(
                {"file": [_("Failā nav kolonnas: %(names)s.") % {"names": ", ".join(missing)}]}
            )
        for item in entries(stream, found, today):
            if isinstance(item, RowError):
                errors.append((item.number, item.message))
                if len(errors) >= MAX_ERRORS:
                    break
                continue
            rows += 1
            known = collected.get(item.number)
            if known is None:
                collected[item.number] = item
            else:
                known.merge(item)
            if progress is not None and rows % BATCH == 0:
                progress(rows, max(expected, rows + 1))
    except Unreadable as exc:
        raise ValidationFailed({"file": [exc.message]}) from None
    if errors:
        raise ExtractRejected(errors)
    if not collected:
        raise ValidationFailed({"file": [_("Izrakstā nav nevienas rindas.")]})
    return collected, rows


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _change(kind: str, number: str, name: str, **more: Any) -> dict[str, Any]:
    return {"kind": kind, "number": number, "name": name, **more}


def _changes(
    source: str, collected: dict[str, Entry], *, first: bool
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """What changed since the previous import of the register, new lapses first."""
    counts = dict.fromkeys(CHANGE_KINDS, 0)
    listed: dict[str, list[dict[str, Any]]] = {kind: [] for kind in CHANGE_KINDS}

    def note(kind: str, item: dict[str, Any]) -> None:
        counts[kind] += 1
        if len(listed[kind]) < MAX_LISTED:
            listed[kind].append(item)

    seen: set[str] = set()
    previous = (
        RegisterEntry.objects.filter(source=source, in_latest=True)
        .values_list("number", "name", "status", "lapsed_on")
        .iterator(chunk_size=5000)
    )
    for number, name, status, lapsed_on in previous:
        seen.add(number)
        entry = collected.get(number)
        if entry is None:
            note("gone", _change("gone", number, name))
            continue
        if status == EntryStatus.ACTIVE and entry.status == EntryStatus.LAPSED:
            note("lapsed", _change("lapsed", number, entry.name, lapsed_on=_iso(entry.lapsed_on)))
        elif status == EntryStatus.LAPSED and entry.status == EntryStatus.ACTIVE:
            note("reinstated", _change("reinstated", number, entry.name))
        elif lapsed_on != entry.lapsed_on:
            note(
                "end_changed",
                _change(
                    "end_changed",
                    number,
                    entry.name,
                    before=_iso(lapsed_on),
                    lapsed_on=_iso(entry.lapsed_on),
                ),
            )
        if name != entry.name:
            note("renamed", _change("renamed", number, entry.name, before=name))
    if not first:
        for number, entry in collected.items():
            if number not in seen:
                kind = "lapsed" if entry.status == EntryStatus.LAPSED else "new"
                note(kind, _change(kind, number, entry.name, lapsed_on=_iso(entry.lapsed_on)))
    else:
        counts["new"] = len(collected)  # the first import: everything is new, nothing listed
    changes = [item for kind in CHANGE_KINDS for item in listed[kind]]
    return changes, counts


_STORED = ("regcode", "name", "status", "registered_on", "lapsed_on", "address", "services")


def _chunks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _store(source: str, collected: dict[str, Entry], record: RegisterImport) -> None:
    """Upsert the entries that changed; mark those the extract no longer has."""
    for numbers in _chunks(collected, BATCH):
        known = {
            row[0]: row[1:]
            for row in RegisterEntry.objects.filter(source=source, number__in=numbers).values_list(
                "number", *_STORED, "in_latest"
            )
        }
        changed = []
        for number in numbers:
            entry = collected[number]
            values = (
                entry.regcode,
                entry.name,
                str(entry.status),
                entry.registered_on,
                entry.lapsed_on,
                entry.address,
                "; ".join(entry.services)[:1000],
            )
            if known.get(number) != (*values, True):
                changed.append(
                    RegisterEntry(
                        source=source,
                        number=number,
                        **dict(zip(_STORED, values, strict=True)),
                        last_import=record,
                        in_latest=True,
                    )
                )
        if changed:
            RegisterEntry.objects.bulk_create(
                changed,
                update_conflicts=True,
                unique_fields=["source", "number"],
                update_fields=[*_STORED, "last_import", "in_latest"],
            )
    gone = [
        number
        for number in RegisterEntry.objects.filter(source=source, in_latest=True)
        .values_list("number", flat=True)
        .iterator(chunk_size=5000)
        if number not in collected
    ]
    for numbers in _chunks(gone, BATCH):
        RegisterEntry.objects.filter(source=source, number__in=numbers).update(
            in_latest=False, last_import=record
        )
