"""The caseload lists every social worker (also one with no cases), its case counts link to
the client list, and a client whose plans ended long ago is not an overdue re-assessment
(issue 11, "work that takes fewer steps")."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.core.roles import Role
from atbalsts.people import services as people_services
from atbalsts.people.models import ClientStatus
from atbalsts.people.tests.factories import make_client
from atbalsts.reporting.selectors import caseload

from .test_caseload import DAY, START, active_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(head: Any, balvi: Any, make_user: Any) -> dict[str, Any]:
    busy = make_user(Role.SOCIAL_WORKER, balvi, first_name="Ilze", last_name="Ozola")
    idle = make_user(Role.SOCIAL_WORKER, balvi, first_name="Anna", last_name="Liepa")
    make_user(Role.SOCIAL_WORKER, balvi, first_name="Vecais", last_name="Konts", is_active=False)

    def held(name: str, assessed: dt.date, plan_end: dt.date | None) -> Any:
        c = make_client(actor=head, municipality=balvi, start_date=START, last_name=name)
        people_services.case_assign(actor=head, client=c, social_worker=busy, start_date=START)
        make_assessment(actor=head, client=c, assessed_on=assessed)
        if plan_end is not None:
            active_plan(c, head, plan_end)
        return c

    current = held("Dace", dt.date(2025, 1, 15), dt.date(2026, 12, 31))  # overdue, in service
    ended = held("Edgars", dt.date(2025, 1, 16), dt.date(2025, 6, 30))  # plan ended 8 months ago
    closed = held("Fricis", dt.date(2025, 1, 17), None)
    closed.status = ClientStatus.CLOSED
    closed.save()
    return {"busy": busy, "idle": idle, "current": current, "ended": ended}


def test_every_active_social_worker_has_a_row(head: Any, team: Any) -> None:
    result = caseload(user=head, day=DAY)
    names = [(r.worker_name, r.active_cases) for r in result.rows if r.worker_id]
    assert names == [("Anna Liepa", 0), ("Ilze Ozola", 3)]


def test_clients_out_of_service_are_not_overdue(head: Any, team: Any) -> None:
    result = caseload(user=head, day=DAY)
    ilze = next(r for r in result.rows if r.worker_name == "Ilze Ozola")
    assert ilze.reassessments_overdue == 1  # only the client whose plan is in force


def test_the_case_counts_link_to_the_client_list(client: Any, head: Any, team: Any) -> None:
    client.force_login(head)
    page = client.get(reverse("reporting:caseload"), {"date": "01.03.2026"}).content.decode()
    url = f"{reverse('people:client_list')}?worker={team['busy'].pk}"
    assert f'href="{url}"' in page
    listing = client.get(url).content.decode()
    assert "Dace" in listing and "Edgars" in listing and "Fricis" in listing
    idle = client.get(f"{reverse('people:client_list')}?worker={team['idle'].pk}")
    assert "Dace" not in idle.content.decode()
    assert client.get(f"{reverse('people:client_list')}?worker=x'").status_code == 200


def test_due_overdue_and_expiring_counts_link_to_their_clients(
    client: Any, head: Any, team: Any
) -> None:
    result = caseload(user=head, day=DAY)
    ilze = next(r for r in result.rows if r.worker_name == "Ilze Ozola")
    assert [name for _pk, name, _key in ilze.overdue_clients] == [
        f"{team['current'].first_name} Dace"
    ]
    assert ilze.reassessments_overdue == len(ilze.overdue_clients)
    assert ilze.plans_expiring == len(ilze.expiring_clients)
    client.force_login(head)
    page = client.get(reverse("reporting:caseload"), {"date": "01.03.2026"}).content.decode()
    anchor = f"darbinieks-{team['busy'].pk}-nokaveti"
    assert f'href="#{anchor}"' in page and f'id="{anchor}"' in page
    detail = reverse("people:client_detail", args=[team["current"].pk])
    section = page[page.index(f'id="{anchor}"') :]
    assert f'href="{detail}"' in section
    ended = reverse("people:client_detail", args=[team["ended"].pk])
    assert f'href="{ended}"' not in page  # out of service: in no list


def test_the_named_lists_are_an_audited_list_read(client: Any, head: Any, team: Any) -> None:
    from atbalsts.core.audit import AuditEventType
    from atbalsts.core.models import AuditEvent

    client.force_login(head)
    before = AuditEvent.objects.filter(event_type=AuditEventType.CLIENTS_LISTED).count()
    client.get(reverse("reporting:caseload"), {"date": "01.03.2026"})
    events = AuditEvent.objects.filter(event_type=AuditEventType.CLIENTS_LISTED)
    assert events.count() == before + 1
    assert team["current"].pk in events.latest("id").extra_data["ids"]
