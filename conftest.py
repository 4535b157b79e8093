"""Fixtures shared by every app's tests."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from atbalsts.accounts.tests.factories import UserFactory
from atbalsts.core.roles import Role
from atbalsts.people.models import Municipality


@pytest.fixture
def balvi(db: Any) -> Municipality:
    return Municipality.objects.get(code="balvi")


@pytest.fixture
def tukums(db: Any) -> Municipality:
    return Municipality.objects.get(code="tukums")


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    def make(
        role: Role = Role.SOCIAL_WORKER, municipality: Municipality | None = None, **kwargs: Any
    ) -> Any:
        return UserFactory(role=role, municipality=municipality, **kwargs)

    return make


@pytest.fixture
def social_worker(make_user: Callable[..., Any], balvi: Municipality) -> Any:
    return make_user(Role.SOCIAL_WORKER, balvi)


@pytest.fixture
def head(make_user: Callable[..., Any], balvi: Municipality) -> Any:
    return make_user(Role.HEAD, balvi)


@pytest.fixture
def admin_user(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.ADMIN, None, is_staff=True, is_superuser=True)


@pytest.fixture
def require_postgres(db: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (CI runs this on PostgreSQL)")


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A transactional test flushes the database when it ends, taking the municipalities and
    the service catalogue (loaded by data migrations) with it; every later test would then
    fail depending on the order. Such tests must restore them with serialized_rollback.

    Files with a test marked slow run first: bin/test hands whole files to its parallel
    workers in this order, so a minutes-long file starts at once instead of last. Files with a
    transactional test run last: after the flush a worker may only take other such files,
    whose tests reload the data first (serialized_rollback). So a transactional test lives in
    a file with no ordinary tests (a test checks it)."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    flushing_files = {item.path for item in items if _is_transactional(item)}
    mixed = sorted(
        str(item.path)
        for item in items
        if item.path in flushing_files and not _is_transactional(item)
    )
    if mixed:
        raise pytest.UsageError(
            f"{mixed[0]}: a file with a transactional test may hold no other tests"
        )
    items.sort(key=lambda item: (item.path in flushing_files, item.path not in slow_files))
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: use django_db(transaction=True, serialized_rollback=True)"
            )
