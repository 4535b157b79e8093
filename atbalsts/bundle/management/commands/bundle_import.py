"""Import a data bundle (one XLSX, a .zip of CSV files, or CSV files) for a municipality, as a
given user (who also records the invoices' historic approvals the bundle holds, as history).
Shows progress on stderr; prints the report; exits non-zero if anything was wrong (then
nothing was written)."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from atbalsts.bundle.errors import BundleRejected, error_groups
from atbalsts.bundle.services import bundle_import
from atbalsts.core.errors import DomainError
from atbalsts.people.models import Municipality


class Command(BaseCommand):
    help = "Importē datu komplektu: vienu XLSX, .zip ar CSV failiem vai vairākus CSV failus."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--municipality", required=True, help="pašvaldības kods, piem. balvi")
        parser.add_argument("--actor", required=True, help="lietotājvārds, kura vārdā importē")

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects
        actor = users.filter(username=options["actor"]).first()
        if actor is None:
            raise CommandError(f"Nav lietotāja {options['actor']}.")
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"Nav pašvaldības {options['municipality']}.")
        files = []
        for path in options["paths"]:
            if not path.is_file():
                raise CommandError(f"Nav faila {path}.")
            files.append((path.name, path.read_bytes()))
        try:
            report = bundle_import(
                actor=actor,
                municipality=municipality,
                files=files,
                progress=self._progress,
            )
        except BundleRejected as exc:
            self.stderr.write("")
            for row in exc.rows:
                self.stderr.write(str(row))
            self._by_cause(exc)
            raise CommandError(f"{exc.message} ({len(exc.rows)})") from exc
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stderr.write("")
        for sheet, counts in report.counts.items():
            self.stdout.write(
                f"{sheet}: jauni {counts['created']}, mainīti {counts['updated']}, "
                f"bez izmaiņām {counts['unchanged']}"
            )

    def _by_cause(self, exc: BundleRejected) -> None:
        """The errors grouped by cause, with the rows that only follow from each."""
        self.stderr.write("")
        self.stderr.write(str(_("Pēc cēloņa:")))
        for group in error_groups(r.as_dict() for r in exc.rows):
            follows = "; ".join(f"{sheet} {n}" for sheet, n in group["knock_on"].items())
            line = _("%(count)s × %(sheet)s „%(column)s”: %(message)s (rindas: %(rows)s)") % {
                "count": group["count"],
                "sheet": group["sheet"],
                "column": group["column"],
                "message": group["message"],
                "rows": ", ".join(str(r) for r in group["rows"]),
            }
            if follows:
                line += " " + _("— no tā izriet: %(follows)s") % {"follows": follows}
            self.stderr.write(str(line))

    def _progress(self, done: int, total: int) -> None:
        if done == total or done % 100 == 0:
            self.stderr.write(f"\r{done}/{total}", ending="")
            self.stderr.flush()
