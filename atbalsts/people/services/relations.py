"""Writes about the people around a client: representatives, the support circle, consent."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import (
    AuditEventType,
    audit_for_client,
    diff,
    masked,
    snapshot,
)
from atbalsts.core.dates import dmy
from atbalsts.core.errors import DomainError, ValidationFailed
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    add_model_field_errors,
    assign_fields,
    raise_if_errors,
)

from ..models import (
    Client,
    Consent,
    ConsentPurpose,
    Referral,
    Representative,
    SupportCircleMember,
)
from ..policies import client_policy
from .checks import Fields, check_date_order, check_personal_code

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

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


def _validate_representative(rep: Representative) -> None:
    errors: dict[str, list[str]] = {}
    add_model_field_errors(rep, errors, exclude=["client", "personal_code"])
    check_personal_code(rep, errors, required=False)
    check_date_order(rep.valid_from, rep.valid_to, errors, "valid_to")
    raise_if_errors(errors)


def _audit_child(
    actor: Actor,
    event: AuditEventType,
    obj: Representative | SupportCircleMember | Consent,
    extra: dict[str, Any],
) -> None:
    audit_for_client(actor, event, obj, obj.client, extra)


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
    _check_consent_fits(client, consent, errors)
    raise_if_errors(errors)
    consent.save()
    _audit_child(
        actor,
        AuditEventType.CONSENT_GIVEN,
        consent,
        {"purpose": consent.purpose, "recipient": consent.recipient},
    )
    return consent


# Consent is often collected at intake, before the services start: this long before.
INTAKE_DAYS = 92


def _registered_on(client: Client) -> dt.date:
    """The earliest day a consent of the client may bear: the day they were entered in the
    register, referred as a candidate, or the intake before their services start."""
    days = [
        client.start_date - dt.timedelta(days=INTAKE_DAYS),
        timezone.localdate(client.created_at),
    ]
    referral = Referral.objects.filter(client=client).only("referred_on").first()
    if referral is not None:
        days.append(referral.referred_on)
    return min(days)


def _check_consent_fits(client: Client, consent: Consent, errors: dict[str, list[str]]) -> None:
    """Sharing with a provider names the provider; a purpose in force is not given twice;
    no consent is dated before the client was registered."""
    consent.recipient = (consent.recipient or "").strip()
    if consent.purpose == ConsentPurpose.SHARE_WITH_PROVIDER and not consent.recipient:
        add_error(
            errors,
            "recipient",
            _("Norādiet pakalpojumu sniedzēju, kuram persona atļauj nodot datus."),
        )
    if consent.purpose and "purpose" not in errors:
        same = Consent.objects.filter(
            client=client,
            purpose=consent.purpose,
            revoked_on__isnull=True,
            recipient__iexact=consent.recipient,
        ).first()
        if same is not None:
            add_error(
                errors,
                "purpose",
                _(
                    "Klientam šim mērķim jau ir spēkā esoša piekrišana (dota %(day)s). Ja tā "
                    "jāmaina, vispirms atsauciet esošo."
                )
                % {"day": dmy(same.given_on)},
            )
    if consent.given_on and "given_on" not in errors and client.start_date:
        registered = _registered_on(client)
        if consent.given_on < registered:
            add_error(
                errors,
                "given_on",
                _(
                    "Piekrišana datēta pirms klienta reģistrācijas (agrākais iespējamais datums "
                    "ir %(day)s). Pārbaudiet datumu."
                )
                % {"day": dmy(registered)},
            )


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


# How many circle members and consents one "all at once" step may carry.
MAX_RELATIONS_AT_ONCE = 20


def _rekeyed(exc: ValidationFailed, key: str, label: str, errors: dict[str, list[str]]) -> None:
    """The errors of one row under `<key>.<field>`, each message naming the row."""
    for field, messages in exc.errors.items():
        errors.setdefault(f"{key}.{field}", []).extend(
            f"{label}: {message}" for message in messages
        )


@transaction.atomic
def relations_add(
    *,
    actor: Actor,
    client: Client,
    representative: Fields | None = None,
    circle: list[Fields] | tuple[Fields, ...] = (),
    consents: list[Fields] | tuple[Fields, ...] = (),
) -> dict[str, list[Any]]:
    """A representative, support circle members and consents in one step, all or nothing.

    Each row goes through its own service (same checks, same audit). A refused row's errors
    come back keyed `representative.<field>`, `circle.<i>.<field>` or `consent.<i>.<field>`
    (0-based), each message naming the row ("2. piekrišana: …"); then nothing is written. A
    consent row with `by_new_representative` true is given by the representative of this step."""
    client_policy.require(actor, Action.CHANGE, client)
    if len(circle) > MAX_RELATIONS_AT_ONCE or len(consents) > MAX_RELATIONS_AT_ONCE:
        raise ValidationFailed(
            {
                "__all__": [
                    _("Vienā reizē var pievienot ne vairāk kā %(n)s ierakstus katrā daļā.")
                    % {"n": MAX_RELATIONS_AT_ONCE}
                ]
            }
        )
    if representative is None and not circle and not consents:
        raise ValidationFailed({"__all__": [_("Aizpildiet vismaz vienu rindu.")]})
    errors: dict[str, list[str]] = {}
    done: dict[str, list[Any]] = {"representative": [], "circle": [], "consents": []}
    rep: Representative | None = None
    if representative is not None:
        try:
            rep = representative_create(actor=actor, client=client, data=representative)
            done["representative"].append(rep)
        except ValidationFailed as exc:
            _rekeyed(exc, "representative", str(_("Pārstāvis")), errors)
    for index, row in enumerate(circle):
        try:
            done["circle"].append(circle_member_create(actor=actor, client=client, data=row))
        except ValidationFailed as exc:
            label = str(_("%(n)s. atbalsta loka dalībnieks") % {"n": index + 1})
            _rekeyed(exc, f"circle.{index}", label, errors)
    for index, row in enumerate(consents):
        data = dict(row)
        label = str(_("%(n)s. piekrišana") % {"n": index + 1})
        if data.pop("by_new_representative", False):
            if representative is None:
                errors.setdefault(f"consent.{index}.by_new_representative", []).append(
                    f"{label}: {_('Pārstāvis šajā reizē nav ierakstīts.')}"
                )
                continue
            if rep is None:
                continue  # the representative's own errors say what to fix
            data["given_by_representative"] = rep
        try:
            done["consents"].append(consent_give(actor=actor, client=client, data=data))
        except ValidationFailed as exc:
            _rekeyed(exc, f"consent.{index}", label, errors)
    if errors:
        raise ValidationFailed(errors)
    return done
