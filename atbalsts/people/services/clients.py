"""Writes to the client register: registering, changing, deleting, and opening a record."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import (
    AuditEventType,
    audit_for_client,
    audit_record,
    diff,
    masked,
    snapshot,
)
from atbalsts.core.errors import DomainError
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    add_model_field_errors,
    assign_fields,
    raise_if_errors,
)

from ..models import CaseAssignment, Client, Municipality, TargetGroup
from ..policies import client_policy
from .checks import Fields, check_personal_code

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

ADULT_AGE = 18

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
# the client form also writes the register address; it is not a column of the country
# generator's bulk rows (its people have none)
CLIENT_WRITE_FIELDS = (*CLIENT_FIELDS, "address_point")


class DuplicateClient(DomainError):
    code = "duplicate_client"
    default_message = _("Klients ar šo personas kodu jau ir reģistrēts.")


class ClientInUse(DomainError):
    code = "client_in_use"
    default_message = _("Klientu nevar dzēst: uz viņu attiecas citi ieraksti. Slēdziet lietu.")


class ClientHasConsents(ClientInUse):
    """The client's consents are a record of what they agreed to and when: deleting the client
    would delete them, so such a client is closed instead."""

    code = "client_has_consents"
    default_message = _(
        "Klientu nevar dzēst: viņam ir reģistrētas piekrišanas, un to vēsture jāsaglabā. "
        "Slēdziet lietu."
    )


def _consents_text(client: Client) -> str:
    """The client's consents named for the refusal: purpose and the day each was given."""
    consents = list(client.consents.order_by("given_on", "id"))
    return str(
        _(
            "Klientu nevar dzēst: viņam ir reģistrētas piekrišanas (%(consents)s), un to "
            "vēsture jāsaglabā. Slēdziet lietu."
        )
    ) % {"consents": "; ".join(str(c) for c in consents)}


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _validate_client(client: Client) -> None:
    errors: dict[str, list[str]] = {}
    born = check_personal_code(client, errors, required=True)
    if born is not None:
        if client.date_of_birth and client.date_of_birth != born:
            add_error(errors, "date_of_birth", _("Dzimšanas datums nesakrīt ar personas kodu."))
        else:
            client.date_of_birth = born
    elif client.date_of_birth is None and "personal_code" not in errors:
        add_error(
            errors,
            "date_of_birth",
            _(
                "Jaunās formas personas kodā (32…) dzimšanas datuma nav: ierakstiet personas "
                "dzimšanas datumu (no personu apliecinoša dokumenta)."
            ),
        )
    # a birth date missing because the code is wrong is not a second error: the code's says
    # what to fix (Django's own "cannot be null" would be shown otherwise)
    skip = ["personal_code", "municipality"]
    if client.date_of_birth is None:
        skip.append("date_of_birth")
    add_model_field_errors(client, errors, exclude=skip)
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


@transaction.atomic
def client_create(*, actor: Actor, municipality: Municipality, data: Fields) -> Client:
    client_policy.require(actor, Action.CREATE, municipality)
    client = Client(municipality=municipality)
    assign_fields(client, data, CLIENT_WRITE_FIELDS)
    _validate_client(client)
    client.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.CLIENT_CREATED,
        subject=client,
        client_id=client.pk,
        municipality_id=client.municipality_id,
        extra_data={"values": masked(snapshot(client, CLIENT_WRITE_FIELDS))},
    )
    if client_policy.takes_case_on_registering(actor, municipality):
        _registrar_takes_case(actor, client)
    return client


def _registrar_takes_case(actor: Actor, client: Client) -> None:
    """The social worker who registers a client is their case worker from the day the client
    was registered (or today, whichever is earlier); the head may reassign the case."""
    today = timezone.localdate()
    start = min(client.start_date, today) if client.start_date else today
    assignment = CaseAssignment.objects.create(client=client, social_worker=actor, start_date=start)
    audit_case_assigned(actor, assignment)


def audit_case_assigned(actor: Actor, assignment: CaseAssignment) -> None:
    """The event of a case given to a social worker from a day (a new holder, or the same
    assignment handed over on its first day)."""
    audit_for_client(
        actor,
        AuditEventType.CASE_ASSIGNED,
        assignment,
        assignment.client,
        {
            "social_worker": assignment.social_worker_id,
            "start_date": assignment.start_date.isoformat(),
        },
    )


@transaction.atomic
def client_update(*, actor: Actor, client: Client, data: Fields) -> Client:
    client_policy.require(actor, Action.CHANGE, client)
    client = Client.objects.select_for_update().get(pk=client.pk)
    before = snapshot(client, CLIENT_WRITE_FIELDS)
    assign_fields(client, data, CLIENT_WRITE_FIELDS)
    _validate_client(client)
    changes = diff(before, snapshot(client, CLIENT_WRITE_FIELDS))
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
    """Delete a client entered by mistake; one with history (consents included: their record
    is kept) is closed instead, not deleted."""
    client_policy.require(actor, Action.DELETE, client)
    if client.consents.exists():
        raise ClientHasConsents(_consents_text(client))
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
