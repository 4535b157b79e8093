"""The provider's attendance grid: many sessions at once with the single session's rules, all
or nothing, every refusal naming the person and the day; recorded cells show as recorded
(issue 11, "Work that takes fewer steps": providers)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from atbalsts.core.dates import dmy
from atbalsts.core.errors import ValidationFailed
from atbalsts.delivery import services
from atbalsts.delivery.models import Session

from .factories import LAST_MONTH, DeliveryWorld, make_session

# A Wednesday of last month, wholly in the past: the grid's week runs Monday to Sunday.
DAY = LAST_MONTH + dt.timedelta(days=(2 - LAST_MONTH.weekday()) % 7 + 7)
MONDAY = DAY - dt.timedelta(days=DAY.weekday())


def _url(view: str = "week") -> str:
    return f"{reverse('delivery:grid')}?view={view}&no={DAY.isoformat()}"


def _cell(letter: Any, line: int, day: dt.date) -> str:
    return f"c-{letter.pk}-{letter.lines[line - 1]['key']}-{day.isoformat()}"


def _row(letter: Any, line: int) -> str:
    return f"r-{letter.pk}-{letter.lines[line - 1]['key']}"


def test_the_grid_shows_the_providers_rows_and_days(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    client.force_login(world.staff)
    page = client.get(_url()).content.decode()
    assert world.client.full_name in page
    assert world.support_person.name_lv in page
    assert world.psychologist.name_lv in page
    assert _cell(letters["ours"], 1, MONDAY) in page
    assert f"{MONDAY.day}.{MONDAY:%m}." in page  # the days are the columns
    assert letters["theirs"].number not in page  # the other provider's letter
    month = client.get(_url("month")).content.decode()
    assert _cell(letters["ours"], 1, LAST_MONTH) in month


def test_a_week_is_recorded_at_once_with_the_single_forms_prices(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    ours = letters["ours"]
    client.force_login(world.staff)
    data = {
        f"{_row(ours, 1)}-time": "10:00",
        f"{_row(ours, 1)}-minutes": "",
        _cell(ours, 1, MONDAY): "held:client",
        _cell(ours, 1, MONDAY + dt.timedelta(days=2)): "held:client",
        f"{_row(ours, 2)}-time": "14:30",
        _cell(ours, 2, MONDAY + dt.timedelta(days=1)): "no_show_notice",
    }
    response = client.post(_url(), data)
    assert response.status_code == 302
    sessions = list(Session.objects.order_by("date"))
    assert [(s.date, s.status, s.signed_by) for s in sessions] == [
        (MONDAY, "held", "client"),
        (MONDAY + dt.timedelta(days=1), "no_show_notice", ""),
        (MONDAY + dt.timedelta(days=2), "held", "client"),
    ]
    held = sessions[0]
    assert (held.duration_minutes, held.units, held.amount) == (
        60,
        Decimal("1.00"),
        Decimal("20.00"),
    )
    assert sessions[1].amount == Decimal("0.00")
    page = client.get(_url()).content.decode()
    assert held.get_absolute_url() in page  # a recorded cell links to its session
    assert _cell(ours, 1, MONDAY) not in page  # and offers no second choice


def test_one_bad_cell_writes_nothing_and_names_the_person_and_day(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    ours = letters["ours"]
    client.force_login(world.staff)
    bad_day = MONDAY + dt.timedelta(days=1)
    data = {
        f"{_row(ours, 1)}-time": "10:00",
        _cell(ours, 1, MONDAY): "held:client",
        _cell(ours, 1, bad_day): "held:client",
        _cell(ours, 2, bad_day): "held:client",  # its row has no start time
    }
    response = client.post(_url(), data)
    assert response.status_code == 400
    assert not Session.objects.exists()
    page = response.content.decode()
    assert "Nekas netika saglabāts." in page
    expected = f"{world.client.full_name}, {world.psychologist.name_lv}, {dmy(bad_day)}"
    assert f"{expected} („sākuma laiks”): Obligāts lauks." in page
    assert f'name="{_cell(ours, 1, MONDAY)}"' in page  # the choices stay for correcting
    assert 'aria-invalid="true"' in page


def test_a_representative_cannot_sign_where_there_is_none_and_forged_values_are_refused(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    ours = letters["ours"]
    client.force_login(world.staff)
    page = client.get(_url()).content.decode()
    assert "held:representative" not in page  # the client has no representative
    for value in ("held:representative", "held:social_worker", "<script>"):
        response = client.post(
            _url(), {f"{_row(ours, 1)}-time": "10:00", _cell(ours, 1, MONDAY): value}
        )
        assert response.status_code == 400
        assert "šādas izvēles nav" in response.content.decode()
    assert not Session.objects.exists()


def test_future_days_and_bad_parameters_give_no_500(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    ours = letters["ours"]
    client.force_login(world.staff)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    response = client.post(
        f"{reverse('delivery:grid')}?no={tomorrow.isoformat()}",
        {f"{_row(ours, 1)}-time": "10:00", _cell(ours, 1, tomorrow): "held:client"},
    )
    assert response.status_code == 400  # a future cell takes no value: nothing chosen
    assert not Session.objects.exists()
    for query in ("?no=nav-datums", "?view=%00&no=2026-13-45", "?no=0001-01-01"):
        assert client.get(reverse("delivery:grid") + query).status_code == 200
    response = client.post(
        _url(), {f"{_row(ours, 1)}-time": "25:99", _cell(ours, 1, MONDAY): "held:client"}
    )
    assert response.status_code == 400
    assert "Laikam jābūt formā SS:MM" in response.content.decode()


def test_the_grid_is_the_providers_page(client: Any, world: DeliveryWorld, letters: Any) -> None:
    client.force_login(world.worker)
    assert client.get(_url()).status_code == 403
    client.force_login(world.other_staff)
    page = client.get(_url()).content.decode()
    assert letters["ours"].number not in page


def test_htmx_saves_and_shows_the_grid_again(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    ours = letters["ours"]
    client.force_login(world.staff)
    response = client.post(
        _url(),
        {f"{_row(ours, 1)}-time": "09:00", _cell(ours, 1, MONDAY): "held:client"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith('<div id="grid"')
    assert "Reģistrēta 1 nodarbība." in page
    assert Session.objects.get().get_absolute_url() in page


# --- the service -------------------------------------------------------------------------------


def test_sessions_record_many_is_all_or_nothing(world: DeliveryWorld, letters: Any) -> None:
    ours = letters["ours"]
    key = ours.lines[0]["key"]
    make_session(ours, date=DAY)  # the cell below repeats it
    good = {"line_key": key, "date": MONDAY, "start_time": "10:00", "signed_by": "client"}
    repeat = {**good, "date": DAY}
    with pytest.raises(ValidationFailed) as exc:
        services.sessions_record_many(actor=world.staff, entries=[(ours, good), (ours, repeat)])
    assert Session.objects.count() == 1
    errors = exc.value.field_errors
    assert list(errors) == [services.entry_key(key, DAY)]
    assert errors[services.entry_key(key, DAY)][0].startswith(
        f"{world.client.full_name}, {world.support_person.name_lv}, {dmy(DAY)}"
    )
    assert "jau ir reģistrēta" in errors[services.entry_key(key, DAY)][0]
    with pytest.raises(ValidationFailed):
        services.sessions_record_many(actor=world.staff, entries=[])
    recorded = services.sessions_record_many(actor=world.staff, entries=[(ours, good)])
    assert [s.date for s in recorded] == [MONDAY]
