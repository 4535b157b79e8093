"""Delivery as it really happens (issue 16): cancellations with who and why, pauses of plan
lines, and remote delivery in an emergency only after the social worker's quality decision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.delivery import selectors, services
from atbalsts.delivery.errors import RemoteNotAllowed
from atbalsts.delivery.models import Cancellation, SessionStatus
from atbalsts.delivery.selectors_cancellations import (
    cancellation_counts_by_client,
    cancellation_counts_by_provider,
    cancellation_list,
)
from atbalsts.delivery.services.cancellations import cancellation_record, session_cancel
from atbalsts.delivery.services.remote_quality import remote_quality_decide
from atbalsts.plans.selectors.pauses import letter_pauses, unpaused_share
from atbalsts.plans.services.pauses import line_pause, line_pause_end
from atbalsts.reporting.selectors.cancellations import services_not_given

from .factories import LAST_MONTH, make_letter, make_session

DAY = LAST_MONTH + dt.timedelta(days=2)


def _cancel(letter: Any, actor: Any, **data: Any) -> Cancellation:
    values = {
        "line_key": letter.lines[0]["key"],
        "date": DAY,
        "cancelled_by": "provider",
        "reason": "provider_illness",
        **data,
    }
    return cancellation_record(actor=actor, letter=letter, data=values)


# --- cancellations -----------------------------------------------------------------------------


def test_provider_records_a_cancellation_with_who_and_why(world: Any) -> None:
    letter = make_letter(world)
    cancellation = _cancel(letter, world.staff, start_time="10:00")
    assert cancellation.client == world.client
    assert cancellation.provider == world.provider
    assert cancellation.units == Decimal("1.00")  # one planned hour of the support person
    assert cancellation.amount == Decimal("20.00")  # what could not be given, never paid
    event = AuditEvent.objects.filter(
        event_type=AuditEventType.DELIVERY_CANCELLATION_RECORDED
    ).get()
    assert event.extra_data["reason"] == "provider_illness"
    assert "note" not in event.extra_data


def test_cancellation_reasons_are_checked(world: Any) -> None:
    letter = make_letter(world)
    with pytest.raises(ValidationFailed) as exc:
        _cancel(letter, world.worker, cancelled_by="person", reason="other")
    assert exc.value.field_errors == {"note": ["Citam iemeslam ierakstiet paskaidrojumu."]}
    with pytest.raises(ValidationFailed) as exc:
        _cancel(letter, world.worker, cancelled_by="person", reason="provider_illness")
    assert exc.value.field_errors == {
        "cancelled_by": ["Sniedzēja slimības dēļ nodarbību atceļ sniedzējs."]
    }
    with pytest.raises(ValidationFailed) as exc:
        _cancel(letter, world.worker, cancelled_by="", reason="")
    assert exc.value.field_errors == {
        "cancelled_by": ["Obligāts lauks."],
        "reason": ["Obligāts lauks."],
    }
    with pytest.raises(ValidationFailed) as exc:
        _cancel(letter, world.worker, date=letter.period_end + dt.timedelta(days=1))
    assert "ārpus garantijas vēstules" in exc.value.field_errors["date"][0]
    assert not Cancellation.objects.exists()


def test_the_same_planned_session_is_cancelled_once(world: Any) -> None:
    letter = make_letter(world)
    _cancel(letter, world.staff)
    with pytest.raises(ValidationFailed) as exc:
        _cancel(letter, world.worker, cancelled_by="person", reason="person_illness")
    assert "jau ir reģistrēta kā atcelta" in exc.value.field_errors["date"][0]


def test_other_providers_staff_cannot_cancel(world: Any) -> None:
    letter = make_letter(world)
    with pytest.raises(NotPermitted):
        _cancel(letter, world.other_staff)


def test_a_recorded_session_is_cancelled_and_earns_nothing(world: Any) -> None:
    letter = make_letter(world)
    session = make_session(letter)
    assert session.amount == Decimal("20.00")
    cancellation = session_cancel(
        actor=world.worker,
        session=session,
        data={"cancelled_by": "person", "reason": "person_illness"},
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.amount == Decimal("0.00")
    assert not session.is_invoiceable
    assert cancellation.session == session
    with pytest.raises(ValidationFailed):
        session_cancel(
            actor=world.worker,
            session=session,
            data={"cancelled_by": "person", "reason": "person_illness"},
        )


def test_cancellations_are_counted_per_provider_and_client(world: Any, head: Any) -> None:
    letter = make_letter(world)
    _cancel(letter, world.staff)
    _cancel(letter, world.staff, date=DAY + dt.timedelta(days=1))
    _cancel(
        letter,
        world.worker,
        date=DAY + dt.timedelta(days=2),
        cancelled_by="person",
        reason="person_illness",
    )
    (by_provider,) = cancellation_counts_by_provider(user=head)
    assert (by_provider.name, by_provider.total) == (world.provider.name, 3)
    assert by_provider.by_reason == {"provider_illness": 2, "person_illness": 1}
    assert by_provider.by_whom == {"provider": 2, "person": 1}
    (by_client,) = cancellation_counts_by_client(user=head, provider_id=world.provider.pk)
    assert by_client.pk == world.client.pk and by_client.total == 3
    # the other provider's staff see none of them
    assert cancellation_list(user=world.other_staff).count() == 0
    assert cancellation_list(user=world.staff).count() == 3


def test_the_report_names_services_not_given_by_reason(world: Any, head: Any) -> None:
    letter = make_letter(world)
    _cancel(letter, world.staff)
    _cancel(letter, world.staff, date=DAY + dt.timedelta(days=1))
    _cancel(
        letter,
        world.worker,
        date=DAY + dt.timedelta(days=2),
        cancelled_by="social_service",
        reason="other",
        note="Plūdi",
    )
    rows = services_not_given(user=head, date_from=LAST_MONTH, date_to=DAY + dt.timedelta(days=5))
    assert [(r.reason, r.sessions, r.amount) for r in rows] == [
        ("provider_illness", 2, Decimal("40.00")),
        ("other", 1, Decimal("20.00")),
    ]


# --- pauses of plan lines ----------------------------------------------------------------------


def _pause(world: Any, letter: Any, **data: Any) -> Any:
    values = {
        "line_key": letter.lines[0]["key"],
        "start": LAST_MONTH,
        "end": LAST_MONTH + dt.timedelta(days=9),
        "reason": "hospital",
        **data,
    }
    return line_pause(actor=world.worker, plan=letter.version.plan, data=values)


def test_no_session_is_accepted_in_a_pause(world: Any) -> None:
    letter = make_letter(world)
    pause = _pause(world, letter)
    with pytest.raises(ValidationFailed) as exc:
        make_session(letter, date=DAY)
    (message,) = exc.value.field_errors["date"]
    assert "ir pārtraukts (ārstēšanās slimnīcā)" in message
    # a cancellation may still be written, and a day after the pause is accepted
    make_session(letter, date=DAY, status="cancelled")
    assert make_session(letter, date=pause.end + dt.timedelta(days=1))
    assert AuditEvent.objects.filter(event_type=AuditEventType.PLAN_LINE_PAUSED).exists()


def test_pause_dates_are_checked(world: Any) -> None:
    letter = make_letter(world)
    _pause(world, letter)
    with pytest.raises(ValidationFailed) as exc:
        _pause(
            world,
            letter,
            start=LAST_MONTH + dt.timedelta(days=5),
            end=LAST_MONTH + dt.timedelta(days=20),
        )
    assert "jau ir pārtraukums" in exc.value.field_errors["start"][0]
    with pytest.raises(ValidationFailed) as exc:
        _pause(world, letter, start=letter.period_end, end=letter.period_end + dt.timedelta(days=3))
    assert "pakalpojuma periodā" in exc.value.field_errors["start"][0]
    with pytest.raises(ValidationFailed) as exc:
        _pause(
            world,
            letter,
            reason="other",
            start=DAY + dt.timedelta(days=40),
            end=DAY + dt.timedelta(days=41),
        )
    assert exc.value.field_errors == {"note": ["Citam iemeslam ierakstiet paskaidrojumu."]}
    with pytest.raises(NotPermitted):
        line_pause(
            actor=world.staff,
            plan=letter.version.plan,
            data={
                "line_key": letter.lines[0]["key"],
                "start": DAY,
                "end": DAY,
                "reason": "holiday",
            },
        )


def test_a_pause_is_ended_earlier(world: Any) -> None:
    letter = make_letter(world)
    pause = _pause(world, letter)
    line_pause_end(actor=world.worker, pause=pause, end=DAY - dt.timedelta(days=1))
    assert make_session(letter, date=DAY)


def test_calendar_and_letter_show_the_pause(world: Any) -> None:
    letter = make_letter(world)
    pause = _pause(world, letter)
    (row,) = selectors.calendar_month(user=world.worker, month=LAST_MONTH, client=world.client).rows
    assert LAST_MONTH in row.paused and pause.end in row.paused
    assert all(day > pause.end for day in row.planned)
    assert row.planned  # the rest of the month still plans sessions
    assert letter_pauses(letter) == {letter.lines[0]["key"]: [pause]}


def test_a_paused_month_keeps_its_unpaused_share(world: Any) -> None:
    letter = make_letter(world)
    month = dt.date(2026, 3, 1)  # 22 working days
    pause = _pause(world, letter)
    pause.start, pause.end = dt.date(2026, 3, 2), dt.date(2026, 3, 13)  # 10 working days
    assert unpaused_share([pause], month) == Decimal(12) / Decimal(22)
    pause.start, pause.end = dt.date(2026, 2, 20), dt.date(2026, 4, 2)
    assert unpaused_share([pause], month) == Decimal(0)
    assert unpaused_share([], month) == Decimal(1)


# --- remote delivery in an emergency -----------------------------------------------------------


@pytest.fixture
def emergency(world: Any) -> Any:
    return services.emergency_declare(
        actor=world.head,
        municipality=world.municipality,
        data={"start": LAST_MONTH - dt.timedelta(days=30), "reason": "Covid-19"},
    )


def test_remote_sessions_wait_for_the_social_workers_quality_decision(
    world: Any, emergency: Any
) -> None:
    letter = make_letter(world)
    with pytest.raises(RemoteNotAllowed) as exc:
        make_session(letter, mode="remote", evidence_protocol="Zoom")
    assert "kvalitāte saglabājas (metodikas grozījumi, 2020)" in str(exc.value.message)
    remote_quality_decide(
        actor=world.worker,
        client=world.client,
        data={
            "service_type": world.support_person.pk,
            "keeps_quality": False,
            "note": "Persona nespēj lietot video zvanu.",
            "decided_on": DAY - dt.timedelta(days=10),
        },
    )
    with pytest.raises(RemoteNotAllowed) as exc:
        make_session(letter, mode="remote", evidence_protocol="Zoom")
    assert "var sniegt tikai klātienē" in str(exc.value.message)
    remote_quality_decide(
        actor=world.worker,
        client=world.client,
        data={
            "service_type": world.support_person.pk,
            "keeps_quality": "true",
            "note": "Ar ģimenes palīdzību video zvans izdodas.",
            "decided_on": DAY - dt.timedelta(days=1),
        },
    )
    session = make_session(letter, mode="remote", evidence_protocol="Zoom")
    assert session.is_remote
    # a day before the positive decision, the negative one held
    with pytest.raises(RemoteNotAllowed):
        make_session(
            letter, mode="remote", evidence_protocol="Zoom", date=DAY - dt.timedelta(days=2)
        )


def test_a_service_remote_by_nature_needs_no_decision(world: Any) -> None:
    letter = make_letter(world, service_type=world.psychologist, quantity=Decimal("4"))
    assert make_session(letter, mode="remote", evidence_protocol="Zoom").is_remote


def test_only_the_social_service_decides_on_remote_quality(world: Any) -> None:
    data = {"service_type": world.support_person.pk, "keeps_quality": True, "note": "x"}
    with pytest.raises(NotPermitted):
        remote_quality_decide(actor=world.staff, client=world.client, data=data)
    with pytest.raises(ValidationFailed) as exc:
        remote_quality_decide(
            actor=world.worker, client=world.client, data={"keeps_quality": "varbūt"}
        )
    assert set(exc.value.field_errors) == {"service_type", "keeps_quality", "note"}


def test_the_pilot_report_page_lists_services_not_given(world: Any, head: Any, client: Any) -> None:
    from django.urls import reverse

    letter = make_letter(world)
    _cancel(letter, world.staff)
    client.force_login(head)
    params = {
        "group": world.client.target_group,
        "date_from": LAST_MONTH.isoformat(),
        "date_to": (DAY + dt.timedelta(days=5)).isoformat(),
    }
    html = client.get(reverse("reporting:pilot_report"), params).content.decode()
    assert "Nesniegtie pakalpojumi: atceltās nodarbības" in html
    assert "sniedzēja slimība" in html and "20,00\xa0€" in html
    assert "Laiks no garantijas vēstules līdz pirmajai nodarbībai" in html


def test_the_budget_forecast_leaves_paused_months_out(world: Any) -> None:
    from atbalsts.billing.selectors import LedgerRow, _forecast, period_months
    from atbalsts.core.dates import month_end
    from atbalsts.plans.models import PlanVersion
    from atbalsts.plans.selectors.pauses import paused_money_shares

    letter = make_letter(world)
    _pause(world, letter, start=LAST_MONTH, end=month_end(LAST_MONTH))
    versions = PlanVersion.objects.filter(pk=letter.version_id).select_related("plan")
    shares = paused_money_shares(versions.prefetch_related("lines"))
    assert shares == {(world.client.pk, "individual_budget"): {LAST_MONTH: Decimal(1)}}
    period = world.periods[0]
    months = period_months(period)
    row = LedgerRow(source="individual_budget", spent=Decimal("300.00"), budget=Decimal("9000"))
    today = months[3]  # three months spent in
    plain = _forecast(row, period, today)
    paused = _forecast(row, period, today, {months[1]: Decimal(1)})
    assert plain is not None and paused is not None
    assert plain.pace == Decimal("100.00") and paused.pace == Decimal("150.00")
    left = len(months) - 3
    assert paused.projected == Decimal("300.00") + Decimal("150.00") * left


def test_the_rules_read_pauses_and_decisions_once_per_check_run(
    world: Any, django_assert_num_queries: Any
) -> None:
    from atbalsts.delivery.services.checks import SessionFacts

    letter = make_letter(world)
    pause = _pause(world, letter)
    facts = SessionFacts()
    plan_id, key = letter.version.plan_id, letter.lines[0]["key"]
    with django_assert_num_queries(1):
        for offset in range(20):  # one query for every row of a bulk import's plan
            facts.line_pause_on(
                plan_id=plan_id, line_key=key, day=LAST_MONTH + dt.timedelta(days=offset)
            )
    assert facts.line_pause_on(plan_id=plan_id, line_key=key, day=pause.end) == pause
    assert (
        facts.line_pause_on(plan_id=plan_id, line_key=key, day=pause.end + dt.timedelta(1)) is None
    )
    with django_assert_num_queries(1):
        problems = {
            facts.remote_quality_problem(
                client_id=world.client.pk, service_type=world.support_person, day=DAY
            )
            for _ in range(20)
        }
    assert len(problems) == 1 and "kvalitāte saglabājas" in str(problems.pop())


def test_the_analyst_gets_no_small_count_of_services_not_given(
    world: Any, head: Any, make_user: Any
) -> None:
    """The reporting policy's small-count rule, as on every other output of the report."""
    from atbalsts.core.roles import Role

    letter = make_letter(world)
    _cancel(letter, world.staff)
    analyst = make_user(Role.ANALYST, None)
    period = {"date_from": LAST_MONTH, "date_to": DAY + dt.timedelta(days=5)}
    assert [r.sessions for r in services_not_given(user=head, **period)] == [1]
    hidden = services_not_given(user=analyst, **period)
    assert [(r.sessions, r.units, r.amount) for r in hidden] == [(None, None, None)]


def test_a_provider_id_that_is_no_number_is_ignored(world: Any, head: Any, client: Any) -> None:
    from django.urls import reverse

    """'²' passes str.isdigit() but int() refuses it: the page must not crash on it."""
    client.force_login(head)
    for raw in ("²", "9" * 30, "x"):
        assert client.get(reverse("delivery:cancellations"), {"provider": raw}).status_code == 200


def test_the_analyst_gets_no_first_session_times_of_one_or_two_letters(
    world: Any, head: Any, make_user: Any
) -> None:
    from django.utils import timezone

    from atbalsts.core.roles import Role
    from atbalsts.reporting.selectors.first_session import first_session_times

    make_letter(world)  # issued today
    period = {"date_from": LAST_MONTH, "date_to": timezone.localdate()}
    assert first_session_times(user=head, **period).letters == 1
    hidden = first_session_times(user=make_user(Role.ANALYST, None), **period)
    assert hidden.hidden and hidden.letters == 0 and hidden.median_days is None
