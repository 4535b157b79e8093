"""A new client belongs to someone: the social worker who registers them holds the case (the
head may reassign it, the same day too), and the head's start page lists the clients nobody
holds (issue 11, "records that must not be wrong" 5)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from atbalsts.core.audit import AuditEventType
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.people import selectors, services
from atbalsts.people.models import CaseAssignment, ClientStatus
from atbalsts.people.tests.factories import make_client
from atbalsts.plans.selectors import social_worker_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_the_social_worker_who_registers_a_client_holds_the_case(social_worker, balvi):
    client = make_client(actor=social_worker, municipality=balvi, keep_case=True)
    case = CaseAssignment.objects.get(client=client)
    assert case.social_worker == social_worker
    assert case.start_date == client.start_date and case.end_date is None
    assert social_worker_of(client, TODAY) == social_worker
    assert client in selectors.my_active_cases(user=social_worker)
    event = AuditEvent.objects.get(event_type=AuditEventType.CASE_ASSIGNED)
    assert event.actor == social_worker and event.client_id == client.pk


def test_a_client_registered_for_a_later_day_is_held_from_today(social_worker, balvi):
    later = TODAY + dt.timedelta(days=10)
    client = make_client(actor=social_worker, municipality=balvi, start_date=later, keep_case=True)
    assert CaseAssignment.objects.get(client=client).start_date == TODAY


def test_a_client_the_head_registers_waits_on_the_start_page(client, head, balvi):
    registered = make_client(actor=head, municipality=balvi, keep_case=True)
    assert not CaseAssignment.objects.filter(client=registered).exists()
    assert list(selectors.clients_without_case_worker(user=head)) == [registered]
    client.force_login(head)
    page = client.get(reverse("reporting:home")).content.decode()
    assert "Klienti bez sociālā darbinieka" in page
    assert registered.full_name in page
    assert reverse("people:case_assign", args=[registered.pk]) in page


def test_the_head_reassigns_a_client_registered_today(head, social_worker, make_user, balvi):
    registered = make_client(
        actor=social_worker, municipality=balvi, start_date=TODAY, keep_case=True
    )
    other = make_user(Role.SOCIAL_WORKER, balvi)
    services.case_assign(actor=head, client=registered, social_worker=other, start_date=TODAY)
    case = CaseAssignment.objects.get(client=registered)
    assert (case.social_worker, case.start_date, case.end_date) == (other, TODAY, None)
    assert selectors.clients_without_case_worker(user=head).count() == 0


def test_held_ended_and_closed_cases_on_the_list(head, social_worker, balvi):
    held = make_client(actor=social_worker, municipality=balvi, keep_case=True)
    ended = make_client(actor=social_worker, municipality=balvi, keep_case=True)
    CaseAssignment.objects.filter(client=ended).update(end_date=TODAY - dt.timedelta(days=1))
    closed = make_client(actor=head, municipality=balvi)
    closed.status = ClientStatus.CLOSED
    closed.save()
    waiting = list(selectors.clients_without_case_worker(user=head))
    assert ended in waiting and held not in waiting and closed not in waiting
    assert list(selectors.clients_without_case_worker(user=social_worker)) == waiting
    assert not selectors.may_assign_cases(social_worker) and selectors.may_assign_cases(head)


def test_the_start_page_block_costs_the_same_queries_for_one_or_many(client, head, balvi):
    make_client(actor=head, municipality=balvi)
    client.force_login(head)
    url = reverse("reporting:home")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        make_client(actor=head, municipality=balvi)
    with CaptureQueriesContext(connection) as five:
        page = client.get(url).content.decode()
    assert "5 klientiem nav piešķirts sociālais darbinieks." in page
    assert len(five) == len(one)
