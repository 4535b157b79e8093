"""Writers in parallel transactions on PostgreSQL never fork the audit chain: each takes the
chain (pg_advisory_xact_lock) before it reads the previous event, so the next one links to
it once it commits. Transactional (real commits from several connections), so in a file of
its own."""

import threading

import pytest
from django.db import connection, transaction

from atbalsts.core.audit import AuditEventType, audit_record, chain_verify
from atbalsts.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WRITERS = 4
EACH = 5


def test_parallel_writers_do_not_fork_the_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (CI runs this on PostgreSQL)")
    start = AuditEvent.objects.count()
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with transaction.atomic():
                # every transaction is open before any writes its first event
                connection.cursor().execute("SELECT 1")
                barrier.wait(timeout=30)
                for i in range(EACH):
                    audit_record(
                        actor=None,
                        event_type=AuditEventType.CLIENT_VIEWED,
                        subject_type="people.client",
                        subject_id=f"{n}-{i}",
                    )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    links = list(AuditEvent.objects.order_by("id").values_list("prev_hash", flat=True))
    assert len(links) == start + WRITERS * EACH
    assert len(set(links)) == len(links), "two events link to the same previous event"
    report = chain_verify()
    assert report.problem == ""
    assert report.events == len(links)
