"""The pilot report from the command line, as JSON, CSV, XLSX or PDF.

    manage.py ib_report --municipality balvi --group child --from 2019-11-01 \
        --to 2021-01-31 --format json [--table services|outcomes|budget_needed] \
        [--output FILE] [--user USERNAME]

Without --user the report is made with the ministry analyst's scope (every municipality,
aggregates only): whoever runs commands on the server can read the database anyway.
"""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict

from atbalsts.core.errors import NotPermitted
from atbalsts.reporting import exports, selectors
from atbalsts.reporting.forms import PilotReportForm, field_errors
from atbalsts.reporting.policies import SYSTEM_READER


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
        user: Any = SYSTEM_READER
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Nav lietotāja {options['user']}.")
        data = QueryDict(mutable=True)
        data.setlist("municipality", options["municipality"])
        for name in ("group", "date_from", "date_to"):
            data[name] = options[name]
        form = PilotReportForm(data)
        if not form.is_valid():
            lines = [f"{f}: {m}" for f, ms in field_errors(form).items() for m in ms]
            raise CommandError("\n".join(lines))
        try:
            report = selectors.pilot_report_evaluated(user=user, **form.report_params())
        except NotPermitted as exc:
            raise CommandError(str(exc.message)) from exc
        actor = None if user is SYSTEM_READER else user
        content = exports.report_export(actor=actor, report=report, fmt=fmt, table=options["table"])
        if output is None:
            self.stdout.write(content.decode("utf-8-sig"), ending="")
            return
        output.write_bytes(content)
        self.stderr.write(f"{output}: {len(content)} baiti")
