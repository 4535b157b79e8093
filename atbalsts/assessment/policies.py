"""Who may see and change assessments, budgets and allocation rules, decided in one place.

Assessments hold special-category data: only social workers, the head and auditors of the
client's municipality (and administrators) read them. Accountants see budget amounts but not
what the assessment says; analysts see no individual records at all; providers see nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

from django.db.models import QuerySet

from atbalsts.core.policies import Action, Policy, role_of
from atbalsts.core.roles import Role
from atbalsts.core.scoping import role_allows, scoped
from atbalsts.people.models import Client, Municipality

from .models import AllocationRule, BudgetOverride, BudgetPeriod, IndicativeBudget, NeedsAssessment

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor, Viewer

_WRITERS = frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.ADMIN})
_CONTENT_READERS = _WRITERS | {Role.AUDITOR}
_BUDGET_READERS = _CONTENT_READERS | {Role.ACCOUNTANT}
_DECIDERS = frozenset({Role.HEAD, Role.ADMIN})
# Who may take each action on a record of their own municipality.
_ASSESSMENT_ROLES = {
    Action.VIEW: _CONTENT_READERS,
    Action.CREATE: _WRITERS,
    Action.CHANGE: _WRITERS,
}
_BUDGET_ROLES = {**_ASSESSMENT_ROLES, Action.VIEW: _BUDGET_READERS, Action.DECIDE: _DECIDERS}


def _municipality_id_of(obj: Any) -> int | None:
    if isinstance(obj, Municipality):
        return obj.pk
    if isinstance(obj, Client):
        return obj.municipality_id
    if isinstance(obj, NeedsAssessment | BudgetPeriod):
        return obj.client.municipality_id
    if isinstance(obj, IndicativeBudget):
        return obj.period.client.municipality_id
    if isinstance(obj, BudgetOverride):
        return obj.budget.period.client.municipality_id
    return getattr(obj, "municipality_id", None)


class AssessmentPolicy(Policy[NeedsAssessment]):
    """Needs assessments. `obj` is an assessment or, for CREATE, the client."""

    def visible(
        self, user: Viewer, queryset: QuerySet[NeedsAssessment]
    ) -> QuerySet[NeedsAssessment]:
        return scoped(user, queryset, "client__municipality_id", _CONTENT_READERS)

    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        return role_allows(user, action, obj, _ASSESSMENT_ROLES, _municipality_id_of)

    def works_own_cases(self, user: Viewer) -> TypeGuard[Actor]:
        """Whether the user's work lists (re-assessments due) hold only the cases assigned to
        them: a social worker's; the head and others see their whole scope."""
        return role_of(user) == Role.SOCIAL_WORKER


class BudgetPolicy(Policy[BudgetPeriod]):
    """Budget periods, indicative budgets and their overrides.

    VIEW: see amounts and the calculation; CREATE/CHANGE: add periods, compute, propose an
    override; DECIDE: approve or reject an override.
    """

    def visible(self, user: Viewer, queryset: QuerySet[BudgetPeriod]) -> QuerySet[BudgetPeriod]:
        return scoped(user, queryset, "client__municipality_id", _BUDGET_READERS)

    def visible_budgets(
        self, user: Viewer, queryset: QuerySet[IndicativeBudget]
    ) -> QuerySet[IndicativeBudget]:
        return scoped(user, queryset, "period__client__municipality_id", _BUDGET_READERS)

    def visible_overrides(
        self, user: Viewer, queryset: QuerySet[BudgetOverride]
    ) -> QuerySet[BudgetOverride]:
        return scoped(user, queryset, "budget__period__client__municipality_id", _BUDGET_READERS)

    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        return role_allows(user, action, obj, _BUDGET_ROLES, _municipality_id_of)

    def proposed_override(self, user: Viewer, override: BudgetOverride) -> bool:
        """Whether the user proposed the override: then another person decides it."""
        return bool(override.proposed_by_id == user.pk)


class AllocationRulePolicy(Policy[AllocationRule]):
    """Allocation rules are not personal: staff may read them; the head sets their own
    municipality's rules, an administrator the national default."""

    def visible(self, user: Viewer, queryset: QuerySet[AllocationRule]) -> QuerySet[AllocationRule]:
        role = role_of(user)
        if role is None or role == Role.PROVIDER:
            return queryset.none()
        return queryset

    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        role = role_of(user)
        if role is None or role == Role.PROVIDER:
            return False
        if action == Action.VIEW:
            return True
        if action not in (Action.CREATE, Action.CHANGE):
            return False
        if role == Role.ADMIN:
            return True
        if role != Role.HEAD:
            return False
        # For CREATE, obj is the municipality (None = national); a head sets only their own.
        municipality_id = _municipality_id_of(obj) if obj is not None else None
        return municipality_id is not None and municipality_id == getattr(
            user, "municipality_id", None
        )

    def chooses_rule_scope(self, user: Viewer) -> bool:
        """Whether a new rule's form asks for its municipality (or the national default): only
        for a user bound to no municipality; everyone else writes their own municipality's."""
        return not getattr(user, "municipality_id", None)


assessment_policy = AssessmentPolicy()
budget_policy = BudgetPolicy()
rule_policy = AllocationRulePolicy()
