"""Demo-like data for the backup round trip, made through the services by the factories:
a client whose invoice was approved (so the ledger has rows), ledger rows in a second
municipality, a job's heartbeat in the jobs database, an uploaded file, and timestamps with
microseconds. Run in the round trip's subprocess: `manage.py shell -c "…seed()"`."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from atbalsts.accounts.tests.factories import UserFactory
from atbalsts.billing.tests.factories import approved, record_sessions, submit
from atbalsts.catalog.models import ServiceType
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import make_delivery_world, make_letter
from atbalsts.jobs.models import WorkerHeartbeat
from atbalsts.people.models import Client, Municipality
from atbalsts.people.tests.factories import make_client
from atbalsts.reporting.tests.factories import make_spend

EXACT = dt.datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=dt.UTC)


def seed() -> None:
    balvi = Municipality.objects.get(code="balvi")
    tukums = Municipality.objects.get(code="tukums")
    worker = UserFactory(role=Role.SOCIAL_WORKER, municipality=balvi)
    head = UserFactory(role=Role.HEAD, municipality=balvi)
    accountant = UserFactory(role=Role.ACCOUNTANT, municipality=balvi)
    world = make_delivery_world(worker=worker, head=head, municipality=balvi)
    letter = make_letter(world)
    record_sessions(letter, [3, 4, 5])
    approved(world, submit(world), accountant)

    tukums_worker = UserFactory(role=Role.SOCIAL_WORKER, municipality=tukums)
    service = ServiceType.objects.order_by("pk").first()
    assert service is not None
    for n, month in enumerate((dt.date(2025, 11, 1), dt.date(2025, 12, 1)), start=1):
        client = make_client(actor=tukums_worker, municipality=tukums, first_name=f"Ilze{n}")
        make_spend(client=client, service_type=service, month=month, amount=f"{n}33.07")

    # The audit log is append-only: its events keep the microseconds of their own writing.
    assert any(t.microsecond for t in AuditEvent.objects.values_list("created_at", flat=True))
    Client.objects.filter(pk=Client.objects.order_by("pk").values("pk")[:1]).update(
        created_at=EXACT
    )
    WorkerHeartbeat.objects.create(worker="host-1:42", beat_at=EXACT)
    default_storage.save("evidence/roundtrip.txt", ContentFile(b"evidence"))
    private = Path(settings.PRIVATE_MEDIA_ROOT) / "delivery" / "secret.pdf"
    private.parent.mkdir(parents=True, exist_ok=True)
    private.write_bytes(b"private")
