"""The pilot report's evaluation: goals' outcomes at review, and the budget needed per band
(`needed`).

Two queries for the outcomes and one for the budget needed, whatever the data size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
)

from atbalsts.assessment.models import LifeDomain, domains_for
from atbalsts.people.models import Municipality
from atbalsts.plans.models import Goal, GoalOutcome, PlanReview

from ..policies import report_policy
from .common import _ids
from .needed import budget_needed_by_band, budget_needed_with_counts
from .pilot import PilotReport, pilot_report

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer


# --- outcomes: goals at review, and what changed in the person's life -------------------------


@dataclass(frozen=True)
class DomainOutcomes:
    domain: str
    label: str
    # None: 1–2 goals (so of 1–2 persons), hidden (`hide_small_counts`)
    achieved: int | None = 0
    partly: int | None = 0
    not_achieved: int | None = 0

    @property
    def total(self) -> int:
        return (self.achieved or 0) + (self.partly or 0) + (self.not_achieved or 0)


@dataclass(frozen=True)
class OutcomesReport:
    domains: list[DomainOutcomes]
    # None: 1–2 persons, hidden (`hide_small_counts`)
    reviewed_clients: int | None = 0
    started_paid_work: int | None = 0
    moved_to_live_on_own: int | None = 0
    widened_support_circle: int | None = 0

    @property
    def goals_total(self) -> int:
        return sum(d.total for d in self.domains)


def outcomes_report(
    *,
    user: Viewer,
    municipalities: Sequence[Municipality | int] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
) -> OutcomesReport:
    """Goals achieved / partly / not per life domain, judged at reviews in the period (a goal
    carried into later versions counts once, with its latest outcome), and the number of
    people who, at a review in the period, had started paid work, moved to live on their own,
    widened their support circle (each person once). Two queries whatever the data size."""
    report_policy.require_municipalities(user, municipalities)
    ids = _ids(municipalities)
    goals = report_policy.scoped(
        user,
        Goal.objects.exclude(outcome="").filter(
            outcome_reviewed_on__gte=date_from, outcome_reviewed_on__lte=date_to
        ),
        "version__plan__client__municipality_id",
    )
    reviews = report_policy.scoped(
        user,
        PlanReview.objects.filter(reviewed_on__gte=date_from, reviewed_on__lte=date_to),
        "plan__client__municipality_id",
    )
    if ids:
        goals = goals.filter(version__plan__client__municipality_id__in=ids)
        reviews = reviews.filter(plan__client__municipality_id__in=ids)
    if target_group:
        goals = goals.filter(version__plan__client__target_group=target_group)
        reviews = reviews.filter(plan__client__target_group=target_group)
    # A goal carried into later versions counts once, with its latest outcome: the goals of
    # the same plan and key judged later (by date, then version, then id) rule it out. The
    # database counts per domain and outcome; Python gets a few dozen rows.
    later = (
        Goal.objects.exclude(outcome="")
        .filter(
            version__plan_id=OuterRef("version__plan_id"),
            key=OuterRef("key"),
            outcome_reviewed_on__gte=date_from,
            outcome_reviewed_on__lte=date_to,
        )
        .filter(
            Q(outcome_reviewed_on__gt=OuterRef("outcome_reviewed_on"))
            | Q(
                outcome_reviewed_on=OuterRef("outcome_reviewed_on"),
                version__number__gt=OuterRef("version__number"),
            )
            | Q(
                outcome_reviewed_on=OuterRef("outcome_reviewed_on"),
                version__number=OuterRef("version__number"),
                pk__gt=OuterRef("pk"),
            )
        )
    )
    counts: dict[str, dict[str, int]] = {}
    for domain, outcome, number in (
        goals.exclude(Exists(later))
        .order_by()
        .values("domain", "outcome")
        .annotate(number=Count("id"))
        .values_list("domain", "outcome", "number")
    ):
        counts.setdefault(domain, {})[outcome] = number
    order = list(domains_for(target_group)) if target_group else list(LifeDomain)
    order += [LifeDomain(d) for d in counts if LifeDomain(d) not in order]
    shown = [d for d in order if target_group or d.value in counts]
    people = reviews.aggregate(
        clients=Count("plan__client_id", distinct=True),
        work=Count("plan__client_id", distinct=True, filter=Q(started_paid_work=True)),
        own=Count("plan__client_id", distinct=True, filter=Q(moved_to_live_on_own=True)),
        circle=Count("plan__client_id", distinct=True, filter=Q(widened_support_circle=True)),
    )
    return OutcomesReport(
        domains=[
            DomainOutcomes(
                domain=d.value,
                label=str(d.label),
                achieved=counts.get(d.value, {}).get(GoalOutcome.ACHIEVED, 0),
                partly=counts.get(d.value, {}).get(GoalOutcome.PARTLY, 0),
                not_achieved=counts.get(d.value, {}).get(GoalOutcome.NOT_ACHIEVED, 0),
            )
            for d in shown
        ],
        reviewed_clients=people["clients"] or 0,
        started_paid_work=people["work"] or 0,
        moved_to_live_on_own=people["own"] or 0,
        widened_support_circle=people["circle"] or 0,
    )


def pilot_report_evaluated(
    *,
    user: Viewer,
    municipalities: Sequence[Municipality] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
) -> PilotReport:
    """The pilot report with its evaluation: outcomes and the budget actually needed per band,
    counts of 1–2 persons hidden where the reporting policy says so (`hide_small_counts`)
    (4 + 2 + 1 queries whatever the data size; 6 for one target group, whose budget needed
    counts the report's clients and months as well: `budget_needed_with_counts`)."""
    params: dict[str, Any] = {
        "user": user,
        "municipalities": municipalities,
        "target_group": target_group,
        "date_from": date_from,
        "date_to": date_to,
    }
    if target_group:  # one group: the budget needed's rows count the clients too (6 queries)
        bands, clients, months = budget_needed_with_counts(**params)
        report = replace(
            pilot_report(**params, counted=(clients, months)),
            outcomes=outcomes_report(**params),
            budget_needed=bands,
        )
    else:
        report = replace(
            pilot_report(**params),
            outcomes=outcomes_report(**params),
            budget_needed=budget_needed_by_band(**params),
        )
    if report_policy.hides_small_counts(user):
        from ..suppression import hide_small_counts

        return hide_small_counts(report)
    return report
