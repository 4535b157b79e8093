"""Who may look up addresses and who loads the State Address Register's extract.

The register is public reference data shared by every municipality: the staff who write a
client's or a provider's address search it; the heads of social service and the administrator
load a new extract (the same national data whoever loads it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from atbalsts.core.policies import Action, Policy, role_of
from atbalsts.core.roles import Role

from .models import Address

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

_SEARCHERS = frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT, Role.AUDITOR, Role.ADMIN})
_LOADERS = frozenset({Role.HEAD, Role.ADMIN})


class AddressPolicy(Policy[Address]):
    """`Action.VIEW`: search the register; `Action.CREATE`: import an extract."""

    def visible(self, user: Viewer, queryset: QuerySet[Address]) -> QuerySet[Address]:
        return queryset if role_of(user) in _SEARCHERS else queryset.none()

    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        role = role_of(user)
        if action == Action.VIEW:
            return role in _SEARCHERS
        if action == Action.CREATE:
            return role in _LOADERS
        return False


address_policy = AddressPolicy()
