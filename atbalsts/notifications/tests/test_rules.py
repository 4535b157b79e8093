"""Each reminder rule on a fixed day: the expected notifications for the expected people, and
nothing new when the run is repeated."""

import datetime as dt

import pytest
from django.urls import reverse

from atbalsts.assessment.dates import add_months
from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.billing.tests.factories import (
    approved,
    confirm,
    lower_budget,
    record_sessions,
    submit,
)
from atbalsts.catalog.tests.factories import make_provider, make_registration
from atbalsts.delivery.tests.factories import END, LAST_MONTH, START, make_letter, make_session
from atbalsts.notifications.models import Notification, NotificationKind
from atbalsts.people import services as people_services
from atbalsts.people.tests.factories import make_client

from .helpers import made, run

pytestmark = pytest.mark.django_db

K = NotificationKind


@pytest.fixture
def child(social_worker, head, balvi):
    """A child whose case the social worker holds, assessed on 10.01.2026: due 10.07.2026."""
    client = make_client(actor=social_worker, municipality=balvi, child=True)
    people_services.case_assign(
        actor=head, client=client, social_worker=social_worker, start_date=dt.date(2026, 1, 5)
    )
    make_assessment(actor=social_worker, client=client)
    return client


def test_reassessment_due_goes_to_the_case_worker(social_worker, head, other_worker, child):
    counts = run(dt.date(2026, 6, 20))
    assert counts[K.REASSESSMENT_DUE] == 1
    assert counts[K.REASSESSMENT_OVERDUE] == 0
    link = reverse("people:client_detail", args=[child.pk])
    assert made(K.REASSESSMENT_DUE) == [(social_worker, link, dt.date(2026, 7, 10))]
    note = Notification.objects.get(kind=K.REASSESSMENT_DUE)
    assert note.title == "Atkārtota izvērtēšana jāveic līdz 10.07.2026: Anna Bērziņa"
    assert (note.subject_type, note.subject_id) == ("people.client", str(child.pk))
    assert run(dt.date(2026, 6, 20))[K.REASSESSMENT_DUE] == 0
    assert run(dt.date(2026, 6, 21))[K.REASSESSMENT_DUE] == 0  # the same due date: once
    assert Notification.objects.count() == 1


def test_overdue_reassessment_goes_to_the_case_worker_and_the_head(social_worker, head, child):
    counts = run(dt.date(2026, 7, 11))
    assert counts[K.REASSESSMENT_OVERDUE] == 2
    assert {r for r, _, _ in made(K.REASSESSMENT_OVERDUE)} == {social_worker, head}
    assert run(dt.date(2026, 7, 11))[K.REASSESSMENT_OVERDUE] == 0
    assert run(dt.date(2026, 8, 1))[K.REASSESSMENT_OVERDUE] == 0


def test_a_new_assessment_is_a_new_due_date(social_worker, child):
    run(dt.date(2026, 6, 20))
    make_assessment(actor=social_worker, client=child, assessed_on=dt.date(2026, 7, 1))
    assert run(dt.date(2026, 12, 15))[K.REASSESSMENT_DUE] == 1  # due 01.01.2027
    assert [d for _, _, d in made(K.REASSESSMENT_DUE)] == [
        dt.date(2026, 7, 10),
        dt.date(2027, 1, 1),
    ]


def test_plan_and_letter_ending_at_60_and_again_at_30_days(world, other_worker):
    letter = make_letter(world)
    version = letter.version
    day60 = END - dt.timedelta(days=45)
    counts = run(day60)
    assert (counts[K.PLAN_ENDING], counts[K.LETTER_ENDING]) == (1, 1)
    assert made(K.PLAN_ENDING) == [
        (world.worker, reverse("plans:version_detail", args=[version.pk]), END)
    ]
    assert made(K.LETTER_ENDING) == [
        (world.worker, reverse("plans:letter_detail", args=[letter.pk]), letter.period_end)
    ]
    counts = run(day60)
    assert (counts[K.PLAN_ENDING], counts[K.LETTER_ENDING]) == (0, 0)
    day30 = END - dt.timedelta(days=20)
    counts = run(day30)
    assert (counts[K.PLAN_ENDING], counts[K.LETTER_ENDING]) == (1, 1)
    counts = run(day30 + dt.timedelta(days=1))
    assert (counts[K.PLAN_ENDING], counts[K.LETTER_ENDING]) == (0, 0)
    assert Notification.objects.filter(recipient=other_worker).count() == 0


def test_a_plan_first_seen_within_30_days_is_announced_once(world):
    make_letter(world)
    assert run(END - dt.timedelta(days=10))[K.PLAN_ENDING] == 1
    assert run(END - dt.timedelta(days=5))[K.PLAN_ENDING] == 0
    assert run(END + dt.timedelta(days=1))[K.PLAN_ENDING] == 0


def test_nothing_ends_far_ahead(world):
    make_letter(world)
    counts = run(END - dt.timedelta(days=61))
    assert (counts[K.PLAN_ENDING], counts[K.LETTER_ENDING]) == (0, 0)


def test_registration_lapsing_goes_to_the_head(head, social_worker, balvi, tukums, make_user):
    from atbalsts.catalog.tests.factories import make_service_type
    from atbalsts.core.roles import Role

    day = dt.date(2026, 3, 1)
    covered = [make_service_type(actor=head)]
    provider = make_provider(actor=head, municipality=balvi, name="Biedrība Lapsa")
    make_registration(
        actor=head, provider=provider, service_types=covered, valid_to=dt.date(2026, 3, 20)
    )
    old = make_provider(actor=head, municipality=balvi, name="SIA Vecā")
    make_registration(
        actor=head, provider=old, service_types=covered, valid_to=dt.date(2026, 2, 25)
    )
    far = make_provider(actor=head, municipality=balvi, name="SIA Tālā")
    make_registration(actor=head, provider=far, service_types=covered, valid_to=dt.date(2026, 6, 1))
    other_head = make_user(Role.HEAD, tukums)
    assert run(day)[K.REGISTRATION_LAPSING] == 2
    titles = sorted(
        Notification.objects.filter(kind=K.REGISTRATION_LAPSING).values_list("title", flat=True)
    )
    assert titles[0].startswith("Sniedzēja Biedrība Lapsa reģistrācija SP-")
    assert titles[0].endswith("beidzas 20.03.2026")
    assert titles[1].endswith("beidzās 25.02.2026")
    assert {r for r, _, _ in made(K.REGISTRATION_LAPSING)} == {head}
    assert not Notification.objects.filter(recipient__in=[social_worker, other_head]).exists()
    assert run(day)[K.REGISTRATION_LAPSING] == 0
    assert run(day + dt.timedelta(days=3))[K.REGISTRATION_LAPSING] == 0


def test_invoices_waiting_for_confirmation_then_for_approval(world, accountant, other_worker):
    letter = make_letter(world)
    record_sessions(letter, [3, 10])
    invoice = submit(world)
    today = LAST_MONTH + dt.timedelta(days=40)
    counts = run(today)
    assert (counts[K.INVOICE_TO_CONFIRM], counts[K.INVOICE_TO_APPROVE]) == (1, 0)
    link = reverse("billing:invoice_detail", args=[invoice.pk])
    assert made(K.INVOICE_TO_CONFIRM) == [(world.worker, link, None)]
    assert run(today)[K.INVOICE_TO_CONFIRM] == 0
    confirm(world, invoice)
    counts = run(today)
    assert (counts[K.INVOICE_TO_CONFIRM], counts[K.INVOICE_TO_APPROVE]) == (0, 1)
    assert made(K.INVOICE_TO_APPROVE) == [(accountant, link, None)]
    assert run(today)[K.INVOICE_TO_APPROVE] == 0
    assert not Notification.objects.filter(recipient=other_worker).exists()


def test_sessions_waiting_for_the_decision_go_to_the_case_worker(world, other_worker):
    letter = make_letter(world)
    session = make_session(letter, duration_minutes=90)  # the letter says 60
    make_session(letter, date=LAST_MONTH + dt.timedelta(days=4))  # as the letter says
    today = LAST_MONTH + dt.timedelta(days=35)
    assert run(today)[K.SESSION_AWAITING] == 1
    assert made(K.SESSION_AWAITING) == [
        (world.worker, reverse("delivery:session_detail", args=[session.pk]), None)
    ]
    assert run(today)[K.SESSION_AWAITING] == 0
    assert not Notification.objects.filter(recipient=other_worker).exists()


def test_budget_running_out(world, accountant):
    letter = make_letter(world)
    month = add_months(START, 1)
    for day in (3, 10, 17):
        make_session(letter, date=month + dt.timedelta(days=day - 1))
    approved(world, submit(world, month=month), accountant)
    lower_budget(world, monthly="20.00")
    today = add_months(START, 2) + dt.timedelta(days=9)
    counts = run(today)
    assert (counts[K.BUDGET_RUNNING_OUT], counts[K.BUDGET_UNUSED]) == (1, 0)
    period = world.periods[0]
    assert made(K.BUDGET_RUNNING_OUT) == [
        (world.worker, reverse("people:client_detail", args=[world.client.pk]), period.end)
    ]
    assert run(today)[K.BUDGET_RUNNING_OUT] == 0
    assert run(today + dt.timedelta(days=1))[K.BUDGET_RUNNING_OUT] == 0


def test_budget_going_unused(world, accountant):
    letter = make_letter(world)
    record_sessions(letter, [3])
    approved(world, submit(world), accountant)
    today = LAST_MONTH + dt.timedelta(days=5)
    counts = run(today)
    assert (counts[K.BUDGET_RUNNING_OUT], counts[K.BUDGET_UNUSED]) == (0, 1)
    assert made(K.BUDGET_UNUSED)[0][0] == world.worker
    assert run(today)[K.BUDGET_UNUSED] == 0


def test_a_failing_rule_leaves_the_others(monkeypatch, social_worker, child):
    from atbalsts.notifications import run as run_module

    def broken(today):
        raise RuntimeError("boom")

    monkeypatch.setattr(run_module, "RULES", (broken, *run_module.RULES))
    result = run_module.run_reminders(dt.date(2026, 6, 20))
    assert result.failed == ["broken"]
    assert result.counts[K.REASSESSMENT_DUE] == 1
