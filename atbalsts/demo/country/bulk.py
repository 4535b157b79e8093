"""Writing the generated rows in bulk: COPY on PostgreSQL, batched inserts elsewhere."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models


def _pg_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = json.dumps(value) if isinstance(value, list | dict) else str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value)
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class Table:
    """Rows of one model written in batches: COPY on PostgreSQL, executemany elsewhere.

    Rows are tuples in the order of `fields` (model field names); ids are given by the caller,
    so that related rows can point at them before they are written.
    """

    BATCH = 20_000

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        meta = model._meta
        self.table = meta.db_table
        self.fields = tuple(fields)
        column_of = {f.name: str(f.column) for f in meta.concrete_fields}
        self.columns = [column_of[name] for name in fields]
        # Fields added to the model later than this generator get their default (a blank
        # text field: ""), so such a new column never breaks the generator; one without a
        # default must be added here.
        self.fill: tuple[Any, ...] = ()
        for model_field in meta.concrete_fields:
            if model_field.name in fields or model_field.primary_key:
                continue
            blank_text = model_field.blank and model_field.empty_strings_allowed
            if not (model_field.has_default() or model_field.null or blank_text):
                raise TypeError(f"{meta.label}.{model_field.name}: no value and no default")
            self.columns.append(str(model_field.column))
            self.fill += (model_field.get_default(),)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self.postgres = connection.vendor == "postgresql"
        self.next_id = (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row + self.fill if self.fill else row)
        if len(self.rows) >= self.BATCH:
            self.flush()

    def add_named(self, values: Mapping[str, Any]) -> None:
        """A row given by field name, for a table whose fields come from a service's field
        list: a field added to or moved in that list cannot put a value in the wrong column."""
        if len(values) != len(self.fields):
            unknown = sorted(set(values) - set(self.fields))
            missing = sorted(set(self.fields) - set(values))
            raise TypeError(f"{self.table}: unknown fields {unknown}, missing {missing}")
        self.add(tuple(values[name] for name in self.fields))

    def flush(self) -> None:
        if not self.rows:
            return
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if self.postgres:
                buffer = io.StringIO()
                for row in self.rows:
                    buffer.write("\t".join([_pg_text(v) for v in row]))
                    buffer.write("\n")
                with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    copy.write(buffer.getvalue())
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {self.table} ({columns}) VALUES ({marks})",  # noqa: S608
                    [tuple(_sqlite_value(v) for v in row) for row in self.rows],
                )
        self.written += len(self.rows)
        self.rows = []


def reset_sequences(touched: Sequence[type[models.Model]]) -> None:
    """Ids were given explicitly; move PostgreSQL's sequences past them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), touched):
            cursor.execute(statement)


@contextlib.contextmanager
def bulk_load(bulk: Sequence[type[models.Model]]) -> Iterator[None]:
    """On PostgreSQL, drop the plain indexes and the foreign keys of the big tables while their
    rows are copied in, and build them again afterwards: one sort per index and one set-based
    check per foreign key instead of millions of index inserts and per-row trigger checks.
    Re-adding a foreign key checks every row, so the database still proves the references.
    Primary and unique keys stay. The schema ends up exactly as the migrations made it.
    Only outside a transaction (the management command): inside one, PostgreSQL refuses to
    alter a table while deferred foreign-key checks on it are still pending."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    tables = [model._meta.db_table for model in bulk]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            ORDER BY i.indexname
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
            ORDER BY c.conname
            """,
            [tables],
        )
        foreign_keys = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in foreign_keys:
                cursor.execute(
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                )
            # VACUUM sets the visibility map and hint bits now rather than on the first reads;
            # it cannot run inside a transaction.
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
