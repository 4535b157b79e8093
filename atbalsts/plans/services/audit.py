"""The audit event every plan service writes, filed under the plan's client and municipality."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models

from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.people.models import Client


def plan_audit(
    actor: Actor,
    event: AuditEventType,
    subject: models.Model,
    client: Client,
    extra: Mapping[str, object],
) -> None:
    audit_record(
        actor=actor,
        event_type=event,
        subject=subject,
        client_id=client.pk,
        municipality_id=client.municipality_id,
        extra_data=dict(extra),
    )
