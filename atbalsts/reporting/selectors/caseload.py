"""The head of social service's caseload: active cases, re-assessments and expiring plans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q

from atbalsts.assessment.selectors import reassessments_due
from atbalsts.core.policies import Action
from atbalsts.core.roles import Role
from atbalsts.people.models import CaseAssignment, Client, ClientStatus, Municipality
from atbalsts.plans.models import PlanStatus, PlanVersion

from ..policies import report_policy
from .common import latvian_sort_key

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

PLANS_EXPIRING_WITHIN_DAYS = 60
# A client whose last plan ended longer ago than this is out of service: their re-assessment
# is not counted as due or overdue.
PLAN_ENDED_LONG_AGO_DAYS = 92


@dataclass
class WorkerLoad:
    municipality: str
    worker_id: int | None  # None: clients whose case nobody holds
    worker_name: str
    active_cases: int = 0
    reassessments_due: int = 0
    reassessments_overdue: int = 0
    plans_expiring: int = 0
    # the clients behind the counts, (id, "first last", "last first") in Latvian order of
    # their surnames: the page links each count to its list
    due_clients: list[tuple[int, str, str]] = field(default_factory=list)
    overdue_clients: list[tuple[int, str, str]] = field(default_factory=list)
    expiring_clients: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """The id of this row's lists on the page."""
        return f"darbinieks-{self.worker_id or 'nav'}"

    @property
    def has_lists(self) -> bool:
        return bool(self.due_clients or self.overdue_clients or self.expiring_clients)


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


def _add_idle_workers(
    rows: dict[tuple[str, int | None], WorkerLoad],
    user: Viewer,
    municipality: Municipality | None,
) -> None:
    """Every active social worker in the report's scope has a row, also with no cases."""
    workers = report_policy.scoped(
        user,
        get_user_model().objects.filter(role=Role.SOCIAL_WORKER, is_active=True),
        "municipality_id",
    )
    if municipality is not None:
        workers = workers.filter(municipality=municipality)
    for w in workers.values("pk", "first_name", "last_name", "username", "municipality__name"):
        key = (w["municipality__name"], w["pk"])
        if key not in rows:
            name = f"{w['first_name']} {w['last_name']}".strip() or w["username"]
            rows[key] = WorkerLoad(municipality=key[0], worker_id=key[1], worker_name=name)


def _out_of_service(client_ids: set[int], day: dt.date) -> set[int]:
    """Clients closed, or whose last plan (agreed or in force) ended long before `day`."""
    if not client_ids:
        return set()
    long_ago = day - dt.timedelta(days=PLAN_ENDED_LONG_AGO_DAYS)
    closed = set(
        Client.objects.filter(pk__in=client_ids, status=ClientStatus.CLOSED).values_list(
            "pk", flat=True
        )
    )
    ended = (
        PlanVersion.objects.filter(plan__client_id__in=client_ids)
        .exclude(status=PlanStatus.DRAFT)
        .values("plan__client_id")
        .annotate(last_end=Max("end"))
        .filter(last_end__lt=long_ago)
        .values_list("plan__client_id", flat=True)
    )
    return closed | set(ended)


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
    _add_idle_workers(rows, user, municipality)
    due = reassessments_due(user=user, today=day)
    items = [(item, False) for item in due.due] + [(item, True) for item in due.overdue]
    if municipality is not None:
        items = [(i, o) for i, o in items if i.client.municipality_id == municipality.pk]
    gone = _out_of_service({i.client.pk for i, _ in items}, day)
    items = [(i, o) for i, o in items if i.client.pk not in gone]
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
        first, last = item.client.first_name, item.client.last_name
        entry = (item.client.pk, f"{first} {last}", f"{last} {first}")
        if overdue:
            rows[key].reassessments_overdue += 1
            rows[key].overdue_clients.append(entry)
        else:
            rows[key].reassessments_due += 1
            rows[key].due_clients.append(entry)
    for r in (
        assignments.filter(expiring)
        .values(
            "client__municipality__name",
            "social_worker_id",
            "client_id",
            "client__first_name",
            "client__last_name",
        )
        .distinct()
    ):
        key = (r["client__municipality__name"], r["social_worker_id"])
        if key in rows:
            first, last = r["client__first_name"], r["client__last_name"]
            rows[key].expiring_clients.append(
                (r["client_id"], f"{first} {last}", f"{last} {first}")
            )
    for row in rows.values():
        for names_of in (row.due_clients, row.overdue_clients, row.expiring_clients):
            names_of.sort(key=lambda entry: (latvian_sort_key(entry[2]), entry[0]))
    ordered = sorted(
        rows.values(),
        key=lambda r: (latvian_sort_key(r.municipality), r.worker_id is None, r.worker_name),
    )
    return Caseload(day=day, rows=ordered, plans_until=until)
