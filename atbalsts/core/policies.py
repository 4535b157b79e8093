"""The base of the per-domain policy objects that decide who may see and do what.

Every selector filters through `visible()` and every service asks `can()`; views and the API
never decide permissions themselves. What a user may not see is answered with 404.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from .errors import NotPermitted
from .roles import MUNICIPAL_ROLES, Role

if TYPE_CHECKING:
    from .actors import Viewer

M = TypeVar("M", bound=models.Model)


class Action(models.TextChoices):
    VIEW = "view"
    VIEW_IDENTITY = "view_identity"
    VIEW_NOTES = "view_notes"
    VIEW_AUDIT = "view_audit"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"
    ASSIGN = "assign"
    DECIDE = "decide"


def role_of(user: Viewer | None) -> Role | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        return Role(user.role)
    except ValueError:
        return None


def municipality_scope(user: Viewer | None) -> int | bool | None:
    """The municipality id a user is bound to; None for all; False for none at all.

    An API token limited to one municipality (accounts.ApiToken.municipality) narrows its
    user's scope to it: the API's auth puts `token_municipality_id` on the user it returns."""
    scope = _role_scope(user)
    limit = getattr(user, "token_municipality_id", None)
    if limit is None or scope is False:
        return scope
    return limit if scope is None or scope == limit else False


def _role_scope(user: Viewer | None) -> int | bool | None:
    if user is None or not user.is_authenticated:  # role_of would say None; mypy needs it here
        return False
    role = role_of(user)
    if role is None or role == Role.PROVIDER:
        return False
    if role in MUNICIPAL_ROLES:
        return user.municipality_id or False
    if role == Role.AUDITOR:
        return user.municipality_id  # an auditor without a municipality audits all of them
    return None


class Policy(ABC, Generic[M]):
    """Answers `can(user, action, obj)` and `visible(user, queryset)` for one domain."""

    @abstractmethod
    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool: ...

    @abstractmethod
    def visible(self, user: Viewer, queryset: QuerySet[M]) -> QuerySet[M]: ...

    def require(self, user: Viewer, action: Action, obj: Any = None) -> None:
        if not self.can(user, action, obj):
            raise NotPermitted()

    def get_visible(self, user: Viewer, queryset: QuerySet[M], **lookup: Any) -> M:
        """The object if the user may see it; otherwise 404, as if it did not exist."""
        try:
            return self.visible(user, queryset).get(**lookup)
        except (ObjectDoesNotExist, ValueError, TypeError) as exc:
            raise Http404() from exc
