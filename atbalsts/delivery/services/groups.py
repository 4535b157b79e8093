"""A group session: one service given at one time by one provider to several people, entered
once. Each person's session is recorded under their own letter (their price, their monthly
quantity) with the single session's rules; all or nothing; one group key marks them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from atbalsts.core.errors import DomainError, ValidationFailed
from atbalsts.core.validation import add_error, refuse_unknown
from atbalsts.plans.models import GuaranteeLetter

from .. import selectors
from ..models import Session
from .grid import sessions_record_many

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

# What the group shares, and what each person has of their own.
GROUP_FIELDS = ("date", "start_time", "duration_minutes", "mode", "techniques")
MEMBER_FIELDS = ("line_key", "status", "signed_by", "signer_note", "goal_keys", "recipient")
MIN_MEMBERS = 2


def _service_of(letter: GuaranteeLetter, line_key: object) -> int | None:
    try:
        return int(selectors.letter_line(letter, line_key)["service_type_id"])
    except DomainError:
        return None


def _check_one_group(members: Sequence[tuple[GuaranteeLetter, Mapping[str, object]]]) -> None:
    """At least two different people, one provider, one service."""
    errors: dict[str, list[str]] = {}
    if len(members) < MIN_MEMBERS:
        add_error(errors, "members", _("Grupas nodarbībai atzīmējiet vismaz divas personas."))
    clients = [selectors.letter_client(letter).pk for letter, _data in members]
    if len(set(clients)) != len(clients):
        add_error(errors, "members", _("Katra persona grupas nodarbībā var būt tikai vienreiz."))
    if len({letter.provider_id for letter, _data in members}) > 1:
        add_error(errors, "members", _("Grupas nodarbību sniedz viens sniedzējs."))
    services = {_service_of(letter, data.get("line_key")) for letter, data in members}
    if len(services) > 1:
        add_error(
            errors,
            "members",
            _("Visiem grupas dalībniekiem jābūt vienam pakalpojumam no viņu garantijas vēstulēm."),
        )
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def group_session_record(
    *,
    actor: Actor,
    data: Mapping[str, object],
    members: Sequence[tuple[GuaranteeLetter, Mapping[str, object]]],
) -> list[Session]:
    """Record a group session: `data` is what the group shares (day, time, length, mode,
    methods), each member a letter and their own line, attendance and signer. Each session
    is priced by its own letter line and counted against its own monthly quantity."""
    refuse_unknown(data, GROUP_FIELDS)
    for _letter, member in members:
        refuse_unknown(member, MEMBER_FIELDS)
    _check_one_group(members)
    entries = [(letter, {**data, **member}) for letter, member in members]
    return sessions_record_many(actor=actor, entries=entries, group_key=uuid.uuid4())
