"""Who imports the state registers' extracts and who reads their reports.

The extracts are public national data: the heads of social service and the administrator
import them (each import then updates the registrations of the providers that user keeps);
the staff who choose providers read the reports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from atbalsts.core.policies import Action, Policy, role_of
from atbalsts.core.roles import Role

from .models import RegisterImport

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

_READERS = frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.AUDITOR, Role.ADMIN})
_IMPORTERS = frozenset({Role.HEAD, Role.ADMIN})


class RegisterPolicy(Policy[RegisterImport]):
    """`Action.VIEW`: the imports and their reports; `Action.CREATE`: import an extract."""

    def visible(self, user: Viewer, queryset: QuerySet[RegisterImport]) -> QuerySet[RegisterImport]:
        return queryset if role_of(user) in _READERS else queryset.none()

    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        role = role_of(user)
        if action == Action.VIEW:
            return role in _READERS
        if action == Action.CREATE:
            return role in _IMPORTERS
        return False


register_policy = RegisterPolicy()
