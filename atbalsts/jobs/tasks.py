"""The tasks the worker runs (Django's Tasks API through the django-tasks backport: on Django 6
the import becomes `from django.tasks import task`). Each takes only its job's id and hands
the work to `services.run_job`, which records how it ended; the work itself lives with its
domain."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from .services import run_job

BUNDLE_IMPORT = "bundle.import"
SESSIONS_IMPORT = "delivery.import"
ATTENDANCE_SHEETS = "delivery.sheets"
LETTERS_BATCH = "plans.letters"


@task()
def bundle_import(job_id: int) -> None:
    from atbalsts.bundle.progress import import_work

    run_job(job_id, import_work)


@task()
def sessions_import(job_id: int) -> None:
    from atbalsts.delivery.progress import import_work

    run_job(job_id, import_work)


@task()
def attendance_sheets(job_id: int) -> None:
    from atbalsts.delivery.batches import sheets_work

    run_job(job_id, sheets_work)


@task()
def letters_batch(job_id: int) -> None:
    from atbalsts.plans.batches import letters_work

    run_job(job_id, letters_work)


# A job's kind → the task that runs it (services.job_create looks it up).
TASKS: dict[str, Any] = {
    BUNDLE_IMPORT: bundle_import,
    SESSIONS_IMPORT: sessions_import,
    ATTENDANCE_SHEETS: attendance_sheets,
    LETTERS_BATCH: letters_batch,
}
