"""Who may see and change support plans and guarantee letters, decided in one place.

- Social workers and the head of the client's municipality (and administrators) write plans.
- Only the head (or an administrator) approves an individual-budget overrun.
- Accountants read the money side: lines, totals, budget fit and guarantee letters, but not
  the goals' free text nor the notes (they are the person's own words about their life), nor
  the easy-to-read summary, which is built from the goals.
- Auditors of the municipality (or of all, without one) read everything, change nothing.
- Ministry analysts see no individual plans (they get aggregates elsewhere); provider staff
  see nothing here: the delivery pages show them the clients and services of their own
  organisation's letters (delivery.policies, `delivery.selectors.letters_for_recording`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from django.db.models import QuerySet

from atbalsts.core.actors import Viewer
from atbalsts.core.policies import Action, Policy, role_of
from atbalsts.core.roles import Role
from atbalsts.core.scoping import role_allows, scoped
from atbalsts.people.models import Client, Municipality

from .models import Goal, GuaranteeLetter, PlanLine, PlanVersion, SupportPlan

if TYPE_CHECKING:
    from atbalsts.accounts.models import User

_WRITERS = frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.ADMIN})
_CONTENT_READERS = _WRITERS | {Role.AUDITOR}
_MONEY_READERS = _CONTENT_READERS | {Role.ACCOUNTANT}
_DECIDERS = frozenset({Role.HEAD, Role.ADMIN})
_BATCH_READERS = frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT})
# Who may take each action on a record of their own municipality.
_ROLES = {
    Action.VIEW: _MONEY_READERS,
    Action.VIEW_NOTES: _CONTENT_READERS,
    Action.CREATE: _WRITERS,
    Action.CHANGE: _WRITERS,
    Action.DECIDE: _DECIDERS,
}


def _municipality_id_of(obj: object) -> int | None:
    if isinstance(obj, Municipality):
        return obj.pk
    if isinstance(obj, Client):
        return obj.municipality_id
    if isinstance(obj, SupportPlan):
        return obj.client.municipality_id
    if isinstance(obj, PlanVersion):
        return obj.plan.client.municipality_id
    if isinstance(obj, Goal | PlanLine):
        return obj.version.plan.client.municipality_id
    if isinstance(obj, GuaranteeLetter):
        return obj.municipality_id
    return getattr(obj, "municipality_id", None)


class PlanPolicy(Policy[SupportPlan]):
    """Plans, their versions, goals and lines, and the guarantee letters.

    VIEW: the plan, its lines and money, the letters; VIEW_NOTES: the goals' text, notes and
    the easy-to-read summary; CREATE/CHANGE: write drafts, agree, activate, extend, issue
    letters; DECIDE: approve an individual-budget overrun. `obj` is a plan, a version, a
    letter, or (for CREATE) the client.
    """

    def visible(self, user: Viewer, queryset: QuerySet[SupportPlan]) -> QuerySet[SupportPlan]:
        return scoped(user, queryset, "client__municipality_id", _MONEY_READERS)

    def visible_versions(
        self, user: Viewer, queryset: QuerySet[PlanVersion]
    ) -> QuerySet[PlanVersion]:
        return scoped(user, queryset, "plan__client__municipality_id", _MONEY_READERS)

    def visible_letters(
        self, user: Viewer, queryset: QuerySet[GuaranteeLetter]
    ) -> QuerySet[GuaranteeLetter]:
        return scoped(user, queryset, "municipality_id", _MONEY_READERS)

    def can(self, user: Viewer, action: Action, obj: object = None) -> bool:
        return role_allows(user, action, obj, _ROLES, _municipality_id_of)

    def lists_own_cases(self, user: Viewer) -> TypeGuard[User]:
        """Whether the user's lists of plans to work on hold only their own active cases (a
        social worker's, signed in); the head's hold the whole municipality."""
        return role_of(user) == Role.SOCIAL_WORKER

    def letters_batch_municipality(self, user: Viewer) -> int | None:
        """The municipality whose letters issued in a month the user may have in one PDF:
        their own, for its social workers, head and accountants (who read the letters);
        None for anybody else (an administrator has no municipality of their own)."""
        municipality_id = getattr(user, "municipality_id", None)
        if role_of(user) in _BATCH_READERS and municipality_id is not None:
            return int(municipality_id)
        return None


plan_policy = PlanPolicy()
