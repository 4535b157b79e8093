"""Remote delivery in an emergency (the 2020 amendment of the methodology): before remote
sessions of a service that is not remote by nature count, the social worker records for that
client and service whether remote delivery can keep the service's quality, with a note.

`remote_quality_problem` is the rule every recorded or imported session passes (called from
`checks.py`, one function the bulk import can call too); `remote_quality_decide` writes the
decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.catalog.models import ServiceType
from atbalsts.core.audit import AuditEventType, audit_for_client
from atbalsts.core.dates import dmy
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.validation import (
    add_error,
    date_field,
    id_or_none,
    raise_if_errors,
    refuse_unknown,
    text_field,
)
from atbalsts.people.models import Client

from ..models import RemoteQualityDecision
from ..policies import may_decide_remote_quality

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor


def remote_quality_decision_on(
    *, client_id: int, service_type_id: int, day: dt.date
) -> RemoteQualityDecision | None:
    """The decision in force on `day`: the latest made on or before it."""
    return (
        RemoteQualityDecision.objects.filter(
            client_id=client_id, service_type_id=service_type_id, decided_on__lte=day
        )
        .order_by("-decided_on", "-id")
        .first()
    )


def remote_quality_decisions_of(
    *, client_id: int, service_type_id: int
) -> list[RemoteQualityDecision]:
    """Every decision for a client and service, latest first (a bulk check reads them once)."""
    return list(
        RemoteQualityDecision.objects.filter(
            client_id=client_id, service_type_id=service_type_id
        ).order_by("-decided_on", "-id")
    )


def remote_quality_problem(
    *,
    client_id: int,
    service_type: ServiceType,
    day: dt.date,
    decisions: list[RemoteQualityDecision] | None = None,
) -> str | None:
    """Why a remote session of a service that is remote only by the emergency cannot count
    (a Latvian message for the `mode` field), or None when the social worker has decided
    that remote delivery keeps the service's quality. Services remote by nature need no
    decision; whether an emergency is declared is checked before this."""
    if service_type.remote_allowed:
        return None
    if decisions is None:
        decision = remote_quality_decision_on(
            client_id=client_id, service_type_id=service_type.pk, day=day
        )
    else:
        decision = next((d for d in decisions if d.decided_on <= day), None)
    if decision is None:
        return str(
            _(
                "Ārkārtas situācijā pakalpojumu „%(service)s” attālināti var uzskaitīt tikai "
                "pēc tam, kad sociālais darbinieks ir izvērtējis, vai attālināti tā kvalitāte "
                "saglabājas (metodikas grozījumi, 2020). Šim klientam līdz %(day)s tāda "
                "izvērtējuma nav."
            )
            % {"service": service_type.name_lv, "day": dmy(day)}
        )
    if not decision.keeps_quality:
        return str(
            _(
                "Sociālais darbinieks %(decided)s izvērtēja, ka pakalpojuma „%(service)s” "
                "kvalitāte attālināti šim klientam nesaglabājas: to var sniegt tikai klātienē."
            )
            % {"service": service_type.name_lv, "decided": dmy(decision.decided_on)}
        )
    return None


@transaction.atomic
def remote_quality_decide(
    *, actor: Actor, client: Client, data: Mapping[str, object]
) -> RemoteQualityDecision:
    """The social worker's decision for one client and service. A later decision replaces
    an earlier one from its day on; earlier sessions keep the decision of their day."""
    refuse_unknown(data, ("service_type", "keeps_quality", "note", "decided_on"))
    if not may_decide_remote_quality(actor, client):
        raise NotPermitted()
    errors: dict[str, list[str]] = {}
    service_type = _service_type(data.get("service_type"), errors)
    keeps = data.get("keeps_quality")
    if isinstance(keeps, str):
        keeps = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}.get(
            keeps.strip().lower()
        )
    if not isinstance(keeps, bool):
        add_error(errors, "keeps_quality", _("Norādiet, vai attālināti kvalitāte saglabājas."))
    note = text_field(data.get("note"), "note", errors, limit=2000, required=True)
    decided_on = date_field(data.get("decided_on"), "decided_on", errors, required=False)
    today = timezone.localdate()
    if decided_on is not None and decided_on > today:
        add_error(errors, "decided_on", _("Izvērtējuma datums nevar būt nākotnē."))
    raise_if_errors(errors)
    if service_type is None or not isinstance(keeps, bool):  # pragma: no cover - reported
        raise ValidationFailed({"service_type": [_("Obligāts lauks.")]})
    decision = RemoteQualityDecision.objects.create(
        client=client,
        service_type=service_type,
        keeps_quality=keeps,
        note=note,
        decided_on=decided_on or today,
        decided_by=actor,
    )
    audit_for_client(
        actor,
        AuditEventType.DELIVERY_REMOTE_QUALITY_DECIDED,
        decision,
        client,
        {
            "service_type": service_type.pk,
            "keeps_quality": keeps,
            "decided_on": decision.decided_on.isoformat(),
        },
    )
    return decision


def _service_type(value: object, errors: dict[str, list[str]]) -> ServiceType | None:
    if isinstance(value, ServiceType):
        return value
    if value in (None, ""):
        add_error(errors, "service_type", _("Obligāts lauks."))
        return None
    service_id = id_or_none(value)
    found = ServiceType.objects.filter(pk=service_id).first() if service_id else None
    if found is None:
        add_error(errors, "service_type", _("Šāda pakalpojuma katalogā nav."))
    return found
