"""Write the example bundle (docs/examples/import-bundle/): one CSV per table and the same
as one XLSX."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from atbalsts.bundle.example import EXAMPLE, HISTORY_EXAMPLE, csv_files, xlsx_bundle


class Command(BaseCommand):
    help = "Ieraksta datu importa komplekta piemēru: CSV failus un to pašu vienā XLSX failā."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--history",
            action="store_true",
            help="vēstures piemērs (piešķirtais budžets, norunātā cena, daudzums periodā)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        sheets = HISTORY_EXAMPLE if options["history"] else EXAMPLE
        directory.mkdir(parents=True, exist_ok=True)
        for name, content in csv_files(sheets):
            (directory / name).write_bytes(content)
        (directory / "komplekts.xlsx").write_bytes(xlsx_bundle(sheets))
        self.stdout.write(f"{directory}: {len(sheets)} CSV + komplekts.xlsx")
