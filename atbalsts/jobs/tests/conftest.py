"""Running a queued job the way the worker does, inside the test."""

from typing import Any

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from atbalsts.accounts.tests.factories import UserFactory
from atbalsts.core.roles import Role


def worker() -> Worker:
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def run_queued() -> int:
    """Run every queued task through django-tasks-db's worker (its claim, then the task);
    returns how many ran."""
    ran = 0
    for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
        result.claim("test-worker")
        worker().run_task(result)
        ran += 1
    return ran


@pytest.fixture(autouse=True)
def _uploads(settings: Any, tmp_path: Any) -> Any:
    settings.JOBS_UPLOAD_DIR = tmp_path / "uploads"
    return settings.JOBS_UPLOAD_DIR


@pytest.fixture
def accountant(make_user: Any, balvi: Any) -> Any:
    return make_user(Role.ACCOUNTANT, balvi)


@pytest.fixture
def head_of(db: Any) -> Any:
    def make(municipality: Any) -> Any:
        return UserFactory(role=Role.HEAD, municipality=municipality)

    return make
