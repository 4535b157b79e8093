"""Loading the State Address Register's extract: streamed, in batches, re-runnable.

A national file (about a million addresses) is read row by row (`core.tabular.stream_table`)
and written in batches of `BATCH` with one bulk upsert per batch keyed by the register's code
(`bulk_create(update_conflicts=True)`: INSERT … ON CONFLICT DO UPDATE on PostgreSQL and
SQLite alike), so a second run updates what changed and adds what is new. All or nothing:
one transaction; a file with bad rows writes nothing and names the rows (the first
`MAX_ERRORS`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.extracts import ExtractRejected, RowError, column_map
from atbalsts.core.policies import Action
from atbalsts.core.tabular import Unreadable, plain_header, stream_table

from .extract import COLUMNS, AddressRow, address_rows, missing_columns, search_key
from .models import Address
from .policies import address_policy

BATCH = 5000
MAX_ERRORS = 50
UPDATED = ("text", "search_text", "lks_x", "lks_y", "latitude", "longitude", "active", "changed_on")

Progress = Callable[[int, int], None]


@transaction.atomic
def addresses_import(
    *,
    actor: Actor | None,
    name: str,
    source: BinaryIO,
    expected_rows: int = 0,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Load one extract; returns how many rows were read, added, updated and are geocoded.
    `actor` None is the system (the management command run by an operator)."""
    if actor is not None:
        address_policy.require(actor, Action.CREATE)
    try:
        stream = stream_table(name, source, header=plain_header)
        found = column_map(stream.header, COLUMNS)
        missing = missing_columns(found)
        if missing:
            raise ValidationFailed(
                {"file": [_("Failā nav kolonnas: %(names)s.") % {"names": ", ".join(missing)}]}
            )
        before = Address.objects.count()
        counts = {"rows": 0, "geocoded": 0, "not_existing": 0, "written": 0}
        errors: list[tuple[int, str]] = []
        batch: dict[int, AddressRow] = {}
        for item in address_rows(stream, found):
            if isinstance(item, RowError):
                errors.append((item.number, item.message))
                if len(errors) >= MAX_ERRORS:
                    break
                continue
            counts["rows"] += 1
            counts["geocoded"] += item.latitude is not None
            counts["not_existing"] += not item.active
            batch[item.code] = item
            if len(batch) >= BATCH:
                if not errors:
                    counts["written"] += _write(batch)
                batch = {}
                if progress is not None:
                    done = counts["rows"]
                    progress(done, max(expected_rows, done + 1))
    except Unreadable as exc:
        raise ValidationFailed({"file": [exc.message]}) from None
    if errors:
        raise ExtractRejected(errors)
    written = counts.pop("written") + _write(batch)
    if progress is not None:
        progress(counts["rows"], counts["rows"])
    total = Address.objects.count()
    result = {**counts, "added": total - before, "updated": written - (total - before)}
    audit_record(
        actor=actor,
        event_type=AuditEventType.ADDRESSES_IMPORTED,
        subject_type="addresses.address",
        extra_data={"file": name, **result},
    )
    return result


def _write(batch: dict[int, AddressRow]) -> int:
    """Upsert the batch, leaving out the rows the table already holds as they are (a monthly
    update of the national file changes few of its million rows)."""
    if not batch:
        return 0
    known = {
        values[0]: values[1:]
        for values in Address.objects.filter(code__in=list(batch)).values_list("code", *FIELDS)
    }
    changed = [row for code, row in batch.items() if known.get(code) != _values(row)]
    if not changed:
        return 0
    Address.objects.bulk_create(
        [
            Address(
                code=row.code,
                text=row.text,
                search_text=search_key(row.text),
                lks_x=row.lks_x,
                lks_y=row.lks_y,
                latitude=row.latitude,
                longitude=row.longitude,
                active=row.active,
                changed_on=row.changed_on,
            )
            for row in changed
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=list(UPDATED),
    )
    return len(changed)


FIELDS = ("text", "lks_x", "lks_y", "latitude", "longitude", "active", "changed_on")


def _values(row: AddressRow) -> tuple[object, ...]:
    return (row.text, row.lks_x, row.lks_y, row.latitude, row.longitude, row.active, row.changed_on)
