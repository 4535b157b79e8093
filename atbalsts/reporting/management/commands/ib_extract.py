"""The pseudonymised CSV extract for research, written row by row to a file.

    manage.py ib_extract --municipality balvi --from 2019-11-01 --to 2021-01-31 \
        --output extract.csv [--group child] [--user USERNAME]

Without --user the extract is made with the ministry analyst's scope (every municipality).
Clients appear only as pseudonyms (HMAC under settings.PSEUDONYM_KEY, which the municipality
keeps): the file holds no name, personal code, address nor free text.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atbalsts.core.errors import NotPermitted
from atbalsts.reporting import exports, selectors
from atbalsts.reporting.forms import ResearchExtractForm
from atbalsts.reporting.management.report_command import (
    command_actor,
    command_reader,
    report_params,
)


class Command(BaseCommand):
    help = "Pseidonimizēts izvilkums pētniecībai: pašvaldība(s), periods → CSV fails."
    # A national extract runs to a million rows or more: say how far it is every so many.
    progress_every = 10_000

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--municipality",
            action="append",
            default=[],
            help="pašvaldības kods (var atkārtot) vai all — visa valsts",
        )
        parser.add_argument("--group", default="", help="child, adult vai tukšs — visas")
        parser.add_argument("--from", dest="date_from", required=True, help="GGGG-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="GGGG-MM-DD")
        parser.add_argument("--output", type=Path, required=True, help="CSV fails")
        parser.add_argument("--user", help="lietotājvārds, kura tiesībās veidot izvilkumu")

    def handle(self, *args: Any, **options: Any) -> None:
        user = command_reader(options["user"])
        params = report_params(ResearchExtractForm, options)
        try:
            rows = selectors.research_extract(user=user, **params)
        except NotPermitted as exc:
            raise CommandError(str(exc.message)) from exc
        exports.extract_record(
            actor=command_actor(user),
            municipalities=selectors.report_municipalities(
                user=user, municipalities=params["municipalities"]
            ),
            target_group=params["target_group"],
            date_from=params["date_from"],
            date_to=params["date_to"],
            via="command",
        )
        output: Path = options["output"]
        count = -1  # the header is not a row
        with output.open("wb") as f:
            for chunk in exports.extract_csv_chunks(rows):
                f.write(chunk)
                if chunk.endswith(b"\n"):
                    count += 1
                    if count and count % self.progress_every == 0:
                        self.stderr.write(f"\r{count} rindas…", ending="")
                        self.stderr.flush()
        if count >= self.progress_every:
            self.stderr.write("")
        self.stderr.write(f"{output}: {max(count, 0)} rindas")
