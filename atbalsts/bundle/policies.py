"""Who may import a bundle: the head of social service for their municipality, and the admin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Model, QuerySet

from atbalsts.core.errors import NotPermitted
from atbalsts.core.policies import Action, Policy, municipality_scope, role_of
from atbalsts.core.roles import Role
from atbalsts.core.scoping import scoped

from .models import ImportRun

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer
    from atbalsts.people.models import Municipality

_IMPORTERS = frozenset({Role.HEAD, Role.ADMIN})


class BundlePolicy(Policy[ImportRun]):
    """`obj` is the Municipality the bundle is for, or an ImportRun."""

    def visible(self, user: Viewer, queryset: QuerySet[ImportRun]) -> QuerySet[ImportRun]:
        return scoped(user, queryset, "municipality_id", _IMPORTERS)

    def can(self, user: Viewer, action: Action, obj: Model | None = None) -> bool:
        if role_of(user) not in _IMPORTERS:
            return False
        scope = municipality_scope(user)
        if scope is False:
            return False
        municipality_id = getattr(obj, "municipality_id", None) or getattr(obj, "pk", None)
        if scope is not None and obj is not None and municipality_id != scope:
            return False
        return action in (Action.VIEW, Action.CREATE)

    def may_import(self, user: Viewer, municipality: Municipality | None = None) -> bool:
        """Whether the user may import a bundle for `municipality` (None: the import page,
        where an administrator chooses the municipality)."""
        return self.can(user, Action.CREATE, municipality)

    def require_import(self, user: Viewer, municipality: Municipality) -> None:
        """What the import service asks first: the same answer the page and the API get."""
        if not self.may_import(user, municipality):
            raise NotPermitted()


bundle_policy = BundlePolicy()
