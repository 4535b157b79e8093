"""The calendar (planned sessions spread from the letters, recorded ones), the social
worker's week, and the reads billing relies on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from atbalsts.delivery import selectors
from atbalsts.delivery.errors import NoLetter
from atbalsts.people import services as people_services

from .factories import LAST_MONTH, TODAY, DeliveryWorld, make_letter, make_letters, make_session

LINE = {
    "quantity": "4.00",
    "session_minutes": 60,
    "start": "2026-01-01",
    "end": "2026-12-31",
}


def test_expected_sessions_per_unit() -> None:
    assert selectors.expected_sessions({**LINE, "quantity": "10.00"}, "hour") == 10
    assert selectors.expected_sessions({**LINE, "session_minutes": 90}, "hour") == 3
    assert selectors.expected_sessions(LINE, "session") == 4
    assert selectors.expected_sessions(LINE, "km") == 0


def test_planned_days_are_spread_over_working_days() -> None:
    days = selectors.planned_days(LINE, "session", dt.date(2026, 6, 1))
    assert days == [
        dt.date(2026, 6, 3),
        dt.date(2026, 6, 11),
        dt.date(2026, 6, 18),
        dt.date(2026, 6, 26),
    ]
    assert all(d.weekday() < 5 for d in days)
    # a line that starts mid-month plans only from its start
    late = {**LINE, "start": "2026-06-22"}
    assert all(
        d >= dt.date(2026, 6, 22)
        for d in selectors.planned_days(late, "session", dt.date(2026, 6, 1))
    )
    assert selectors.planned_days(LINE, "session", dt.date(2027, 1, 1)) == []


def test_parse_month() -> None:
    assert selectors.parse_month("2026-10", TODAY) == dt.date(2026, 10, 1)
    for junk in ("", "2026-13", "x", None, "2026-10-01"):
        assert selectors.parse_month(junk, TODAY) == TODAY.replace(day=1)


def test_calendar_month_per_client_and_per_provider(world: DeliveryWorld) -> None:
    letters = make_letters(world, lines=[{}, {"provider": world.other_provider, "quantity": "5"}])
    ours = make_session(letters[world.provider.pk])
    theirs = make_session(letters[world.other_provider.pk])
    month = selectors.calendar_month(user=world.worker, month=LAST_MONTH, client=world.client)
    assert {(r.provider_name, r.recorded, len(r.planned)) for r in month.rows} == {
        (world.provider.name, 1, 10),
        (world.other_provider.name, 1, 5),
    }
    by_provider = selectors.calendar_month(
        user=world.worker, month=LAST_MONTH, provider_id=world.other_provider.pk
    )
    assert [r.provider_name for r in by_provider.rows] == [world.other_provider.name]
    cells = by_provider.table()[0][1]
    assert [s.pk for c in cells for s in c["sessions"]] == [theirs.pk]
    staff_view = selectors.calendar_month(user=world.staff, month=LAST_MONTH)
    assert [s.pk for r in staff_view.rows for d in r.sessions.values() for s in d] == [ours.pk]


def test_week_due_lists_the_workers_cases(world: DeliveryWorld) -> None:
    make_letter(world)
    assert selectors.week_due(user=world.worker) == []  # not the worker's case yet
    people_services.case_assign(
        actor=world.head, client=world.client, social_worker=world.worker, start_date=TODAY
    )
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    week = selectors.week_due(user=world.worker, today=monday + dt.timedelta(days=14))
    assert len(week) == 1
    entry = week[0]
    assert entry.client == world.client and entry.provider_name == world.provider.name
    assert entry.planned and all(d.weekday() < 5 for d in entry.planned)


def test_sessions_for_invoice_and_letter_line(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    held = make_session(letter)
    no_show = make_session(letter, status="no_show_no_notice", date=LAST_MONTH)
    make_session(letter, status="no_show_notice", date=LAST_MONTH + dt.timedelta(days=5))
    make_session(letter, status="cancelled", date=LAST_MONTH + dt.timedelta(days=6))
    make_session(letter, date=TODAY.replace(day=1))  # another month
    found = selectors.sessions_for_invoice(
        provider=world.provider, municipality=world.municipality, month=LAST_MONTH
    )
    assert {s.pk for s in found} == {held.pk, no_show.pk}
    line = selectors.letter_line(letter, held.line_key)
    assert line["unit_price"] == "20.00" and Decimal(line["quantity"]) == 10
    try:
        selectors.letter_line(letter, "00000000-0000-0000-0000-000000000000")
    except NoLetter as exc:
        assert exc.field == "line_key"
    else:  # pragma: no cover
        raise AssertionError("expected NoLetter")


def test_provider_sees_emergencies_to_know_when_remote_is_allowed(
    world: DeliveryWorld, make_user: Any
) -> None:
    from atbalsts.delivery import services

    services.emergency_declare(
        actor=world.head, municipality=world.municipality, data={"start": TODAY, "reason": "x"}
    )
    assert selectors.emergency_list(user=world.staff).count() == 1
    from atbalsts.core.roles import Role

    assert selectors.emergency_list(user=make_user(Role.ANALYST, None)).count() == 0
