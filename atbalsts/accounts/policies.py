"""Who may manage API tokens and administer users (docs/domain.md, "Roles")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from atbalsts.core.roles import Role

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

    from .models import User


class AccountPolicy:
    """Users' own settings and the system administrator's user administration."""

    def may_manage_tokens_of(self, actor: Viewer, user: User) -> bool:
        """Everyone manages their own API tokens; the system administrator anyone's."""
        return actor.is_authenticated and (actor.pk == user.pk or actor.role == Role.ADMIN)

    def may_administer_users(self, actor: Viewer) -> bool:
        """Users are created and changed by the system administrator (or a superuser)."""
        return actor.is_authenticated and (actor.role == Role.ADMIN or actor.is_superuser)


account_policy = AccountPolicy()
