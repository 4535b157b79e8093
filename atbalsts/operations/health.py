"""What /healthz reports: the database, the task workers' last heartbeat, the queue depth."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Max
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from atbalsts.jobs.models import WorkerHeartbeat
from atbalsts.jobs.router import ALIAS as JOBS_ALIAS

logger = logging.getLogger(__name__)

DEFAULT_MAX_HEARTBEAT_AGE = 120
DEFAULT_MAX_QUEUE_DEPTH = 1000


@dataclass(frozen=True)
class Health:
    database_ok: bool
    heartbeat_age_s: float | None
    queue_depth: int | None
    max_heartbeat_age_s: int
    max_queue_depth: int

    @property
    def workers_ok(self) -> bool:
        """Tasks waiting with no worker alive lately is a failure; an idle queue is not."""
        if not self.queue_depth:
            return True
        return self.heartbeat_age_s is not None and self.heartbeat_age_s <= self.max_heartbeat_age_s

    @property
    def healthy(self) -> bool:
        return (
            self.database_ok and self.workers_ok and (self.queue_depth or 0) <= self.max_queue_depth
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "database": "ok" if self.database_ok else "error",
            "worker_heartbeat_age_s": self.heartbeat_age_s,
            "queue_depth": self.queue_depth,
        }


def _setting(name: str, default: int) -> int:
    value = getattr(settings, name, default)
    return value if isinstance(value, int) and value >= 0 else default


def check_health() -> Health:
    """Three small queries; any database error is reported, never raised."""
    database_ok = True
    heartbeat_age: float | None = None
    depth: int | None = None
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        depth = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
        last = WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]
        if last is not None:
            heartbeat_age = round(max((timezone.now() - last).total_seconds(), 0.0), 1)
    except DatabaseError:
        logger.exception("healthz: the database did not answer")
        database_ok = False
    finally:
        # A failed connection must not stay in this worker for the next request.
        for alias in ("default", JOBS_ALIAS):
            if alias in connections.settings and not database_ok:
                connections[alias].close()
    return Health(
        database_ok=database_ok,
        heartbeat_age_s=heartbeat_age,
        queue_depth=depth,
        max_heartbeat_age_s=_setting("HEALTHZ_MAX_HEARTBEAT_AGE", DEFAULT_MAX_HEARTBEAT_AGE),
        max_queue_depth=_setting("HEALTHZ_MAX_QUEUE_DEPTH", DEFAULT_MAX_QUEUE_DEPTH),
    )
