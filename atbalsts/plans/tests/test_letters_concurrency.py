"""Letter numbers under concurrency: eight transactions taking a number at once never share
one (PostgreSQL's row lock on the counter). Transactional, so in a file of its own: the root
conftest.py runs such files after all the others."""

import threading

import pytest
from django.db import connection

from atbalsts.people.models import Municipality


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_letters_never_share_a_number(require_postgres):
    from django.db import transaction

    from atbalsts.plans.services.letters import _next_letter_number

    balvi = Municipality.objects.get(code="balvi")
    results: list[str] = []
    errors: list[BaseException] = []

    def take() -> None:
        try:
            with transaction.atomic():
                results.append(_next_letter_number(balvi, 2030)[1])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == [f"GV-BALVI-2030-{n:04d}" for n in range(1, 9)]
