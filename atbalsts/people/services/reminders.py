"""The person's choice to get appointment reminders by e-mail: recorded and withdrawn by the
social worker on the client's page, with the date, who recorded it and who asked (the client
or a representative). The reminder rule (notifications/reminders/appointments.py) mails only
to the address of an active choice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_for_client
from atbalsts.core.errors import DomainError
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    add_model_field_errors,
    assign_fields,
    raise_if_errors,
)

from ..models import AppointmentReminderChoice, Client
from ..policies import client_policy
from .checks import Fields

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

CHOICE_FIELDS = ("email", "requested_by_representative", "opted_in_on")


def reminder_choice_active(client: Client) -> AppointmentReminderChoice | None:
    """The client's active choice, if any (read below a client the caller already got)."""
    return client.appointment_reminders.filter(opted_out_on__isnull=True).first()


@transaction.atomic
def reminders_opt_in(*, actor: Actor, client: Client, data: Fields) -> AppointmentReminderChoice:
    """Record that the person (or their representative) wants an e-mail the day before each
    planned session, to the address given."""
    client_policy.require(actor, Action.CHANGE, client)
    Client.objects.select_for_update().filter(pk=client.pk).first()
    if reminder_choice_active(client) is not None:
        raise DomainError(_("Atgādinājumi jau ir pieteikti; vispirms atsauciet esošo piekrišanu."))
    errors: dict[str, list[str]] = {}
    choice = AppointmentReminderChoice(client=client, recorded_by=actor)
    assign_fields(choice, data, CHOICE_FIELDS)
    choice.email = (choice.email or "").strip()
    add_model_field_errors(
        choice, errors, exclude=["client", "recorded_by", "opted_out_on", "opted_out_recorded_by"]
    )
    rep = choice.requested_by_representative
    if rep is not None and rep.client_id != client.pk:
        add_error(errors, "requested_by_representative", _("Šis nav klienta pārstāvis."))
    if choice.opted_in_on and choice.opted_in_on > timezone.localdate():
        add_error(errors, "opted_in_on", _("Datums nevar būt nākotnē."))
    raise_if_errors(errors)
    choice.save()
    audit_for_client(
        actor,
        AuditEventType.CONSENT_GIVEN,
        choice,
        client,
        {
            "purpose": "appointment_reminders",
            "by": "representative" if rep is not None else "client",
            "opted_in_on": choice.opted_in_on.isoformat(),
        },
    )
    return choice


@transaction.atomic
def reminders_opt_out(*, actor: Actor, client: Client) -> AppointmentReminderChoice:
    """Withdraw the active choice today: no reminder is mailed from now on."""
    client_policy.require(actor, Action.CHANGE, client)
    choice = (
        AppointmentReminderChoice.objects.select_for_update()
        .filter(client=client, opted_out_on__isnull=True)
        .first()
    )
    if choice is None:
        raise DomainError(_("Atgādinājumi nav pieteikti."))
    choice.opted_out_on = timezone.localdate()
    choice.opted_out_recorded_by = actor
    choice.save(update_fields=["opted_out_on", "opted_out_recorded_by", "updated_at"])
    audit_for_client(
        actor,
        AuditEventType.CONSENT_REVOKED,
        choice,
        client,
        {"purpose": "appointment_reminders", "revoked_on": choice.opted_out_on.isoformat()},
    )
    return choice
