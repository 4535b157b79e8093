"""Schemathesis over the whole API: every operation, with a head's and an administrator's
token, positive and negative cases, against the WSGI application in-process, on a database
with a municipality's worth of records made by the factories. Zero server errors and zero
responses that the OpenAPI document does not describe (status code, content type, body).

Not part of the ordinary run (marker `fuzz`): `bin/test --fuzz` runs it, and CI does (step 4).
Each operation runs with generated path ids (mostly absent records) and, if it has path ids,
again on the first record of each kind (id 1). FUZZ_EXAMPLES sets the cases per operation and
mode (default 3: about 2 200 requests, one to two minutes).
"""

from __future__ import annotations

import logging
import os
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from atbalsts.accounts.services import api_token_create
from atbalsts.billing.tests.factories import record_sessions, submit
from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import make_delivery_world, make_letter
from atbalsts.people.services import consent_give

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db(databases=["default", "jobs"])]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MIN_CASES = 1_000


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """Django's WSGI handler inside the test's transaction: as Django's own test client does,
    the requests do not close the connection at their start and end."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(make_user: Any, balvi: Any, social_worker: Any, head: Any, admin_user: Any) -> dict:
    """A municipality's records (clients with consents, assessments, budgets, plans, letters,
    sessions, an invoice; providers and their staff) and the two tokens."""
    for n in range(2):
        world = make_delivery_world(worker=social_worker, head=head, municipality=balvi)
        consent_give(
            actor=social_worker,
            client=world.client,
            data={"purpose": "pseudonymised_evaluation", "given_on": world.periods[0].start},
        )
        letter = make_letter(world)
        if n == 0:
            record_sessions(letter, [3, 4, 10])
            submit(world)
    make_user(Role.ACCOUNTANT, balvi)
    return {
        role: api_token_create(actor=user, user=user, name=f"fuzz {role}")[1]
        for role, user in (("head", head), ("admin", admin_user))
    }


@pytest.fixture
def quiet_requests() -> Iterator[None]:
    """The 4xx answers are the point here: django.request need not log each of them."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def test_every_operation_answers_as_documented(
    wsgi_app: WSGIHandler, tokens: dict, quiet_requests: None
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    calls: Counter[str] = Counter()
    failures: dict[str, str] = {}
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 100

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, tokens, calls, failures)
        # and on records that exist: the first of each kind (generated ids mostly miss)
        names = [p.name for p in operation.path_parameters]
        if names:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _fuzz(operation, mode, tokens, calls, failures, dict.fromkeys(names, 1))

    seconds = time.monotonic() - started
    print(f"schemathesis: {sum(calls.values())} cases ({dict(calls)}) in {seconds:.0f} s")
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in sorted(failures.items()))
    assert sum(calls.values()) >= MIN_CASES * (EXAMPLES / 3) * 0.9


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    tokens: dict[str, str],
    calls: Counter[str],
    failures: dict[str, str],
    path_parameters: dict[str, int] | None = None,
) -> None:
    """EXAMPLES cases of one operation in one mode, each sent with every token; the first
    failure of each operation and token is kept (no shrinking: the report names it)."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def run(case: Any) -> None:
        for role, raw in tokens.items():
            calls[role] += 1
            try:
                case.call_and_validate(headers={"Authorization": f"Bearer {raw}"}, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as exc:  # reported by the test
                failures.setdefault(f"{operation.label} [{role}]", _describe(exc))

    run()


def _describe(exc: BaseException) -> str:
    text = str(exc) or "".join(traceback.format_exception_only(type(exc), exc))
    return text[:1500]
