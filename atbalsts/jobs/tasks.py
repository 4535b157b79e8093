"""The tasks the worker runs (Django's Tasks API through the django-tasks backport: on Django 6
the import becomes `from django.tasks import task`). Each takes only its job's id and hands
the work to `services.run_job`, which records how it ended; the work itself lives with its
domain."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from .services import run_job

BUNDLE_IMPORT = "bundle.import"


@task()
def bundle_import(job_id: int) -> None:
    from atbalsts.bundle.progress import import_work

    run_job(job_id, import_work)


# A job's kind → the task that runs it (services.job_create looks it up).
TASKS: dict[str, Any] = {BUNDLE_IMPORT: bundle_import}
