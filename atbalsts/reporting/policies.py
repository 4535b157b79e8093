"""Who may see which reports (docs/domain.md, "Roles" and "Reports"), decided in one place.

- The head of social service, social workers, accountants and auditors of a municipality see
  that municipality's reports; an auditor bound to no municipality audits all of them.
- The ministry analyst and the system administrator see every municipality and the national
  total. Reports are aggregates only: no names, no personal codes.
- The caseload (social workers' names and their case counts) is for the head of social
  service, and read-only for administrators and auditors.
- Small counts: the ministry analyst never gets a count of 1 or 2 persons (`hides_small_counts`,
  `SMALL_COUNT_LIMIT`) on any output — page, CSV, XLSX, PDF, API, the extract's coverage; the
  extract itself leaves out the birth year and disability group of a client whom fewer than 3
  clients of the extract share them with. The municipalities' own staff see their exact
  figures; so does the server's own report command (SYSTEM_READER), run by an operator.
- Provider staff see no reports.
- The start page shows each role the work waiting for it (`start_page`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from atbalsts.core.policies import Action, Policy, municipality_scope, role_of
from atbalsts.core.roles import Role
from atbalsts.core.scoping import role_allows, scoped
from atbalsts.people.policies import municipality_id_of

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

_REPORT_READERS = frozenset(
    {Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT, Role.AUDITOR, Role.ANALYST, Role.ADMIN}
)
_CASELOAD_READERS = frozenset({Role.HEAD, Role.AUDITOR, Role.ADMIN})
_ROLES = {Action.VIEW: _REPORT_READERS, Action.VIEW_NOTES: _CASELOAD_READERS}


@dataclass(frozen=True)
class StartPage:
    """The panels of the start page a user gets. Each panel's own selector still reads
    through its domain's policy; this only says whose work the panel is."""

    viewer_role: Role | None  # the templates tell the provider's page by it
    my_cases: bool  # the social worker's own active cases
    pending_referrals: bool  # candidates waiting for a decision
    reassessments: bool  # re-assessments due or overdue, budget overrides waiting
    lapsing_registrations: bool  # provider registrations that lapsed lately or lapse soon
    invoices_waiting: bool  # invoices waiting for the user
    budget_warnings: bool  # budgets running out or left unused
    provider_clients: bool  # the provider's clients
    sessions_awaiting: bool  # sessions waiting for a social worker's decision
    week_due: bool  # the week ahead
    plans_awaiting: bool  # drafts to finish and agreed plans to put in force


class ReportPolicy(Policy[Any]):
    """Reports over the spend ledger and the caseload.

    VIEW: the pilot report of `obj` (a municipality; None = whatever the user's scope allows);
    VIEW_NOTES: the caseload, which names social workers. `visible()` narrows any queryset
    with a `municipality` to the user's scope.
    """

    def visible(self, user: Viewer, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return self.scoped(user, queryset, "municipality_id")

    def scoped(self, user: Viewer, queryset: QuerySet[Any], path: str) -> QuerySet[Any]:
        return scoped(user, queryset, path, _REPORT_READERS)

    def is_national(self, user: Viewer) -> bool:
        """May the user see every municipality (and so choose among them)?"""
        return role_of(user) in _REPORT_READERS and municipality_scope(user) is None

    def can(self, user: Viewer, action: Action, obj: Any = None) -> bool:
        return role_allows(user, action, obj, _ROLES, municipality_id_of)

    def require_municipalities(self, user: Viewer, municipalities: Iterable[Any] | None) -> None:
        """Refuse (403) a report on any municipality outside the user's scope."""
        self.require(user, Action.VIEW)
        for municipality in municipalities or ():
            self.require(user, Action.VIEW, municipality)

    def hides_small_counts(self, user: Viewer) -> bool:
        """Counts of 1–2 persons are hidden from the ministry analyst, on every output: the
        national aggregates leave a municipality's few clients unrecognisable. The server's own
        commands (SYSTEM_READER) keep exact figures for the operator who runs them."""
        return role_of(user) == Role.ANALYST and not isinstance(user, _SystemReader)

    def start_page(self, user: Viewer) -> StartPage:
        """Which panels of the start page the user gets (none for a user without a role)."""
        role = role_of(user)
        social_worker = role == Role.SOCIAL_WORKER
        casework = role in (Role.SOCIAL_WORKER, Role.HEAD)
        return StartPage(
            viewer_role=role,
            my_cases=social_worker,
            pending_referrals=casework,
            reassessments=casework,
            lapsing_registrations=role in (Role.HEAD, Role.ADMIN),
            invoices_waiting=role in (Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT),
            budget_warnings=social_worker,
            provider_clients=role == Role.PROVIDER,
            sessions_awaiting=casework,
            week_due=social_worker,
            plans_awaiting=casework,
        )


report_policy = ReportPolicy()

# A count of persons below this, and above 0, is hidden where `hides_small_counts` says so.
SMALL_COUNT_LIMIT = 3


def is_small_count(count: int | None) -> bool:
    """A count of 1 or 2 persons (0 tells nobody anything; None is already hidden)."""
    return count is not None and 0 < count < SMALL_COUNT_LIMIT


class _SystemReader:
    """Whoever runs a report command on the server: the ministry analyst's scope (every
    municipality, aggregates only), and no user record of its own."""

    role = Role.ANALYST.value
    municipality_id = None
    pk = None
    is_authenticated = True
    is_active = True


SYSTEM_READER = _SystemReader()
