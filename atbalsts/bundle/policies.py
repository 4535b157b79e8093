"""Who may import a bundle: the head of social service for their municipality, and the admin."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from atbalsts.core.policies import Action, Policy, municipality_scope, role_of
from atbalsts.core.roles import Role

from .models import ImportRun

_IMPORTERS = frozenset({Role.HEAD, Role.ADMIN})


class BundlePolicy(Policy[ImportRun]):
    """`obj` is the Municipality the bundle is for, or an ImportRun."""

    def visible(self, user: Any, queryset: QuerySet[ImportRun]) -> QuerySet[ImportRun]:
        scope = municipality_scope(user)
        if role_of(user) not in _IMPORTERS or scope is False:
            return queryset.none()
        return queryset if scope is None else queryset.filter(municipality_id=scope)

    def can(self, user: Any, action: Action, obj: Any = None) -> bool:
        if role_of(user) not in _IMPORTERS:
            return False
        scope = municipality_scope(user)
        if scope is False:
            return False
        municipality_id = getattr(obj, "municipality_id", None) or getattr(obj, "pk", None)
        if scope is not None and obj is not None and municipality_id != scope:
            return False
        return action in (Action.VIEW, Action.CREATE)


bundle_policy = BundlePolicy()
