"""Who sees a background job: the user who started it; the administrator sees every job."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from atbalsts.core.policies import Action, Policy, role_of
from atbalsts.core.roles import Role

from .models import Job

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer


class JobPolicy(Policy[Job]):
    """A job holds what its user uploaded and got back (row errors name clients' rows), so
    nobody else sees it, not even a colleague of the same municipality."""

    def visible(self, user: Viewer, queryset: QuerySet[Job]) -> QuerySet[Job]:
        role = role_of(user)
        if role is None:
            return queryset.none()
        if role == Role.ADMIN:
            return queryset
        return queryset.filter(actor_id=user.pk)

    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        role = role_of(user)
        if role is None or action != Action.VIEW:
            return False
        return role == Role.ADMIN or (obj is not None and obj.actor_id == user.pk)


job_policy = JobPolicy()
