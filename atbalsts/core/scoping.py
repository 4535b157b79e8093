"""What the domain policies share: limiting records to the user's municipality.

`core.policies.municipality_scope` says which municipality a user is bound to; these helpers
apply it the same way in every domain, each domain saying only where a record keeps its
municipality (a lookup path for querysets, a function for single objects).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import QuerySet

from .policies import Action, municipality_scope, role_of
from .roles import Role

if TYPE_CHECKING:
    from .actors import Viewer

M = TypeVar("M", bound=models.Model)


def in_scope(user: Viewer, obj: Any, municipality_id_of: Callable[[Any], int | None]) -> bool:
    """Whether `obj` lies in the user's municipality (anything does for a user bound to none;
    no object, for a question about the kind of record, always does)."""
    scope = municipality_scope(user)
    if scope is False:
        return False
    return scope is None or obj is None or municipality_id_of(obj) == scope


def scoped(
    user: Viewer, queryset: QuerySet[M], path: str, readers: Collection[Role] | None = None
) -> QuerySet[M]:
    """The records of the user's municipality, found along the lookup `path`; none for a user
    without one or, where `readers` is given, for a user whose role is not among them."""
    scope = municipality_scope(user)
    if (readers is not None and role_of(user) not in readers) or scope is False:
        return queryset.none()
    if scope is None:
        return queryset
    return queryset.filter(**{path: scope})


def role_allows(
    user: Viewer,
    action: Action,
    obj: Any,
    roles: Mapping[Action, Collection[Role]],
    municipality_id_of: Callable[[Any], int | None],
) -> bool:
    """A policy's `can` that depends only on the role and the municipality: `roles` names,
    per action, the roles that may take it on records of their own municipality."""
    role = role_of(user)
    if role is None or not in_scope(user, obj, municipality_id_of):
        return False
    return role in roles.get(action, ())
