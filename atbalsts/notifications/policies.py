"""Who may see a notification (its recipient only) and who receives which reminders.

- A user sees and marks only their own notifications; anyone else's is not found (404).
- Reminders about a client go to the social worker holding the client's case; the heads of
  the social service get the overdue re-assessments too and the provider registrations that
  lapse; invoices waiting for a content check go to the social workers whose cases are on
  them, invoices waiting for payment approval to the municipality's accountants.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from atbalsts.core.policies import Action, Policy, role_of
from atbalsts.core.roles import Role

from .models import Notification

if TYPE_CHECKING:
    from atbalsts.accounts.models import User
    from atbalsts.core.actors import Viewer


class NotificationPolicy(Policy[Notification]):
    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        """Every signed-in user with a role keeps their own list and their own choices."""
        if role_of(user) is None:
            return False
        if obj is None:
            return action in (Action.VIEW, Action.CHANGE)
        return isinstance(obj, Notification) and obj.recipient_id == user.pk

    def visible(self, user: Viewer, queryset: QuerySet[Notification]) -> QuerySet[Notification]:
        if role_of(user) is None:
            return queryset.none()
        return queryset.filter(recipient_id=user.pk)

    # --- recipients of the daily reminders --------------------------------------------------

    @staticmethod
    def _staff(role: Role) -> QuerySet[User]:
        users: QuerySet[User] = get_user_model().objects.filter(
            is_active=True, role=role, municipality__isnull=False
        )
        return users.order_by("pk")

    def case_workers(self) -> QuerySet[User]:
        """Users who hold clients' cases: reminders about their clients go to them."""
        return self._staff(Role.SOCIAL_WORKER)

    def heads(self) -> QuerySet[User]:
        """Heads of the social services: overdue work and lapsing registrations."""
        return self._staff(Role.HEAD)

    def payment_approvers(self) -> QuerySet[User]:
        """Accountants: invoices waiting for payment approval."""
        return self._staff(Role.ACCOUNTANT)


notification_policy = NotificationPolicy()
