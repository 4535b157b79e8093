"""The scheduled daily run as a task of Django's Tasks framework (django-tasks).

`reminders_daily` runs the reminder rules and the mails for the day, then queues itself for
the next morning (06:00 Riga time) with `run_after`, when the backend supports deferred tasks
(the database backend does). Queuing is idempotent: if a run is already waiting, no second one
is added, so starting the schedule twice, or running the task by hand, keeps one chain.
Called directly (`reminders_daily.call()`), it does the same."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from .run import next_run_after, run_daily

logger = logging.getLogger(__name__)


@task()
def reminders_daily(day: str = "", schedule: bool = True) -> dict[str, object]:
    """`day` GGGG-MM-DD (default: today in Riga); returns the counts (JSON for the result)."""
    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    result = run_daily(today).as_dict()
    if schedule:
        schedule_next()
    return result


def schedule_next(now: dt.datetime | None = None) -> dt.datetime | None:
    """Queue the next daily run unless one is already waiting; None if the backend cannot
    defer a task (then schedule `manage.py reminders_run` with cron instead)."""
    backend = reminders_daily.get_backend()
    if not backend.supports_defer:
        return None
    run_after = next_run_after(now or timezone.now())
    if _already_queued():
        return run_after
    reminders_daily.using(run_after=run_after).enqueue()
    return run_after


def _already_queued() -> bool:
    """Whether a run of `reminders_daily` waits in the database backend's queue."""
    try:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend: it keeps its own queue
        return False
    return DBTaskResult.objects.filter(
        task_path=reminders_daily.module_path, status=TaskResultStatus.READY
    ).exists()
