"""Generates the synthetic country of the national-scale benchmark (docs/performance.md)."""

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atbalsts.demo import country
from atbalsts.people.models import Client


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most a few times a second."""

    WIDTH = 30

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.began = time.monotonic()
        self.drawn = 0.0
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        finished = done >= total
        if stage == self.stage and not finished and now - self.drawn < 0.5:
            return
        if stage != self.stage and self.stage:
            self.stream.write("\n")
        self.stage, self.drawn = stage, now
        share = done / total if total else 1.0
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(
            f"\r{stage:11} [{bar}] {share:6.1%} {done:>11,}/{total:,} "
            f"{now - self.began:7.0f} s".replace(",", " ")
        )
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Izveido sintētisku valsti veiktspējas mērījumiem: visas pašvaldības, klientus ar "
        "plāniem un garantijas vēstulēm, nodarbības trīs gados, apstiprinātus rēķinus un "
        "mēneša izlietojumu. Datubāzē vēl nedrīkst būt klientu."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=40_000)
        parser.add_argument("--sessions", type=int, default=10_000_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--start", default="2023-01-01", help="Pirmā mēneša pirmā diena (GGGG-MM-DD)."
        )
        parser.add_argument("--quiet", action="store_true", help="Bez progresa joslas.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = dt.date.fromisoformat(options["start"]).replace(day=1)
        except ValueError:
            raise CommandError("--start jābūt datumam formā GGGG-MM-DD.") from None
        if options["clients"] < 1 or options["sessions"] < 0:
            raise CommandError("--clients jābūt vismaz 1, --sessions ne mazākam par 0.")
        if Client.objects.exists():
            raise CommandError(
                "Datubāzē jau ir klienti; valsti veido tukšā datubāzē (pēc migrate)."
            )
        progress = None if options["quiet"] else ProgressBar(self.stderr._out)
        summary = country.generate(
            clients=options["clients"],
            sessions=options["sessions"],
            seed=options["seed"],
            start=start,
            progress=progress,
        )
        if progress is not None:
            self.stderr.write("")
        self.stdout.write(
            f"Izveidoti {summary.clients} klienti, {summary.lines} plāna rindas, "
            f"{summary.sessions} nodarbības ({summary.seconds:.0f} s)."
        )
