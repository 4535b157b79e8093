"""Import the catalogue or the provider register from an XLSX or CSV file, as a given user.
Nothing is written if any row is invalid; the errors are listed row by row."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from atbalsts.catalog import exchange


class Command(BaseCommand):
    help = "Importē katalogu (catalogue) vai sniedzēju reģistru (register) no XLSX vai CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dataset", choices=sorted(exchange.DATASETS))
        parser.add_argument("path", type=Path)
        parser.add_argument("--user", required=True, help="lietotājvārds, kura vārdā importē")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Nav lietotāja {options['user']}.")
        path: Path = options["path"]
        try:
            result = exchange.catalog_import(
                actor=user, name=path.name, content=path.read_bytes(), dataset=options["dataset"]
            )
        except exchange.ImportRejected as exc:
            for e in exc.rows:
                self.stderr.write(f"{e.sheet}, {e.row}. rinda, {e.field}: {e.message}")
            raise CommandError("Imports neizdevās: nekas netika saglabāts.") from exc
        self.stdout.write(
            f"pievienoti {result.created}, mainīti {result.updated}, "
            f"bez izmaiņām {result.unchanged}"
        )
