"""Whether a provider may be chosen for a service on a day: the check plan lines make."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.dates import dmy
from atbalsts.core.errors import NotPermitted
from atbalsts.core.policies import Action

from ..errors import ProviderInactive, ProviderNotQualified, ServiceTypeRetired
from ..models import Provider, ServiceType
from ..policies import provider_policy
from ..selectors import RegistrationStatus, provider_registration_status
from .rules import provider_audit


@dataclass(frozen=True)
class ProviderChoice:
    status: str
    override_reason: str = ""

    @property
    def overridden(self) -> bool:
        return bool(self.override_reason)


@transaction.atomic
def provider_choice_check(
    *,
    actor: Actor,
    provider: Provider,
    service_type: ServiceType,
    day: dt.date,
    override_reason: str = "",
) -> ProviderChoice:
    """May `provider` be chosen for `service_type` on `day`? Plan lines call this.

    An inactive provider or a retired service type is refused outright. A provider whose
    registration for the service is lapsed or missing is refused with ProviderNotQualified
    unless the actor gives a reason; the override is then audited and returned.
    """
    if not provider_policy.can(actor, Action.VIEW, provider):
        raise NotPermitted()
    if not provider.active:
        raise ProviderInactive(
            _("Sniedzējs „%(name)s” nav aktīvs.") % {"name": provider.name}, field="provider"
        )
    if service_type.is_retired_on(day):
        raise ServiceTypeRetired(
            _("Pakalpojuma veids „%(service)s” ir izņemts no lietošanas no %(day)s.")
            % {"service": service_type.name_lv, "day": dmy(service_type.retired_at)},
            field="service_type",
        )
    status = provider_registration_status(provider=provider, service_type=service_type, day=day)
    if status == RegistrationStatus.OK:
        return ProviderChoice(status=status)
    reason = (override_reason or "").strip()
    if not reason:
        message = (
            _(
                "Sniedzēja „%(name)s” reģistrācijas termiņš pakalpojumam „%(service)s” %(day)s "
                "ir beidzies. Izvēlieties citu sniedzēju vai norādiet izņēmuma pamatojumu."
            )
            if status == RegistrationStatus.LAPSED
            else _(
                "Sniedzējs „%(name)s” nav reģistrēts pakalpojumam „%(service)s” %(day)s. "
                "Izvēlieties citu sniedzēju vai norādiet izņēmuma pamatojumu."
            )
        )
        raise ProviderNotQualified(
            message % {"name": provider.name, "service": service_type.name_lv, "day": dmy(day)},
            field="override_reason",
        )
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_REGISTRATION_OVERRIDDEN,
        subject=provider,
        extra_data={
            "service_type": service_type.pk,
            "day": day.isoformat(),
            "status": status,
            "reason": reason,
        },
        **provider_audit(provider),
    )
    return ProviderChoice(status=status, override_reason=reason)
