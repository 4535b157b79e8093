"""Who may see and change people records (docs/domain.md, "Roles"), decided in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from atbalsts.core.policies import Action, Policy, role_of
from atbalsts.core.roles import Role
from atbalsts.core.scoping import in_scope, scoped

from .models import Client, Municipality, Referral

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


class ClientPolicy(Policy[Client]):
    """Clients and everything hanging off them: representatives, circle, consent, cases.

    `obj` is a Client (or, for CREATE, the Municipality the client would belong to).
    """

    def visible(self, user: Viewer, queryset: QuerySet[Client]) -> QuerySet[Client]:
        return scoped(user, queryset, "municipality_id")

    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        role = role_of(user)
        if role is None or not in_scope(user, obj, municipality_id_of):
            return False
        if action == Action.VIEW:
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
