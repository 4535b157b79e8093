"""A group session's page: the services a provider can give to a group, the people who may
join one (a letter line of that service in force), and the reading of the members' rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from atbalsts.catalog.models import ServiceType
from atbalsts.core.collation import latvian, latvian_key
from atbalsts.people.models import Client, Representative
from atbalsts.plans.models import GuaranteeLetter

from . import selectors
from .grid import GRID_UNITS
from .models import Session, SessionStatus, Signer

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer


@dataclass
class GroupCandidate:
    client: Client
    letter: GuaranteeLetter
    line: dict[str, Any]
    representative: bool
    chosen: bool = False
    status: str = SessionStatus.HELD
    signed_by: str = ""

    @property
    def prefix(self) -> str:
        return f"m-{self.letter.pk}-{self.line['key']}"

    @property
    def signers(self) -> list[tuple[str, Any]]:
        return [
            (value, label)
            for value, label in Signer.choices
            if value == Signer.CLIENT or (value == Signer.REPRESENTATIVE and self.representative)
        ]


def group_services(*, user: Viewer, today: dt.date) -> list[ServiceType]:
    """The services (of units a session can be) in the provider's letters in force."""
    wanted = {
        int(line["service_type_id"])
        for entry in selectors.my_clients(user=user, today=today)
        for letter in entry.letters
        for line in letter.lines
    }
    services = ServiceType.objects.filter(pk__in=wanted, unit__in=GRID_UNITS)
    return sorted(services, key=lambda s: latvian_key(s.name_lv))


def group_candidates(*, user: Viewer, service_type_id: int, today: dt.date) -> list[GroupCandidate]:
    """The provider's clients with a letter line of the service, in Latvian order."""
    entries = selectors.my_clients(user=user, today=today)
    with_representative = set(
        Representative.objects.filter(client__in=[e.client for e in entries]).values_list(
            "client_id", flat=True
        )
    )
    found = []
    for entry in entries:
        for letter in entry.letters:
            for line in letter.lines:
                if int(line["service_type_id"]) == service_type_id and not line.get("recipient"):
                    found.append(
                        GroupCandidate(
                            client=entry.client,
                            letter=letter,
                            line=dict(line),
                            representative=entry.client.pk in with_representative,
                        )
                    )
    return found


def group_members(
    candidates: list[GroupCandidate], post: Mapping[str, Any]
) -> list[tuple[GuaranteeLetter, dict[str, object]]]:
    """The people ticked on the page, each with their own attendance and signer."""
    members: list[tuple[GuaranteeLetter, dict[str, object]]] = []
    for candidate in candidates:
        candidate.chosen = bool(post.get(f"{candidate.prefix}-in"))
        candidate.status = str(post.get(f"{candidate.prefix}-status", SessionStatus.HELD))
        candidate.signed_by = str(post.get(f"{candidate.prefix}-signed_by", ""))
        if candidate.chosen:
            members.append(
                (
                    candidate.letter,
                    {
                        "line_key": candidate.line["key"],
                        "status": candidate.status,
                        "signed_by": candidate.signed_by,
                    },
                )
            )
    return members


def group_sessions(*, user: Viewer, session: Session) -> list[Session]:
    """The other sessions of the same group session the user may see."""
    if session.group_key is None:
        return []
    return list(
        selectors.session_list(user=user)
        .filter(group_key=session.group_key)
        .exclude(pk=session.pk)
        .order_by(latvian("client__last_name"), latvian("client__first_name"), "id")
    )
