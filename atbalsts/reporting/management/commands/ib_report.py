"""The pilot report from the command line, as JSON, CSV, XLSX or PDF.

    manage.py ib_report --municipality balvi --group child --from 2019-11-01 \
        --to 2021-01-31 --format json [--table services|outcomes|budget_needed] \
        [--output FILE] [--user USERNAME]

Without --user the report is made with the ministry analyst's scope (every municipality,
aggregates only): whoever runs commands on the server can read the database anyway.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atbalsts.core.errors import NotPermitted
from atbalsts.reporting import exports, selectors
from atbalsts.reporting.forms import PilotReportForm
from atbalsts.reporting.management.report_command import (
    command_actor,
    command_reader,
    report_params,
)


class Command(BaseCommand):
    help = "Pilotprojekta pārskats: pašvaldība(s), mērķa grupa un periods → JSON, CSV, XLSX, PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--municipality",
            action="append",
            default=[],
            help="pašvaldības kods (var atkārtot) vai all — visa valsts",
        )
        parser.add_argument("--group", required=True, help="child (child_ft) vai adult (adult_grt)")
        parser.add_argument("--from", dest="date_from", required=True, help="GGGG-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="GGGG-MM-DD")
        parser.add_argument("--format", choices=exports.FORMATS, default="json")
        parser.add_argument(
            "--table",
            choices=exports.CSV_TABLES,
            default="services",
            help="CSV formātam: kura tabula (pakalpojumi, rezultāti, vajadzīgais budžets)",
        )
        parser.add_argument("--output", type=Path, help="fails; bez tā JSON un CSV izdrukā")
        parser.add_argument("--user", help="lietotājvārds, kura tiesībās veidot pārskatu")

    def handle(self, *args: Any, **options: Any) -> None:
        fmt = options["format"]
        output: Path | None = options["output"]
        if output is None and fmt in ("xlsx", "pdf"):
            raise CommandError(f"Formātam {fmt} norādiet --output FAILS.")
        user = command_reader(options["user"])
        params = report_params(PilotReportForm, options)
        try:
            report = selectors.pilot_report_evaluated(user=user, **params)
        except NotPermitted as exc:
            raise CommandError(str(exc.message)) from exc
        content = exports.report_export(
            actor=command_actor(user), report=report, fmt=fmt, table=options["table"]
        )
        if output is None:
            self.stdout.write(content.decode("utf-8-sig"), ending="")
            return
        output.write_bytes(content)
        self.stderr.write(f"{output}: {len(content)} baiti")
