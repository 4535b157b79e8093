"""Intake and case assignment: referrals, the head's decision on them, who holds a case."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_record, diff, masked, snapshot
from atbalsts.core.errors import DomainError, ValidationFailed
from atbalsts.core.policies import Action
from atbalsts.core.roles import Role
from atbalsts.core.validation import (
    add_error,
    add_model_field_errors,
    assign_fields,
    raise_if_errors,
)

from ..models import CaseAssignment, Client, Municipality, Referral, ReferralDecision
from ..policies import client_policy, referral_policy
from .checks import Fields, check_personal_code
from .clients import audit_case_assigned, client_create

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

REFERRAL_FIELDS = (
    "target_group",
    "first_name",
    "last_name",
    "personal_code",
    "referred_by",
    "referred_on",
    "reason",
)


def _validate_referral(referral: Referral) -> None:
    errors: dict[str, list[str]] = {}
    add_model_field_errors(
        referral,
        errors,
        exclude=["municipality", "personal_code", "decided_by", "client", "decided_on"],
    )
    check_personal_code(referral, errors, required=False)
    if referral.referred_on and referral.referred_on > timezone.localdate():
        add_error(errors, "referred_on", _("Nosūtījuma datums nevar būt nākotnē."))
    raise_if_errors(errors)


@transaction.atomic
def referral_create(*, actor: Actor, municipality: Municipality, data: Fields) -> Referral:
    referral_policy.require(actor, Action.CREATE, municipality)
    referral = Referral(municipality=municipality)
    assign_fields(referral, data, REFERRAL_FIELDS)
    _validate_referral(referral)
    referral.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.REFERRAL_CREATED,
        subject=referral,
        municipality_id=municipality.pk,
        extra_data={"values": masked(snapshot(referral, REFERRAL_FIELDS))},
    )
    return referral


@transaction.atomic
def referral_update(*, actor: Actor, referral: Referral, data: Fields) -> Referral:
    referral_policy.require(actor, Action.CHANGE, referral)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.decision == ReferralDecision.ACCEPTED:
        raise DomainError(_("Uzņemta kandidāta nosūtījumu vairs nemaina; labojiet klienta datus."))
    before = snapshot(referral, REFERRAL_FIELDS)
    assign_fields(referral, data, REFERRAL_FIELDS)
    _validate_referral(referral)
    changes = diff(before, snapshot(referral, REFERRAL_FIELDS))
    if changes:
        referral.save()
        audit_record(
            actor=actor,
            event_type=AuditEventType.REFERRAL_CHANGED,
            subject=referral,
            municipality_id=referral.municipality_id,
            extra_data={"changes": changes},
        )
    return referral


@transaction.atomic
def referral_decide(
    *,
    actor: Actor,
    referral: Referral,
    decision: str,
    reason: str = "",
    decided_on: dt.date | None = None,
    client_data: Fields | None = None,
) -> Referral:
    """Record a selection decision. Accepting registers the candidate as a client."""
    referral_policy.require(actor, Action.DECIDE, referral)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.decision == ReferralDecision.ACCEPTED:
        raise DomainError(_("Kandidāts jau ir uzņemts."))
    if decision not in ReferralDecision.values or decision == ReferralDecision.PENDING:
        raise ValidationFailed({"decision": [_("Izvēlieties lēmumu.")]})
    reason = reason.strip()
    if decision == ReferralDecision.DECLINED and not reason:
        raise ValidationFailed({"decision_reason": [_("Atteikumam norādiet iemeslu.")]})
    day = decided_on or timezone.localdate()
    if day < referral.referred_on:
        raise ValidationFailed({"decided_on": [_("Lēmums nevar būt pieņemts pirms nosūtījuma.")]})
    if decision == ReferralDecision.ACCEPTED:
        values = {
            "target_group": referral.target_group,
            "first_name": referral.first_name,
            "last_name": referral.last_name,
            "personal_code": referral.personal_code,
            "start_date": day,
            **(client_data or {}),
        }
        referral.client = client_create(
            actor=actor, municipality=referral.municipality, data=values
        )
    referral.decision = decision
    referral.decision_reason = reason[:500]
    referral.decided_on = day
    referral.decided_by = actor
    referral.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.REFERRAL_DECIDED,
        subject=referral,
        client_id=referral.client_id,
        municipality_id=referral.municipality_id,
        extra_data={"decision": decision, "reason": referral.decision_reason},
    )
    return referral


@transaction.atomic
def case_assign(
    *, actor: Actor, client: Client, social_worker: Actor, start_date: dt.date
) -> CaseAssignment:
    """Give the case to a social worker from `start_date`.

    The previous holder's assignment ends the day before."""
    client_policy.require(actor, Action.ASSIGN, client)
    if (
        getattr(social_worker, "role", None) != Role.SOCIAL_WORKER
        or social_worker.municipality_id != client.municipality_id
        or not social_worker.is_active
    ):
        raise ValidationFailed(
            {"social_worker": [_("Izvēlieties aktīvu šīs pašvaldības sociālo darbinieku.")]}
        )
    current = (
        CaseAssignment.objects.select_for_update()
        .filter(client=client, end_date__isnull=True)
        .first()
    )
    if current is not None:
        if current.social_worker_id == social_worker.pk:
            raise DomainError(_("Lieta jau ir piešķirta šim darbiniekam."))
        if start_date == current.start_date:
            # the same day (a client registered today by one social worker and given to
            # another): the case changes hands from its start, nobody held it in between
            current.social_worker = social_worker
            current.save(update_fields=["social_worker", "updated_at"])
            audit_case_assigned(actor, current)
            return current
        if start_date < current.start_date:
            raise ValidationFailed(
                {"start_date": [_("Jaunam piešķīrumam jāsākas pēc pašreizējā sākuma datuma.")]}
            )
        current.end_date = start_date - dt.timedelta(days=1)
        current.save(update_fields=["end_date", "updated_at"])
        audit_record(
            actor=actor,
            event_type=AuditEventType.CASE_ENDED,
            subject=current,
            client_id=client.pk,
            municipality_id=client.municipality_id,
            extra_data={"end_date": current.end_date.isoformat()},
        )
    assignment = CaseAssignment.objects.create(
        client=client, social_worker=social_worker, start_date=start_date
    )
    audit_case_assigned(actor, assignment)
    return assignment
