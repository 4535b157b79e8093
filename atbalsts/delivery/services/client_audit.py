"""The audit event of a delivery step, filed under the client it concerns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.people.models import Client

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor


def audit_for_client(
    actor: Actor,
    event: AuditEventType,
    subject: models.Model,
    client: Client,
    extra: dict[str, object],
) -> None:
    audit_record(
        actor=actor,
        event_type=event,
        subject=subject,
        client_id=client.pk,
        municipality_id=client.municipality_id,
        extra_data=extra,
    )
