"""Which fields the session form shows for a letter line: only what the service's unit, its
remote rule and the person's signers need. The services' checks stay the rules: a value for a
field the form does not show is still handed to them and refused there (e.g. kilometres for a
service that is no transport, a remote session of a service that cannot be remote)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from atbalsts.catalog.models import ServiceCategory, ServiceType, ServiceUnit
from atbalsts.core.errors import DomainError
from atbalsts.people.models import Representative
from atbalsts.plans.models import GuaranteeLetter

from . import selectors
from .goals import letter_goals
from .models import Session, SessionMode, Signer
from .policies import delivery_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer


@dataclass(frozen=True)
class FieldNeeds:
    """What the form shows. `line_key` is None while no letter line is chosen: then every
    field of the line is shown (the rules decide on sending)."""

    line_key: str | None
    km: bool = True
    ticket: bool = True
    duration: bool = True
    remote: bool = True
    recipient: tuple[str, str] | None = None
    recipient_field: bool = True
    signers: tuple[str, ...] = tuple(Signer.values)
    goals: tuple[tuple[str, str], ...] = ()
    free_goals: bool = True


def _signers(user: Viewer, letter: GuaranteeLetter, day: dt.date) -> tuple[str, ...]:
    """The client signs; a representative if the client has one; the social worker only when
    the user is the social service (the rules in `services.checks`)."""
    client = selectors.letter_client(letter)
    found = [Signer.CLIENT.value]
    if any(r.is_valid_on(day) for r in Representative.objects.filter(client=client)):
        found.append(Signer.REPRESENTATIVE.value)
    if delivery_policy.is_social_service(user):
        found.append(Signer.SOCIAL_WORKER.value)
    return tuple(found)


def session_field_needs(
    *,
    user: Viewer,
    letter: GuaranteeLetter,
    line_key: object,
    today: dt.date,
    session: Session | None = None,
) -> FieldNeeds:
    """The fields for recording (or correcting `session`) under the letter's line."""
    goals = tuple((str(goal.key), goal.text) for goal in letter_goals(letter))
    free_goals = not goals or bool(session is not None and session.goals_worked_on)
    signers = _signers(user, letter, today)
    if session is not None and session.signed_by and session.signed_by not in signers:
        signers = (*signers, session.signed_by)  # a stored signer stays readable
    try:
        line = selectors.letter_line(letter, line_key) if line_key not in (None, "") else None
    except DomainError:
        line = None
    if line is None:
        return FieldNeeds(line_key=None, signers=signers, goals=goals, free_goals=free_goals)
    service = ServiceType.objects.get(pk=line["service_type_id"])
    transport = service.category == ServiceCategory.TRANSPORT
    client = selectors.letter_client(letter)
    remote = (
        service.remote_allowed
        or selectors.emergency_on(municipality_id=client.municipality_id, day=today) is not None
        or (session is not None and session.mode == SessionMode.REMOTE)
    )
    plan_line = selectors.plan_line_of(letter, line["key"])
    recipient = None
    if plan_line is not None and plan_line.recipient_id:
        recipient = (str(plan_line.recipient_id), str(plan_line.recipient))
    return FieldNeeds(
        line_key=str(line["key"]),
        km=transport and service.unit == ServiceUnit.KM,
        ticket=transport,
        duration=service.unit not in (ServiceUnit.KM, ServiceUnit.TRIP),
        remote=remote,
        recipient=recipient,
        recipient_field=recipient is not None,
        signers=signers,
        goals=goals,
        free_goals=free_goals,
    )
