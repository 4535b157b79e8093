"""Loads the State Address Register's extract (AW_EKA.CSV) from a file: the way to load the
national file (about a million addresses), streamed; re-run it for updates."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atbalsts.addresses.services import addresses_import
from atbalsts.core.errors import DomainError
from atbalsts.core.extracts import ExtractRejected

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "AW_EKA.CSV"


class Command(BaseCommand):
    help = (
        "Ielādē Valsts adrešu reģistra izrakstu (AW_EKA.CSV vai XLSX); bez faila — paraugu "
        "demo pašvaldībām. Atkārtota ielāde atjauno adreses pēc to koda."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, default=SAMPLE)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Fails nav atrasts: {path}")
        started = time.monotonic()
        with path.open("rb") as source:
            try:
                result = addresses_import(
                    actor=None,
                    name=path.name,
                    source=source,
                    expected_rows=path.stat().st_size // 200,
                    progress=self._progress,
                )
            except ExtractRejected as exc:
                lines = [f"  {number}. rinda: {message}" for number, message in exc.rows]
                raise CommandError("\n".join([str(exc.message), *lines])) from None
            except DomainError as exc:
                raise CommandError(str(exc.message)) from None
        seconds = time.monotonic() - started
        self.stderr.write("")
        self.stdout.write(
            f"{path.name}: {result['rows']} adreses ({result['added']} jaunas, "
            f"{result['updated']} atjaunotas, {result['geocoded']} ar koordinātām) "
            f"{seconds:.0f} s."
        )

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"\r{done} adreses", ending="")
        self.stderr.flush()
