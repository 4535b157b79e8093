"""Writes to the people register. Each checks permission, enforces the rules, and audits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

from django.db import transaction
from django.db.models import ProtectedError
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

from .models import (
    CaseAssignment,
    Client,
    Consent,
    Municipality,
    Referral,
    ReferralDecision,
    Representative,
    SupportCircleMember,
    TargetGroup,
)
from .personal_code import InvalidPersonalCode, parse_personal_code
from .policies import client_policy, referral_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

ADULT_AGE = 18

# What a page's form, an API payload or an imported row gives a service: field name → value,
# often only some of the fields (a change). The names a service takes are its *_FIELDS below;
# any other name is refused with a field error (core.validation.assign_fields).
Fields: TypeAlias = Mapping[str, object]

CLIENT_FIELDS = (
    "target_group",
    "status",
    "first_name",
    "last_name",
    "personal_code",
    "date_of_birth",
    "start_date",
    "disability_group",
    "disability_valid_until",
    "legal_capacity",
    "address",
    "phone",
    "email",
    "languages",
    "notes",
)
REPRESENTATIVE_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "personal_code",
    "authority",
    "valid_from",
    "valid_to",
    "phone",
    "email",
)
CIRCLE_FIELDS = ("first_name", "last_name", "relation", "phone", "notes")
REFERRAL_FIELDS = (
    "target_group",
    "first_name",
    "last_name",
    "personal_code",
    "referred_by",
    "referred_on",
    "reason",
)


class DuplicateClient(DomainError):
    code = "duplicate_client"
    default_message = _("Klients ar šo personas kodu jau ir reģistrēts.")


class ClientInUse(DomainError):
    code = "client_in_use"
    default_message = _("Klientu nevar dzēst: uz viņu attiecas citi ieraksti. Slēdziet lietu.")


# --- helpers ---------------------------------------------------------------------------------


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _check_personal_code(
    instance: Client | Representative | Referral, errors: dict[str, list[str]], *, required: bool
) -> dt.date | None:
    """Normalise the instance's personal code in place; return the birth date it holds."""
    raw = instance.personal_code or ""
    if not raw.strip():
        if required:
            add_error(errors, "personal_code", _("Norādiet personas kodu."))
        return None
    try:
        code = parse_personal_code(raw)
    except InvalidPersonalCode as exc:
        add_error(errors, "personal_code", exc.message)
        return None
    instance.personal_code = code.value
    return code.date_of_birth


def _validate_client(client: Client) -> None:
    errors: dict[str, list[str]] = {}
    born = _check_personal_code(client, errors, required=True)
    if born is not None:
        if client.date_of_birth and client.date_of_birth != born:
            add_error(errors, "date_of_birth", _("Dzimšanas datums nesakrīt ar personas kodu."))
        else:
            client.date_of_birth = born
    add_model_field_errors(client, errors, exclude=["personal_code", "municipality"])
    if "personal_code" not in errors:
        taken = Client.objects.filter(personal_code=client.personal_code).exclude(pk=client.pk)
        if taken.exists():
            add_error(errors, "personal_code", DuplicateClient.default_message)
    if client.date_of_birth and client.start_date and "date_of_birth" not in errors:
        if client.date_of_birth > timezone.localdate():
            add_error(errors, "date_of_birth", _("Dzimšanas datums nevar būt nākotnē."))
        age = age_on(client.date_of_birth, client.start_date)
        if client.target_group == TargetGroup.CHILD_FT and age >= ADULT_AGE:
            add_error(
                errors,
                "target_group",
                _("Bērnam pakalpojumu sākuma datumā jābūt jaunākam par 18 gadiem (būs %(age)s).")
                % {"age": age},
            )
        if client.target_group == TargetGroup.ADULT_GRT and age < ADULT_AGE:
            add_error(
                errors,
                "target_group",
                _(
                    "Pilngadīgai personai pakalpojumu sākuma datumā jābūt vismaz 18 gadus vecai "
                    "(būs %(age)s)."
                )
                % {"age": age},
            )
    if (
        client.disability_valid_until
        and client.date_of_birth
        and client.disability_valid_until < client.date_of_birth
    ):
        add_error(errors, "disability_valid_until", _("Datums nevar būt pirms dzimšanas datuma."))
    raise_if_errors(errors)


def _validate_dates(
    start: dt.date | None, end: dt.date | None, errors: dict[str, list[str]], end_field: str
) -> None:
    if start and end and end < start:
        add_error(errors, end_field, _("Beigu datums nevar būt pirms sākuma datuma."))


# --- clients ---------------------------------------------------------------------------------


@transaction.atomic
def client_create(*, actor: Actor, municipality: Municipality, data: Fields) -> Client:
    client_policy.require(actor, Action.CREATE, municipality)
    client = Client(municipality=municipality)
    assign_fields(client, data, CLIENT_FIELDS)
    _validate_client(client)
    client.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.CLIENT_CREATED,
        subject=client,
        client_id=client.pk,
        municipality_id=client.municipality_id,
        extra_data={"values": masked(snapshot(client, CLIENT_FIELDS))},
    )
    return client


@transaction.atomic
def client_update(*, actor: Actor, client: Client, data: Fields) -> Client:
    client_policy.require(actor, Action.CHANGE, client)
    client = Client.objects.select_for_update().get(pk=client.pk)
    before = snapshot(client, CLIENT_FIELDS)
    assign_fields(client, data, CLIENT_FIELDS)
    _validate_client(client)
    changes = diff(before, snapshot(client, CLIENT_FIELDS))
    if changes:
        client.save()
        audit_record(
            actor=actor,
            event_type=AuditEventType.CLIENT_CHANGED,
            subject=client,
            client_id=client.pk,
            municipality_id=client.municipality_id,
            extra_data={"changes": changes},
        )
    return client


@transaction.atomic
def client_delete(*, actor: Actor, client: Client) -> None:
    """Delete a client entered by mistake; one with history is closed instead, not deleted."""
    client_policy.require(actor, Action.DELETE, client)
    pk, municipality_id = client.pk, client.municipality_id
    try:
        with transaction.atomic():
            client.delete()
    except ProtectedError as exc:
        raise ClientInUse() from exc
    audit_record(
        actor=actor,
        event_type=AuditEventType.CLIENT_DELETED,
        subject_type=Client._meta.label_lower,
        subject_id=str(pk),
        client_id=pk,
        municipality_id=municipality_id,
    )


def client_view_record(*, actor: Actor, client: Client) -> None:
    """Opening a client's record reveals special-category data: that is an event too."""
    audit_record(
        actor=actor,
        event_type=AuditEventType.CLIENT_VIEWED,
        subject=client,
        client_id=client.pk,
        municipality_id=client.municipality_id,
    )


# --- representatives and the support circle ---------------------------------------------------


def _validate_representative(rep: Representative) -> None:
    errors: dict[str, list[str]] = {}
    add_model_field_errors(rep, errors, exclude=["client", "personal_code"])
    _check_personal_code(rep, errors, required=False)
    _validate_dates(rep.valid_from, rep.valid_to, errors, "valid_to")
    raise_if_errors(errors)


def _audit_child(
    actor: Actor,
    event: AuditEventType,
    obj: Representative | SupportCircleMember | Consent,
    extra: dict[str, Any],
) -> None:
    audit_record(
        actor=actor,
        event_type=event,
        subject=obj,
        client_id=obj.client_id,
        municipality_id=obj.client.municipality_id,
        extra_data=extra,
    )


@transaction.atomic
def representative_create(*, actor: Actor, client: Client, data: Fields) -> Representative:
    client_policy.require(actor, Action.CHANGE, client)
    rep = Representative(client=client)
    assign_fields(rep, data, REPRESENTATIVE_FIELDS)
    _validate_representative(rep)
    rep.save()
    _audit_child(
        actor,
        AuditEventType.REPRESENTATIVE_CREATED,
        rep,
        {"values": masked(snapshot(rep, REPRESENTATIVE_FIELDS))},
    )
    return rep


@transaction.atomic
def representative_update(
    *, actor: Actor, representative: Representative, data: Fields
) -> Representative:
    client_policy.require(actor, Action.CHANGE, representative.client)
    rep = (
        Representative.objects.select_for_update()
        .select_related("client")
        .get(pk=representative.pk)
    )
    before = snapshot(rep, REPRESENTATIVE_FIELDS)
    assign_fields(rep, data, REPRESENTATIVE_FIELDS)
    _validate_representative(rep)
    changes = diff(before, snapshot(rep, REPRESENTATIVE_FIELDS))
    if changes:
        rep.save()
        _audit_child(actor, AuditEventType.REPRESENTATIVE_CHANGED, rep, {"changes": changes})
    return rep


@transaction.atomic
def representative_delete(*, actor: Actor, representative: Representative) -> None:
    client_policy.require(actor, Action.CHANGE, representative.client)
    if representative.consents.exists():
        raise DomainError(
            _("Pārstāvi nevar dzēst: viņš ir devis piekrišanu. Norādiet pilnvaru beigu datumu.")
        )
    _audit_child(
        actor,
        AuditEventType.REPRESENTATIVE_DELETED,
        representative,
        {"values": masked(snapshot(representative, REPRESENTATIVE_FIELDS))},
    )
    representative.delete()


def _validate_circle(member: SupportCircleMember) -> None:
    errors: dict[str, list[str]] = {}
    add_model_field_errors(member, errors, exclude=["client"])
    raise_if_errors(errors)


@transaction.atomic
def circle_member_create(*, actor: Actor, client: Client, data: Fields) -> SupportCircleMember:
    client_policy.require(actor, Action.CHANGE, client)
    member = SupportCircleMember(client=client)
    assign_fields(member, data, CIRCLE_FIELDS)
    _validate_circle(member)
    member.save()
    _audit_child(
        actor,
        AuditEventType.CIRCLE_MEMBER_CREATED,
        member,
        {"values": snapshot(member, CIRCLE_FIELDS)},
    )
    return member


@transaction.atomic
def circle_member_update(
    *, actor: Actor, member: SupportCircleMember, data: Fields
) -> SupportCircleMember:
    client_policy.require(actor, Action.CHANGE, member.client)
    member = (
        SupportCircleMember.objects.select_for_update().select_related("client").get(pk=member.pk)
    )
    before = snapshot(member, CIRCLE_FIELDS)
    assign_fields(member, data, CIRCLE_FIELDS)
    _validate_circle(member)
    changes = diff(before, snapshot(member, CIRCLE_FIELDS))
    if changes:
        member.save()
        _audit_child(actor, AuditEventType.CIRCLE_MEMBER_CHANGED, member, {"changes": changes})
    return member


@transaction.atomic
def circle_member_delete(*, actor: Actor, member: SupportCircleMember) -> None:
    client_policy.require(actor, Action.CHANGE, member.client)
    _audit_child(
        actor,
        AuditEventType.CIRCLE_MEMBER_DELETED,
        member,
        {"values": snapshot(member, CIRCLE_FIELDS)},
    )
    try:
        with transaction.atomic():
            member.delete()
    except ProtectedError as exc:
        raise DomainError(
            _("Dalībnieku nevar dzēst: viņam ir plānoti vai sniegti pakalpojumi.")
        ) from exc


# --- consent ---------------------------------------------------------------------------------


@transaction.atomic
def consent_give(*, actor: Actor, client: Client, data: Fields) -> Consent:
    client_policy.require(actor, Action.CHANGE, client)
    consent = Consent(client=client)
    assign_fields(
        consent, data, ("purpose", "recipient", "given_by_representative", "given_on", "notes")
    )
    errors: dict[str, list[str]] = {}
    add_model_field_errors(consent, errors, exclude=["client", "revoked_on", "revoke_reason"])
    rep = consent.given_by_representative
    if rep is not None:
        if rep.client_id != client.pk:
            add_error(errors, "given_by_representative", _("Pārstāvis nav šī klienta pārstāvis."))
        elif consent.given_on and not rep.is_valid_on(consent.given_on):
            add_error(
                errors,
                "given_by_representative",
                _("Pārstāvja pilnvaras šajā datumā nav spēkā."),
            )
    if consent.given_on and consent.given_on > timezone.localdate():
        add_error(errors, "given_on", _("Piekrišanas datums nevar būt nākotnē."))
    raise_if_errors(errors)
    consent.save()
    _audit_child(
        actor,
        AuditEventType.CONSENT_GIVEN,
        consent,
        {"purpose": consent.purpose, "recipient": consent.recipient},
    )
    return consent


@transaction.atomic
def consent_revoke(*, actor: Actor, consent: Consent, revoked_on: dt.date, reason: str) -> Consent:
    client_policy.require(actor, Action.CHANGE, consent.client)
    consent = Consent.objects.select_for_update().select_related("client").get(pk=consent.pk)
    if consent.revoked_on is not None:
        raise DomainError(_("Šī piekrišana jau ir atsaukta."))
    if revoked_on < consent.given_on:
        raise ValidationFailed({"revoked_on": [_("Atsaukt nevar agrāk, nekā piekrišana dota.")]})
    if revoked_on > timezone.localdate():
        raise ValidationFailed({"revoked_on": [_("Atsaukšanas datums nevar būt nākotnē.")]})
    consent.revoked_on = revoked_on
    consent.revoke_reason = reason.strip()[:300]
    consent.save(update_fields=["revoked_on", "revoke_reason", "updated_at"])
    _audit_child(
        actor,
        AuditEventType.CONSENT_REVOKED,
        consent,
        {"revoked_on": revoked_on.isoformat(), "reason": consent.revoke_reason},
    )
    return consent


# --- intake and case assignment --------------------------------------------------------------


def _validate_referral(referral: Referral) -> None:
    errors: dict[str, list[str]] = {}
    add_model_field_errors(
        referral,
        errors,
        exclude=["municipality", "personal_code", "decided_by", "client", "decided_on"],
    )
    _check_personal_code(referral, errors, required=False)
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
        if start_date <= current.start_date:
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
    audit_record(
        actor=actor,
        event_type=AuditEventType.CASE_ASSIGNED,
        subject=assignment,
        client_id=client.pk,
        municipality_id=client.municipality_id,
        extra_data={"social_worker": social_worker.pk, "start_date": start_date.isoformat()},
    )
    return assignment
