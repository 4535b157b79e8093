"""`manage.py backup PATH`: the databases (and media files) into a new directory, with a
manifest to verify a restore against. See docs/operations.md."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atbalsts.operations.backup import BackupError, backup, summary


class Command(BaseCommand):
    help = "Back up the databases and media files into a new directory PATH."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a directory that does not exist yet")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup(options["path"], log=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backup written to {options['path']}"))
        self.stdout.write(summary(manifest))
