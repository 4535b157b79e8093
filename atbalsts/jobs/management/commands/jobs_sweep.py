"""Mark failed the jobs whose worker stopped (for cron; the worker also sweeps by itself)."""

from typing import Any

from django.core.management.base import BaseCommand

from atbalsts.jobs.services import sweep


class Command(BaseCommand):
    help = "Mark failed the background jobs whose worker stopped."

    def handle(self, *args: Any, **options: Any) -> None:
        marked = sweep()
        self.stdout.write(f"{marked} job(s) marked failed")
