"""Who may see which reports (DOMAIN.md §3, §7), decided in one place.

- The head of social service, social workers, accountants and auditors of a municipality see
  that municipality's reports; an auditor bound to no municipality audits all of them.
- The ministry analyst and the system administrator see every municipality and the national
  total. Reports are aggregates only: no names, no personal codes.
- The caseload (social workers' names and their case counts) is for the head of social
  service, and read-only for administrators and auditors.
- Provider staff see no reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from atbalsts.core.policies import Action, Policy, municipality_scope, role_of
from atbalsts.core.roles import Role
from atbalsts.people.models import Municipality

_REPORT_READERS = frozenset(
    {Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT, Role.AUDITOR, Role.ANALYST, Role.ADMIN}
)
_CASELOAD_READERS = frozenset({Role.HEAD, Role.AUDITOR, Role.ADMIN})


def _municipality_id_of(obj: Any) -> int | None:
    if isinstance(obj, Municipality):
        return obj.pk
    if isinstance(obj, int):
        return obj
    return getattr(obj, "municipality_id", None)


class ReportPolicy(Policy[Any]):
    """Reports over the spend ledger and the caseload.

    VIEW: the pilot report of `obj` (a municipality; None = whatever the user's scope allows);
    VIEW_NOTES: the caseload, which names social workers. `visible()` narrows any queryset
    with a `municipality` to the user's scope.
    """

    def visible(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return self.scoped(user, queryset, "municipality_id")

    def scoped(self, user: Any, queryset: QuerySet[Any], path: str) -> QuerySet[Any]:
        scope = municipality_scope(user)
        if role_of(user) not in _REPORT_READERS or scope is False:
            return queryset.none()
        if scope is None:
            return queryset
        return queryset.filter(**{path: scope})

    def is_national(self, user: Any) -> bool:
        """May the user see every municipality (and so choose among them)?"""
        return role_of(user) in _REPORT_READERS and municipality_scope(user) is None

    def can(self, user: Any, action: Action, obj: Any = None) -> bool:
        role = role_of(user)
        scope = municipality_scope(user)
        if role is None or scope is False:
            return False
        if obj is not None and scope is not None and _municipality_id_of(obj) != scope:
            return False
        if action == Action.VIEW:
            return role in _REPORT_READERS
        if action == Action.VIEW_NOTES:
            return role in _CASELOAD_READERS
        return False

    def require_municipalities(self, user: Any, municipalities: Iterable[Any] | None) -> None:
        """Refuse (403) a report on any municipality outside the user's scope."""
        self.require(user, Action.VIEW)
        for municipality in municipalities or ():
            self.require(user, Action.VIEW, municipality)


report_policy = ReportPolicy()


class _SystemReader:
    """Whoever runs a report command on the server: the ministry analyst's scope (every
    municipality, aggregates only), and no user record of its own."""

    role = Role.ANALYST.value
    municipality_id = None
    pk = None
    is_authenticated = True
    is_active = True


SYSTEM_READER = _SystemReader()
