"""Imports a state register's open-data extract from a file: the way to load a national file
(the Enterprise Register's register.csv). Run by an operator, it stores the entries and the
report of changes; each head's (or the administrator's) import from the page also sets their
providers' registrations."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atbalsts.core.errors import DomainError
from atbalsts.registers.models import RegisterSource
from atbalsts.registers.services import ExtractRejected, register_import

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


class Command(BaseCommand):
    help = (
        "Importē reģistra atvērto datu izrakstu (CSV vai XLSX): --register "
        "social_service_providers | medical_practitioners | enterprises."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--register", required=True, choices=RegisterSource.values)
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Fails nav atrasts: {path}")
        started = time.monotonic()
        with path.open("rb") as file:
            try:
                record = register_import(
                    actor=None,
                    source=options["register"],
                    name=path.name,
                    file=file,
                    expected_rows=path.stat().st_size // 150,
                )
            except ExtractRejected as exc:
                lines = [f"  {number}. rinda: {message}" for number, message in exc.rows]
                raise CommandError("\n".join([str(exc.message), *lines])) from None
            except DomainError as exc:
                raise CommandError(str(exc.message)) from None
        counts = record.report.get("counts", {})
        changed = ", ".join(f"{kind} {n}" for kind, n in counts.items() if n)
        self.stdout.write(
            f"{record.get_source_display()}: {record.rows} rindas, {record.entries} ieraksti "
            f"({changed or 'bez izmaiņām'}), {time.monotonic() - started:.0f} s."
        )
