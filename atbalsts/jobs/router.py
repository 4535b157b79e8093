"""Sends the jobs app's rows through the `jobs` database connection.

A job's work (a bundle import) runs in one transaction on the default connection; its progress
must be readable by other processes before that transaction ends. So job rows are written
through a second connection:

- on SQLite the `jobs` alias is another file (`var/jobs.sqlite3`): SQLite has one writer per
  file, and the import holds the default file's write lock;
- on PostgreSQL the `jobs` alias is the same database through its own connection, so the job
  table is created by the ordinary `migrate` on the default alias. (A jobs alias on another
  PostgreSQL database is not supported.)
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

APP = "jobs"
ALIAS = "jobs"


def shares_default_database() -> bool:
    """Whether the jobs alias is the default database reached through another connection:
    always, except for SQLite with another file. (Not a comparison of names: while the test
    databases are set up, the default alias already has its test name and the jobs alias not
    yet, and the jobs tables must still be migrated with the default's.)"""
    jobs = settings.DATABASES.get(ALIAS)
    default = settings.DATABASES["default"]
    if jobs is None:
        return True
    if "sqlite3" in str(jobs.get("ENGINE")) and "sqlite3" in str(default.get("ENGINE")):
        return bool(jobs.get("NAME") == default.get("NAME"))
    return True


class JobsRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        return ALIAS if model._meta.app_label == APP and ALIAS in settings.DATABASES else None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return self.db_for_read(model, **hints)

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        if shares_default_database():
            # One database: everything migrates on the default alias, nothing twice.
            return db != ALIAS
        if db == ALIAS:
            return app_label == APP
        return app_label != APP
