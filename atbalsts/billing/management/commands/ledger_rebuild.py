"""Recompute the report roll-ups from the monthly spend ledger.

    manage.py ledger_rebuild [--user ADMIN] [--now]

Without --now the rebuild is queued as a background job (the worker runs it; the job's id is
printed, its state is on the administrator's "Mani fona darbi" with --user, and in /admin/).
With --now it runs here, in this process, and prints how it went.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from atbalsts.core.errors import NotPermitted
from atbalsts.jobs.ledger import ledger_rebuild_start, rebuild_work
from atbalsts.jobs.models import Job, JobStatus
from atbalsts.jobs.services import job_create_system, run_job
from atbalsts.jobs.tasks import LEDGER_REBUILD


class Command(BaseCommand):
    help = "Pārrēķina pārskatu kopsummas no budžeta izlietojuma virsgrāmatas (fona darbs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="izpildīt tūlīt šajā procesā")
        parser.add_argument("--user", help="administratora lietotājvārds, kura vārdā sākt darbu")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Nav lietotāja {options['user']}.")
        now = bool(options["now"])
        try:
            with transaction.atomic():
                if user is not None:  # the same permission as the button
                    job = ledger_rebuild_start(actor=user, enqueue=not now)
                else:
                    job = job_create_system(
                        kind=LEDGER_REBUILD, title="manage.py ledger_rebuild", enqueue=not now
                    )
        except NotPermitted as exc:
            raise CommandError(str(exc.message)) from exc
        if not now:
            self.stdout.write(f"Darbs #{job.pk} ielikts rindā.")
            return
        run_job(job.pk, rebuild_work)
        job = Job.objects.get(pk=job.pk)
        if job.status != JobStatus.DONE:
            raise CommandError(job.message)
        counts = ", ".join(f"{k}={v}" for k, v in job.result.items())
        self.stdout.write(f"Darbs #{job.pk} pabeigts: {counts}")
