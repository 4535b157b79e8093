"""Export the catalogue or the provider register to an XLSX or CSV file, as a given user."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from atbalsts.catalog import exchange


class Command(BaseCommand):
    help = "Eksportē katalogu (catalogue) vai sniedzēju reģistru (register) XLSX vai CSV failā."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", help="catalogue, register (XLSX) vai tabulas nosaukums (CSV)")
        parser.add_argument("path", type=Path)
        parser.add_argument("--user", required=True, help="lietotājvārds, kura vārdā eksportē")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Nav lietotāja {options['user']}.")
        path: Path = options["path"]
        what = options["what"]
        if path.suffix == ".xlsx" and what in exchange.DATASETS:
            content = exchange.export_xlsx(actor=user, dataset=what)
        elif path.suffix == ".csv" and what in exchange.TABLES:
            content = exchange.export_csv(actor=user, table=what)
        else:
            raise CommandError("XLSX: catalogue vai register; CSV: viena tabula.")
        path.write_bytes(content)
        self.stdout.write(f"{path}: {len(content)} baiti")
