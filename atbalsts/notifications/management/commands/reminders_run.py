"""`manage.py reminders_run [--date GGGG-MM-DD] [--no-mail] [--schedule]`: the daily reminder
run now (the same as the scheduled `reminders_daily` task), printing how many notifications of
each kind were created. Safe to run again: nothing is created twice. For cron in production:

    0 6 * * *  cd /srv/atbalsts && .venv/bin/python manage.py reminders_run
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from atbalsts.core.dates import dmy, parse_day

from ...models import NotificationKind
from ...run import run_daily
from ...tasks import schedule_next


class Command(BaseCommand):
    help = "Izveido atgādinājumus (paziņojumus) par šodienu un nosūta e-pastus."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", default="", help="GGGG-MM-DD (noklusējums: šodiena)")
        parser.add_argument("--no-mail", action="store_true", help="nesūtīt e-pastus")
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="arī ieplānot nākamo ikdienas palaišanu darba procesam (reminders_daily)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = str(options["date"] or "").strip()
        if text:
            try:
                today = parse_day(text)
            except ValueError as exc:
                raise CommandError(f"Nederīgs datums: {text!r} (GGGG-MM-DD).") from exc
        else:
            today = timezone.localdate()
        result = run_daily(today, mail=not options["no_mail"])
        self.stdout.write(f"Atgādinājumi {dmy(today)}:")
        for kind in NotificationKind:
            self.stdout.write(f"  {kind.value}: {result.counts.get(kind.value, 0)}")
        self.stdout.write(f"  kopā: {result.total}")
        if result.mail:
            self.stdout.write(
                "E-pasti: {single} atsevišķi, {digests} apkopojumi, {failed} neizdevās".format(
                    **result.mail
                )
            )
            if "appointments" in result.mail:
                self.stdout.write(
                    f"Atgādinājumi personām par rītdienas tikšanos: {result.mail['appointments']}"
                )
        if options["schedule"]:
            when = schedule_next()
            if when is None:
                self.stdout.write("Uzdevumu aizmugure nevar atlikt uzdevumus: lietojiet cron.")
            else:
                self.stdout.write(f"Nākamā palaišana: {when.isoformat()}")
        if result.failed:
            raise CommandError("Neizdevās kārtulas: " + ", ".join(result.failed))
