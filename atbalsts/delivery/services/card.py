"""Audit of reading the shared client card: others' conclusions and evidence files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from atbalsts.core.audit import AuditEventType, audit_for_client
from atbalsts.core.policies import Action
from atbalsts.people.models import Client

from ..models import Session
from ..policies import delivery_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor


def conclusion_view_record(*, actor: Actor, client: Client, session_ids: list[int]) -> None:
    """A specialist's conclusion is health data: reading it (with consent) is an audit event."""
    if session_ids:
        audit_for_client(
            actor,
            AuditEventType.DELIVERY_CONCLUSION_VIEWED,
            client,
            client,
            {"sessions": session_ids},
        )


def evidence_download_record(*, actor: Actor, session: Session) -> None:
    delivery_policy.require(actor, Action.VIEW_NOTES, session)
    audit_for_client(
        actor, AuditEventType.DELIVERY_EVIDENCE_DOWNLOADED, session, session.client, {}
    )
