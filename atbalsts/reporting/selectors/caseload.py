"""The head of social service's caseload: active cases, re-assessments and expiring plans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from atbalsts.assessment.selectors import reassessments_due
from atbalsts.core.policies import Action
from atbalsts.people.models import CaseAssignment, Municipality
from atbalsts.plans.models import PlanStatus

from ..policies import report_policy
from .common import latvian_sort_key

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

PLANS_EXPIRING_WITHIN_DAYS = 60


@dataclass
class WorkerLoad:
    municipality: str
    worker_id: int | None  # None: clients whose case nobody holds
    worker_name: str
    active_cases: int = 0
    reassessments_due: int = 0
    reassessments_overdue: int = 0
    plans_expiring: int = 0


@dataclass(frozen=True)
class Caseload:
    day: dt.date
    rows: list[WorkerLoad]
    plans_until: dt.date

    @property
    def totals(self) -> list[WorkerLoad]:
        """One row per municipality with the sums of its workers."""
        result: dict[str, WorkerLoad] = {}
        for row in self.rows:
            total = result.setdefault(row.municipality, WorkerLoad(row.municipality, None, ""))
            total.active_cases += row.active_cases
            total.reassessments_due += row.reassessments_due
            total.reassessments_overdue += row.reassessments_overdue
            total.plans_expiring += row.plans_expiring
        return list(result.values())


def _open_on(day: dt.date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def caseload(*, user: Viewer, day: dt.date, municipality: Municipality | None = None) -> Caseload:
    """Active cases per social worker (case assignments open on `day`), the re-assessments due
    within 30 days or overdue, and the active plans that end within 60 days, per worker."""
    report_policy.require(user, Action.VIEW_NOTES, municipality)
    until = day + dt.timedelta(days=PLANS_EXPIRING_WITHIN_DAYS)
    assignments = report_policy.scoped(
        user, CaseAssignment.objects.filter(_open_on(day)), "client__municipality_id"
    )
    if municipality is not None:
        assignments = assignments.filter(client__municipality=municipality)
    expiring = Q(
        client__support_plans__versions__status=PlanStatus.ACTIVE,
        client__support_plans__versions__end__gte=day,
        client__support_plans__versions__end__lte=until,
    )
    rows: dict[tuple[str, int | None], WorkerLoad] = {}
    for r in (
        assignments.values(
            "client__municipality__name",
            "social_worker_id",
            "social_worker__first_name",
            "social_worker__last_name",
            "social_worker__username",
        )
        .annotate(
            active=Count("client_id", distinct=True),
            expiring=Count("client_id", distinct=True, filter=expiring),
        )
        .order_by("client__municipality__name", "social_worker__last_name", "social_worker_id")
    ):
        name = f"{r['social_worker__first_name']} {r['social_worker__last_name']}".strip()
        key = (r["client__municipality__name"], r["social_worker_id"])
        rows[key] = WorkerLoad(
            municipality=key[0],
            worker_id=key[1],
            worker_name=name or r["social_worker__username"],
            active_cases=r["active"],
            plans_expiring=r["expiring"],
        )
    due = reassessments_due(user=user, today=day)
    items = [(item, False) for item in due.due] + [(item, True) for item in due.overdue]
    if municipality is not None:
        items = [(i, o) for i, o in items if i.client.municipality_id == municipality.pk]
    holders = dict(
        assignments.filter(client_id__in=[i.client.pk for i, _ in items]).values_list(
            "client_id", "social_worker_id"
        )
    )
    names = dict(
        Municipality.objects.filter(
            pk__in={i.client.municipality_id for i, _ in items}
        ).values_list("pk", "name")
    )
    for item, overdue in items:
        key = (names[item.client.municipality_id], holders.get(item.client.pk))
        if key not in rows:
            rows[key] = WorkerLoad(key[0], key[1], "")
        if overdue:
            rows[key].reassessments_overdue += 1
        else:
            rows[key].reassessments_due += 1
    ordered = sorted(
        rows.values(),
        key=lambda r: (latvian_sort_key(r.municipality), r.worker_id is None, r.worker_name),
    )
    return Caseload(day=day, rows=ordered, plans_until=until)
