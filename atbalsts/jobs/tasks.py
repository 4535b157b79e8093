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
REPORT_EXPORT = "reporting.pilot_export"
REPORT_EXTRACT = "reporting.extract"
LEDGER_REBUILD = "billing.ledger_rebuild"
REGISTERS_IMPORT = "registers.import"
ADDRESSES_IMPORT = "addresses.import"


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


@task()
def report_export(job_id: int) -> None:
    from atbalsts.reporting.background import export_work

    run_job(job_id, export_work)


@task()
def report_extract(job_id: int) -> None:
    from atbalsts.reporting.background import extract_work

    run_job(job_id, extract_work)


@task()
def ledger_rebuild(job_id: int) -> None:
    from .ledger import rebuild_work

    run_job(job_id, rebuild_work)


@task()
def registers_import(job_id: int) -> None:
    from atbalsts.registers.progress import register_work

    run_job(job_id, register_work)


@task()
def addresses_import(job_id: int) -> None:
    from atbalsts.registers.progress import addresses_work

    run_job(job_id, addresses_work)


# A job's kind → the task that runs it (services.job_create looks it up).
TASKS: dict[str, Any] = {
    BUNDLE_IMPORT: bundle_import,
    SESSIONS_IMPORT: sessions_import,
    ATTENDANCE_SHEETS: attendance_sheets,
    LETTERS_BATCH: letters_batch,
    REPORT_EXPORT: report_export,
    REPORT_EXTRACT: report_extract,
    LEDGER_REBUILD: ledger_rebuild,
    REGISTERS_IMPORT: registers_import,
    ADDRESSES_IMPORT: addresses_import,
}
