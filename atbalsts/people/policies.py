"""Who may see and change people records (docs/domain.md, "Roles"), decided in one place."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from atbalsts.core.policies import Action, Policy, role_of
from atbalsts.core.roles import Role
from atbalsts.core.scoping import in_scope, scoped

from .models import Client, Consent, ConsentPurpose, Municipality, Referral

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

_WRITERS = frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.ADMIN})
_IDENTITY_READERS = frozenset(
    {Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT, Role.AUDITOR, Role.ADMIN}
)
_NOTE_READERS = frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.AUDITOR, Role.ADMIN})
_AUDIT_READERS = frozenset({Role.HEAD, Role.AUDITOR, Role.ADMIN})


def municipality_id_of(obj: Any) -> int | None:
    """The municipality of a record that carries one, of a Municipality, or a municipality's
    id itself (what the people, billing and report policies are asked about)."""
    if isinstance(obj, Municipality):
        return obj.pk
    if isinstance(obj, int):
        return obj
    return getattr(obj, "municipality_id", None)


def research_consenting(day: dt.date) -> QuerySet[Consent, Any]:
    """The ids (`client_id` values) of clients whose consent to the use of their data in
    pseudonymised evaluation is in force on `day` (given by then, not revoked by then)."""
    return (
        Consent.objects.filter(purpose=ConsentPurpose.PSEUDONYMISED_EVALUATION, given_on__lte=day)
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
        .values("client_id")
    )


class ClientPolicy(Policy[Client]):
    """Clients and everything hanging off them: representatives, circle, consent, cases.

    `obj` is a Client (or, for CREATE, the Municipality the client would belong to).
    """

    def visible(self, user: Viewer, queryset: QuerySet[Client]) -> QuerySet[Client]:
        queryset = scoped(user, queryset, "municipality_id")
        if self.pseudonymous_only(user):
            return queryset.filter(pk__in=research_consenting(timezone.localdate()))
        return queryset

    def get_visible(self, user: Viewer, queryset: QuerySet[Client], **lookup: Any) -> Client:
        """One client by id: never for those who see clients only as pseudonyms."""
        if self.pseudonymous_only(user):
            raise Http404()
        return super().get_visible(user, queryset, **lookup)

    def pseudonymous_only(self, user: Viewer) -> bool:
        """The ministry analyst sees clients only as a list of pseudonyms: only the clients
        whose consent to pseudonymised evaluation is in force today, in the order of their
        pseudonyms, without internal ids, birth year, disability or legal capacity, and no
        page of one client. Aggregates come from the reports, the rest from the research
        extract (which holds the same consenting clients)."""
        return role_of(user) == Role.ANALYST

    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        role = role_of(user)
        if role is None or not in_scope(user, obj, municipality_id_of):
            return False
        if action == Action.VIEW:
            if role == Role.ANALYST:
                return obj is None  # the list of pseudonyms, never one client
            return role != Role.PROVIDER
        if action == Action.VIEW_IDENTITY:
            return role in _IDENTITY_READERS
        if action == Action.VIEW_NOTES:
            return role in _NOTE_READERS
        if action == Action.VIEW_AUDIT:
            return role in _AUDIT_READERS
        if action in (Action.CREATE, Action.CHANGE):
            return role in _WRITERS
        if action in (Action.DELETE, Action.ASSIGN):
            return role in (Role.HEAD, Role.ADMIN)
        return False

    def takes_case_on_registering(self, user: Viewer, municipality: Any) -> bool:
        """A social worker who registers a client of their municipality holds the case."""
        return role_of(user) == Role.SOCIAL_WORKER and in_scope(
            user, municipality, municipality_id_of
        )


class ReferralPolicy(Policy[Referral]):
    """The candidate list: social workers register referrals, the head decides."""

    def visible(self, user: Viewer, queryset: QuerySet[Referral]) -> QuerySet[Referral]:
        return scoped(user, queryset, "municipality_id", _WRITERS)

    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        role = role_of(user)
        if role not in _WRITERS or not in_scope(user, obj, municipality_id_of):
            return False
        if action in (Action.VIEW, Action.VIEW_IDENTITY, Action.CREATE, Action.CHANGE):
            return True
        if action == Action.DECIDE:
            return role in (Role.HEAD, Role.ADMIN)
        return False


client_policy = ClientPolicy()
referral_policy = ReferralPolicy()
