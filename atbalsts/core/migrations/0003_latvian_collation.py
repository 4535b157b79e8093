"""PostgreSQL's ICU collation for Latvian order ("lv-x-icu", core.collation). PostgreSQL built
with ICU has it already (pg_catalog); it is created only where it is missing. SQLite needs
nothing stored: its collation is registered on each connection."""

from typing import Any

from django.db import migrations

EXISTS = "SELECT 1 FROM pg_collation WHERE collname = 'lv-x-icu'"
CREATE = """CREATE COLLATION IF NOT EXISTS "lv-x-icu" (provider = icu, locale = 'lv')"""


def create_collation(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(EXISTS)
        if cursor.fetchone() is None:
            cursor.execute(CREATE)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_chain")]

    operations = [migrations.RunPython(create_collation, migrations.RunPython.noop)]
