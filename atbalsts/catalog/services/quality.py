"""A provider's free places per service (entered by its own staff) and complaints about the
quality of its services (recorded by the social service, also for the person)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.validation import (
    add_error,
    choice_field,
    date_field,
    id_or_none,
    int_field,
    raise_if_errors,
    refuse_unknown,
    text_field,
)

from ..models import ComplaintSource, Provider, ProviderCapacity, ProviderComplaint, ServiceType
from ..policies import provider_quality_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

MAX_FREE_PLACES = 10000


def _service(value: object, errors: dict[str, list[str]], *, required: bool) -> ServiceType | None:
    if isinstance(value, ServiceType):
        return value
    if value in (None, ""):
        if required:
            add_error(errors, "service_type", _("Obligāts lauks."))
        return None
    service_id = id_or_none(value)
    found = ServiceType.objects.filter(pk=service_id).first() if service_id else None
    if found is None:
        add_error(errors, "service_type", _("Šāda pakalpojuma katalogā nav."))
    return found


@transaction.atomic
def capacity_set(
    *, actor: Actor, provider: Provider, data: Mapping[str, object]
) -> ProviderCapacity:
    """The provider's staff say how many free places they have for a service now."""
    refuse_unknown(data, ("service_type", "free_places", "note"))
    if not provider_quality_policy.may_set_capacity(actor, provider):
        raise NotPermitted()
    errors: dict[str, list[str]] = {}
    service = _service(data.get("service_type"), errors, required=True)
    places = int_field(
        data.get("free_places"),
        "free_places",
        errors,
        low=0,
        high=MAX_FREE_PLACES,
        required=True,
        message=_("Brīvo vietu skaitam jābūt veselam skaitlim no 0 līdz %(max)s.")
        % {"max": MAX_FREE_PLACES},
    )
    note = text_field(data.get("note"), "note", errors, limit=300)
    raise_if_errors(errors)
    if service is None or places is None:  # pragma: no cover - reported above
        raise ValidationFailed({"free_places": [_("Obligāts lauks.")]})
    capacity, _created = ProviderCapacity.objects.update_or_create(
        provider=provider,
        service_type=service,
        defaults={"free_places": places, "note": note, "updated_by": actor},
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_CAPACITY_SET,
        subject=capacity,
        extra_data={"provider": provider.pk, "service_type": service.pk, "free_places": places},
    )
    return capacity


@transaction.atomic
def complaint_record(
    *, actor: Actor, provider: Provider, data: Mapping[str, object]
) -> ProviderComplaint:
    """Record a complaint about a provider's quality in the social worker's municipality:
    their own, or the person's or representative's that they took down. The summary names no
    person and no health detail."""
    refuse_unknown(data, ("service_type", "received_on", "source", "summary"))
    municipality_id = getattr(actor, "municipality_id", None)
    if municipality_id is None or not provider_quality_policy.may_record_complaint(
        actor, municipality_id
    ):
        raise NotPermitted()
    errors: dict[str, list[str]] = {}
    service = _service(data.get("service_type"), errors, required=False)
    received_on = date_field(data.get("received_on"), "received_on", errors)
    if received_on is not None and received_on > timezone.localdate():
        add_error(errors, "received_on", _("Datums nevar būt nākotnē."))
    source = choice_field(data.get("source"), "source", errors, ComplaintSource, required=True)
    summary = text_field(data.get("summary"), "summary", errors, limit=1000, required=True)
    raise_if_errors(errors)
    if received_on is None:  # pragma: no cover - reported above
        raise ValidationFailed({"received_on": [_("Obligāts lauks.")]})
    complaint = ProviderComplaint.objects.create(
        municipality_id=municipality_id,
        provider=provider,
        service_type=service,
        received_on=received_on,
        source=source,
        summary=summary,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_COMPLAINT_RECORDED,
        subject=complaint,
        municipality_id=municipality_id,
        extra_data={
            "provider": provider.pk,
            "service_type": service.pk if service else None,
            "source": source,
            "received_on": received_on.isoformat(),
        },
    )
    return complaint


@transaction.atomic
def complaint_resolve(
    *, actor: Actor, complaint: ProviderComplaint, data: Mapping[str, object]
) -> ProviderComplaint:
    """Write how a complaint was resolved and when."""
    refuse_unknown(data, ("resolution", "resolved_on"))
    complaint = ProviderComplaint.objects.select_for_update().get(pk=complaint.pk)
    if not provider_quality_policy.may_record_complaint(actor, complaint.municipality_id):
        raise NotPermitted()
    errors: dict[str, list[str]] = {}
    if complaint.resolved_on is not None:
        add_error(errors, "resolution", _("Sūdzība jau ir atrisināta."))
    resolution = text_field(data.get("resolution"), "resolution", errors, limit=1000, required=True)
    resolved_on = date_field(data.get("resolved_on"), "resolved_on", errors)
    if resolved_on is not None and resolved_on < complaint.received_on:
        add_error(errors, "resolved_on", _("Atrisināta nevar būt pirms saņemšanas."))
    if resolved_on is not None and resolved_on > timezone.localdate():
        add_error(errors, "resolved_on", _("Datums nevar būt nākotnē."))
    raise_if_errors(errors)
    complaint.resolution = resolution
    complaint.resolved_on = resolved_on
    complaint.save(update_fields=["resolution", "resolved_on", "updated_at"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_COMPLAINT_RESOLVED,
        subject=complaint,
        municipality_id=complaint.municipality_id,
        extra_data={"resolved_on": resolved_on.isoformat() if resolved_on else None},
    )
    return complaint
