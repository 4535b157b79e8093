"""The task worker: django-tasks-db's `db_worker`, plus this process's heartbeat and the sweep.

A thread beside the worker loop writes the process's WorkerHeartbeat row and, at start and
every JOBS_SWEEP_EVERY_SECONDS, sweeps jobs whose worker stopped (services.sweep). Each
running job also beats by itself (services.run_job), so the sweep needs nothing from here to
find a dead job; this row only tells operators which workers are alive. Every option of
db_worker applies (`--queue-name`, `--interval`, `--batch`, `--no-reload`, …); several
workers may run at once, on one host or many (on PostgreSQL tasks are claimed with
SELECT … FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from atbalsts.jobs.models import WorkerHeartbeat
from atbalsts.jobs.services import heartbeat_seconds, sweep

logger = logging.getLogger("atbalsts.jobs")


class Beat(threading.Thread):
    def __init__(self, name: str, every: float, sweep_every: float) -> None:
        super().__init__(name="jobs-worker-heartbeat", daemon=True)
        self.worker = name
        self.every = every
        self.sweep_every = sweep_every
        self.stopped = threading.Event()

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker=self.worker, defaults={"beat_at": timezone.now()}
        )

    def run(self) -> None:
        since_sweep = 0.0
        try:
            while True:
                try:
                    self.beat()
                    if since_sweep <= 0:
                        sweep()
                        since_sweep = self.sweep_every
                except DatabaseError as exc:
                    logger.warning("worker heartbeat not written: %s", exc)
                if self.stopped.wait(self.every):
                    break
                since_sweep -= self.every
            WorkerHeartbeat.objects.filter(worker=self.worker).delete()
        except DatabaseError:
            pass
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopped.set()


class Command(DbWorkerCommand):
    help = "Run the background task worker, with its heartbeat and the sweep of dead jobs."

    def handle(self, *args: Any, **options: Any) -> None:
        beat: Beat | None = None
        # With --reload the parent process only watches the files: the child does the work.
        if not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            name = f"{socket.gethostname()}:{os.getpid()}"[:200]
            sweep_every = float(getattr(settings, "JOBS_SWEEP_EVERY_SECONDS", 60 * 60))
            beat = Beat(name, heartbeat_seconds(), sweep_every)
            beat.start()
        try:
            super().handle(*args, **options)
        finally:
            if beat is not None:
                beat.stop()
                beat.join(timeout=5)
