"""`manage.py audit_verify [--head HASH]`: walk the audit log's hash chain (core.audit) and
name the first event that is missing or was changed; exit 1 if there is one. See
docs/operations.md."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atbalsts.core.audit import chain_verify
from atbalsts.core.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit log's hash chain: report the first missing or changed event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--head",
            default="",
            help="a hash an earlier run printed: it must still be in the chain "
            "(finds events deleted from the end)",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        report = chain_verify(using)
        if report.problem:
            raise CommandError(
                f"The audit log does not verify after {report.events} events: {report.problem}"
            )
        head = options["head"]
        if head and not AuditEvent.objects.using(using).filter(hash=head).exists():
            raise CommandError(
                f"The audit log does not hold the event with hash {head}: "
                "events were deleted from its end (or the log was replaced)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"The audit log verifies: {report.events} events, "
                f"last id {report.last_id or '-'}, head {report.head}"
            )
        )
