"""Who may manage API tokens and administer users, and who must sign in in two steps
(docs/domain.md, "Roles")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from atbalsts.core.policies import municipality_scope, role_of
from atbalsts.core.roles import Role
from atbalsts.people.models import Municipality

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from atbalsts.core.actors import Viewer

    from .models import User

# The roles that must use two-step sign-in unless settings.OTP_REQUIRED_ROLES says otherwise.
TWO_FACTOR_ROLES = (Role.HEAD, Role.ACCOUNTANT, Role.AUDITOR, Role.ANALYST, Role.ADMIN)


class AccountPolicy:
    """Users' own settings and the system administrator's user administration."""

    def may_manage_tokens_of(self, actor: Viewer, user: User) -> bool:
        """Everyone manages their own API tokens; the system administrator anyone's."""
        return actor.is_authenticated and (actor.pk == user.pk or actor.role == Role.ADMIN)

    def may_administer_users(self, actor: Viewer) -> bool:
        """Users are created and changed by the system administrator (or a superuser)."""
        return actor.is_authenticated and (actor.role == Role.ADMIN or actor.is_superuser)

    def must_use_two_factor(self, user: Viewer) -> bool:
        """Heads, accountants, auditors, analysts and administrators (OTP_REQUIRED_ROLES)."""
        role = role_of(user)
        required = getattr(settings, "OTP_REQUIRED_ROLES", TWO_FACTOR_ROLES)
        return role is not None and role in required

    def token_municipalities(self, user: User) -> QuerySet[Municipality]:
        """The municipalities a token of `user` may be limited to: any for a user who sees
        every municipality, their own for a user bound to one, none for a provider's staff
        (whose records follow the provider, not a municipality)."""
        scope = municipality_scope(user)
        if scope is False:
            return Municipality.objects.none()
        if scope is None:
            return Municipality.objects.all()
        return Municipality.objects.filter(pk=scope)


account_policy = AccountPolicy()
