"""`manage.py restore PATH [--yes]`: replace the configured databases with a backup's, then
check the row counts and the ledger's totals against its manifest (exit 1 on a difference).
Stop the web and task workers first. See docs/operations.md."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atbalsts.operations.backup import BackupError, read_manifest, restore, summary


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` and verify it against its manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a directory written by manage.py backup")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="replace a database that already holds data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            manifest = read_manifest(path.resolve())
            self.stdout.write(f"Backup: {summary(manifest)}")
            problems = restore(path, replace=options["yes"], log=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        failed = False
        for alias, found in problems.items():
            if found:
                failed = True
                self.stderr.write(f"{alias}: {len(found)} differences from the manifest:")
                for problem in found[:50]:
                    self.stderr.write(f"  {problem}")
            else:
                self.stdout.write(f"{alias}: row counts, migrations and ledger totals match.")
        if failed:
            raise CommandError("The restored data differs from the backup's manifest.")
        self.stdout.write(self.style.SUCCESS("Restored and verified."))
