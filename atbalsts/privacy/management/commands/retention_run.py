"""manage.py retention_run [--dry-run] [--date GGGG-MM-DD]: anonymise closed cases past their
retention period (privacy.retention) and print what it did, per record type."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from atbalsts.core.dates import dmy, parse_day
from atbalsts.privacy.retention import retention_run


class Command(BaseCommand):
    help = "Anonymise the personal data of closed cases past their retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="only count what would be anonymised"
        )
        parser.add_argument("--date", default="", help="the day to run as of (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = parse_day(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--date: write the day as GGGG-MM-DD or DD.MM.GGGG.") from exc
        if on > timezone.localdate():
            raise CommandError("--date: the day may not be in the future.")
        report = retention_run(on=on, dry_run=options["dry_run"])
        verb = "would anonymise" if report.dry_run else "anonymised"
        self.stdout.write(
            f"Retention run as of {dmy(on)}: {report.closed_clients} closed cases considered."
        )
        for key, count in report.counts.items():
            label, _sep, category = key.partition(":")
            name = str(apps.get_model(label)._meta.verbose_name_plural)
            suffix = f" ({category})" if category else ""
            self.stdout.write(f"  {label}{suffix} — {name}: {verb} {count}")
        self.stdout.write(f"Total: {verb} {report.total} records.")
