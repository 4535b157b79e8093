"""The audit log becomes append-only and hash-chained (core.audit): three hash columns, the
existing events chained in id order, then triggers that refuse UPDATE and DELETE (and
TRUNCATE on PostgreSQL) unless the connection is in audit maintenance
(`core.audit.audit_maintenance`, used by `manage.py flush` only).

On SQLite a migration that rebuilds the table (most AlterField operations) drops its
triggers: such a migration must create them again (`create_triggers`); the tests check
that UPDATE and DELETE are refused."""

from typing import Any

from django.db import migrations, models

TABLE = "core_auditevent"
REFUSED = "core_auditevent is append-only"
SQLITE_UNLESS = (
    "WHEN NOT EXISTS (SELECT 1 FROM pragma_database_list WHERE name = 'atbalsts_audit_maintenance')"
)
POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('atbalsts.audit_maintenance', true) = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = '{REFUSED}: ' || TG_OP || ' refused',
        ERRCODE = 'restrict_violation';
END
$$""",
    *(
        f"CREATE TRIGGER core_auditevent_no_{op.lower()} BEFORE {op} ON {TABLE} "
        f"FOR EACH {level} EXECUTE FUNCTION core_auditevent_append_only()"
        for op, level in (("UPDATE", "ROW"), ("DELETE", "ROW"), ("TRUNCATE", "STATEMENT"))
    ),
]
POSTGRESQL_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS core_auditevent_no_{op} ON {TABLE}"
        for op in ("update", "delete", "truncate")
    ),
    "DROP FUNCTION IF EXISTS core_auditevent_append_only()",
]
SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS core_auditevent_no_{op.lower()} BEFORE {op} ON {TABLE} "
    f"{SQLITE_UNLESS} BEGIN SELECT RAISE(ABORT, '{REFUSED}: {op} refused'); END"
    for op in ("UPDATE", "DELETE")
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS core_auditevent_no_{op}" for op in ("update", "delete")]


def create_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


def chain_existing(apps: Any, schema_editor: Any) -> None:
    from atbalsts.core.audit import GENESIS, chain_hash, data_hash

    AuditEvent = apps.get_model("core", "AuditEvent")
    db = schema_editor.connection.alias
    previous = GENESIS
    for event in AuditEvent.objects.using(db).order_by("id").iterator(chunk_size=2000):
        event.data_hash = data_hash(event.extra_data)
        event.prev_hash = previous
        event.hash = chain_hash(vars(event))
        event.save(update_fields=["data_hash", "prev_hash", "hash"])
        previous = event.hash


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="data_hash",
            field=models.CharField(
                blank=True, default="", max_length=64, verbose_name="datu jaucējkods"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(
                blank=True,
                default="",
                max_length=64,
                verbose_name="iepriekšējā notikuma jaucējkods",
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(
                blank=True, default="", max_length=64, verbose_name="jaucējkods"
            ),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
