"""Who sees a background job: the user who started it; the administrator sees every job.
A job's file goes only to the user who started it. Who may start which kind of job is
asked of the kind's domain, except for the kinds only an administrator starts (ADMIN_KINDS)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from atbalsts.core.policies import Action, Policy, role_of
from atbalsts.core.roles import Role

from .models import Job
from .tasks import LEDGER_REBUILD

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
        """VIEW a job (`obj`); CREATE a job of the kind `obj` (a kind in ADMIN_KINDS)."""
        role = role_of(user)
        if role is None:
            return False
        if action == Action.CREATE:
            return obj in ADMIN_KINDS and role == Role.ADMIN
        if action != Action.VIEW:
            return False
        return role == Role.ADMIN or (obj is not None and obj.actor_id == user.pk)

    def own(self, user: Viewer, queryset: QuerySet[Job]) -> QuerySet[Job]:
        """Only the jobs `user` started, whatever the role: the list "Mani fona darbi"."""
        if role_of(user) is None:
            return queryset.none()
        return queryset.filter(actor_id=user.pk)

    def can_download(self, user: Viewer, job: Job) -> bool:
        """A job's file (an export, an extract) is its starter's alone, not the
        administrator's: it holds what that user was allowed to read."""
        return role_of(user) is not None and job.actor_id == user.pk


# Kinds of job only the administrator starts (the ledger rebuild); the other kinds are asked
# of their own domain's policy.
ADMIN_KINDS = frozenset({LEDGER_REBUILD})

job_policy = JobPolicy()
