"""The audit log is append-only in the database and hash-chained: UPDATE, DELETE (and
TRUNCATE on PostgreSQL) are refused, even as raw SQL; an event changed or deleted behind
the triggers' back (in audit maintenance) is what `manage.py audit_verify` reports."""

import datetime as dt
import sqlite3
from importlib import import_module

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from atbalsts.core.audit import (
    GENESIS,
    AuditEventType,
    audit_maintenance,
    audit_record,
    chain_hash,
    chain_verify,
    data_hash,
)
from atbalsts.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _events(n):
    return [
        audit_record(
            actor=None,
            event_type=AuditEventType.CLIENT_VIEWED,
            subject_type="people.client",
            subject_id=str(i),
            client_id=i,
            extra_data={"vārds": "Jānis", "n": i, "list": (1, 2), "nested": {"b": 1, "a": None}},
        )
        for i in range(1, n + 1)
    ]


def _refused(sql, params=()):
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def _verify_fails(match):
    with pytest.raises(CommandError, match=match):
        call_command("audit_verify")


def test_each_event_links_to_the_one_before_it():
    before = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    first, second, third = _events(3)
    assert first.prev_hash == (before or GENESIS)
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    stored = AuditEvent.objects.values().get(pk=third.pk)
    assert stored["data_hash"] == data_hash(stored["extra_data"])
    assert chain_hash(stored) == third.hash
    report = chain_verify()
    assert report.problem == ""
    assert report.head == third.hash
    assert report.last_id == third.pk


def test_audit_verify_passes_on_an_intact_log(capsys):
    _events(2)
    call_command("audit_verify")
    assert "The audit log verifies" in capsys.readouterr().out


def test_update_and_delete_are_refused_by_the_database():
    event = _events(1)[0]
    _refused("UPDATE core_auditevent SET event_type = 'x' WHERE id = %s", [event.pk])
    _refused("UPDATE core_auditevent SET created_at = created_at")
    _refused("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    _refused("DELETE FROM core_auditevent")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(subject_id="9")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).subject_id == "1"


def test_truncate_is_refused_on_postgresql(require_postgres):
    _events(1)
    with connection.cursor() as cursor:
        # the actor's deferred foreign key check would refuse TRUNCATE first
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    _refused("TRUNCATE core_auditevent")
    _refused("TRUNCATE core_auditevent CASCADE")
    assert AuditEvent.objects.exists()


def test_a_raw_sqlite_connection_is_refused_too(tmp_path):
    """The triggers live in the database file: the sqlite3 shell or another program is
    refused as well."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    chain = import_module("atbalsts.core.migrations.0002_audit_chain")
    path = tmp_path / "raw.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE core_auditevent (id INTEGER PRIMARY KEY, x TEXT)")
        for statement in chain.SQLITE:
            db.execute(statement)
        db.execute("INSERT INTO core_auditevent (x) VALUES ('a')")
    with sqlite3.connect(path) as db:
        for statement in ("UPDATE core_auditevent SET x = 'b'", "DELETE FROM core_auditevent"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                db.execute(statement)


def test_an_edited_event_is_found():
    _first, second, _third = _events(3)
    with audit_maintenance():
        AuditEvent.objects.filter(pk=second.pk).update(subject_id="99")
    _verify_fails(f"event {second.pk}: it was changed after it was written")


def test_edited_data_is_found():
    _first, second, _third = _events(3)
    with audit_maintenance():
        AuditEvent.objects.filter(pk=second.pk).update(extra_data={"vārds": "Pēteris"})
    _verify_fails(f"event {second.pk}: its data was changed")


def test_a_moved_timestamp_is_found():
    _first, second, _third = _events(3)
    with audit_maintenance():
        AuditEvent.objects.filter(pk=second.pk).update(
            created_at=second.created_at + dt.timedelta(microseconds=1)
        )
    _verify_fails(f"event {second.pk}: it was changed")


def test_a_deleted_event_is_found():
    _first, second, third = _events(3)
    with audit_maintenance():
        AuditEvent.objects.filter(pk=second.pk).delete()
    _verify_fails(f"event {third.pk}: the event before it is missing or was changed")


def test_a_deleted_first_event_is_found():
    if AuditEvent.objects.exists():
        pytest.skip("the test database's migrations wrote events")
    first, second = _events(2)
    with audit_maintenance():
        AuditEvent.objects.filter(pk=first.pk).delete()
    _verify_fails(f"event {second.pk}: the event before it is missing")


def test_events_deleted_from_the_end_are_found_with_the_recorded_head(capsys):
    _first, second, third = _events(3)
    call_command("audit_verify", head=third.hash)
    with audit_maintenance():
        AuditEvent.objects.filter(pk=third.pk).delete()
    call_command("audit_verify", head=second.hash)
    with pytest.raises(CommandError, match="deleted from its end"):
        call_command("audit_verify", head=third.hash)


def test_maintenance_ends_with_its_block():
    event = _events(1)[0]
    with audit_maintenance():
        pass
    _refused("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
