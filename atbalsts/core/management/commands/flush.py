"""`manage.py flush`, Django's own, with the audit log's append-only triggers lifted for the
connection while it empties the database (core.audit.audit_maintenance). The tests'
teardown of transactional tests calls it; on SQLite it deletes row by row, which the
triggers would refuse."""

from typing import Any

from django.core.management.commands import flush

from atbalsts.core.audit import audit_maintenance


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with audit_maintenance(options["database"]):
            super().handle(**options)
