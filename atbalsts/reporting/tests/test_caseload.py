"""The caseload of the head of social service: active cases per social worker, re-assessments
due and overdue, plans that end within 60 days."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.core.errors import NotPermitted
from atbalsts.core.roles import Role
from atbalsts.people import services as people_services
from atbalsts.people.tests.factories import make_client
from atbalsts.plans.models import PlanStatus, PlanVersion, SupportPlan
from atbalsts.reporting.selectors import caseload

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 1)
START = dt.date(2025, 1, 1)


def active_plan(client: Any, user: Any, end: dt.date, status: str = PlanStatus.ACTIVE) -> None:
    # The plan's own rules are tested in plans; here only its status and end matter.
    plan = SupportPlan.objects.create(client=client, created_by=user)
    PlanVersion.objects.create(
        plan=plan, number=1, status=status, start=START, end=end, created_by=user
    )


@pytest.fixture
def world(head: Any, balvi: Any, tukums: Any, make_user: Any) -> dict[str, Any]:
    w1 = make_user(Role.SOCIAL_WORKER, balvi, first_name="Ilze", last_name="Ozola")
    w2 = make_user(Role.SOCIAL_WORKER, balvi, first_name="Pēteris", last_name="Zariņš")

    def client(worker: Any | None, child: bool = False, assessed: dt.date | None = None) -> Any:
        c = make_client(actor=head, municipality=balvi, child=child, start_date=START)
        if worker is not None:
            people_services.case_assign(
                actor=head, client=c, social_worker=worker, start_date=START
            )
        if assessed is not None:
            make_assessment(actor=head, client=c, assessed_on=assessed)
        return c

    c1 = client(w1, child=True, assessed=dt.date(2025, 9, 10))  # due 10.03.2026: soon
    c2 = client(w1)
    c3 = client(w2, assessed=dt.date(2025, 1, 15))  # due 15.01.2026: overdue
    c4 = client(w2)
    # c4 moves to Ilze from February: Pēteris's assignment ends on 31 January
    people_services.case_assign(
        actor=head, client=c4, social_worker=w1, start_date=dt.date(2026, 2, 1)
    )
    client(None, assessed=dt.date(2025, 1, 20))  # nobody holds the case; overdue
    active_plan(c2, head, dt.date(2026, 4, 15))  # ends within 60 days
    active_plan(c3, head, dt.date(2026, 12, 31))  # ends later
    active_plan(c1, head, dt.date(2026, 3, 31), status=PlanStatus.DRAFT)  # not in force
    tukums_head = make_user(Role.HEAD, tukums)
    tukums_worker = make_user(Role.SOCIAL_WORKER, tukums)
    other = make_client(actor=tukums_head, municipality=tukums, start_date=START)
    people_services.case_assign(
        actor=tukums_head, client=other, social_worker=tukums_worker, start_date=START
    )
    return {"w1": w1, "w2": w2}


def rows(result: Any) -> list[tuple[Any, ...]]:
    return [
        (
            r.municipality,
            r.worker_name,
            r.active_cases,
            r.reassessments_due,
            r.reassessments_overdue,
            r.plans_expiring,
        )
        for r in result.rows
    ]


def test_caseload_per_social_worker(head: Any, world: Any) -> None:
    result = caseload(user=head, day=DAY)
    assert rows(result) == [
        ("Balvu novads", "Ilze Ozola", 3, 1, 0, 1),
        ("Balvu novads", "Pēteris Zariņš", 1, 0, 1, 0),
        ("Balvu novads", "", 0, 0, 1, 0),  # the case nobody holds
    ]
    assert [(t.municipality, t.active_cases, t.reassessments_overdue) for t in result.totals] == [
        ("Balvu novads", 4, 2)
    ]
    assert result.plans_until == dt.date(2026, 4, 30)


def test_cases_are_counted_on_the_date(head: Any, world: Any) -> None:
    result = caseload(user=head, day=dt.date(2026, 1, 20))
    assert [(r.worker_name, r.active_cases) for r in result.rows if r.worker_id] == [
        ("Ilze Ozola", 2),
        ("Pēteris Zariņš", 2),
    ]


def test_admin_sees_every_municipality_and_may_choose_one(
    admin_user: Any, tukums: Any, world: Any
) -> None:
    result = caseload(user=admin_user, day=DAY)
    assert [t.municipality for t in result.totals] == ["Balvu novads", "Tukuma novads"]
    only = caseload(user=admin_user, day=DAY, municipality=tukums)
    assert [(t.municipality, t.active_cases) for t in only.totals] == [("Tukuma novads", 1)]


def test_head_may_not_see_another_municipality(head: Any, tukums: Any) -> None:
    with pytest.raises(NotPermitted):
        caseload(user=head, day=DAY, municipality=tukums)


@pytest.mark.parametrize(
    ("role", "own", "status"),
    [
        (Role.HEAD, True, 200),
        (Role.AUDITOR, True, 200),
        (Role.ADMIN, False, 200),
        (Role.SOCIAL_WORKER, True, 403),
        (Role.ACCOUNTANT, True, 403),
        (Role.ANALYST, False, 403),
        (Role.PROVIDER, False, 403),
    ],
)
def test_who_may_see_the_caseload(
    client: Any, make_user: Any, balvi: Any, role: Role, own: bool, status: int
) -> None:
    client.force_login(make_user(role, balvi if own else None))
    assert client.get(reverse("reporting:caseload")).status_code == status
    assert client.get("/api/reporting/caseload").status_code == status


def test_caseload_page_and_json(client: Any, head: Any, world: Any) -> None:
    client.force_login(head)
    page = client.get(reverse("reporting:caseload"), {"date": "01.03.2026"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ilze Ozola" in html and "lieta nav piešķirta" in html
    body = client.get("/api/reporting/caseload", {"date": "2026-03-01"}).json()
    assert body["date"] == "2026-03-01"
    assert body["plans_expiring_until"] == "2026-04-30"
    assert body["rows"][0] == {
        "municipality": "Balvu novads",
        "social_worker_id": world["w1"].pk,
        "social_worker": "Ilze Ozola",
        "active_cases": 3,
        "reassessments_due": 1,
        "reassessments_overdue": 0,
        "plans_expiring": 1,
    }
    assert body["totals"][0]["active_cases"] == 4


def test_caseload_bad_input(client: Any, head: Any, admin_user: Any) -> None:
    client.force_login(head)
    page = client.get(reverse("reporting:caseload"), {"date": "32.01.2026"})
    assert page.status_code == 400
    assert page.context["form"].errors["date"] == ["Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD."]
    api = client.get("/api/reporting/caseload", {"date": "x"})
    assert api.status_code == 400
    assert api.json()["errors"]["date"] == ["Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD."]
    assert client.get("/api/reporting/caseload", {"municipality": "tukums"}).status_code == 403
    client.force_login(admin_user)
    api = client.get("/api/reporting/caseload", {"municipality": "atlantida"})
    assert api.status_code == 400
    assert api.json()["errors"]["municipality"] == ["Nezināma pašvaldība."]
