"""Write the example bundle (docs/examples/import-bundle/): one CSV per table and the same
as one XLSX."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from atbalsts.bundle.example import EXAMPLE, csv_files, xlsx_bundle


class Command(BaseCommand):
    help = "Ieraksta datu importa komplekta piemēru: CSV failus un to pašu vienā XLSX failā."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        directory.mkdir(parents=True, exist_ok=True)
        for name, content in csv_files(EXAMPLE):
            (directory / name).write_bytes(content)
        (directory / "komplekts.xlsx").write_bytes(xlsx_bundle(EXAMPLE))
        self.stdout.write(f"{directory}: {len(EXAMPLE)} CSV + komplekts.xlsx")
