"""The delivery pages: the provider's start page and clients, recording, decisions, import,
calendar, the week ahead, emergencies and the no-show rule; bad input re-renders with 400."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from atbalsts.core.roles import Role
from atbalsts.delivery.models import EmergencySituation, NoShowRule, Session
from atbalsts.plans.models import GuaranteeLetter

from .factories import LAST_MONTH, TODAY, DeliveryWorld, make_session

DAY = LAST_MONTH + dt.timedelta(days=2)


def form_data(letter: GuaranteeLetter, **data: Any) -> dict[str, Any]:
    return {
        "line_key": letter.lines[0]["key"],
        "date": DAY.isoformat(),
        "start_time": "10:00",
        "duration_minutes": "60",
        "status": "held",
        "mode": "in_person",
        "recipient": "",
        "signed_by": "client",
        **data,
    }


def test_provider_start_page_lists_own_clients(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    client.force_login(world.staff)
    page = client.get(reverse("reporting:home")).content.decode()
    assert world.client.full_name in page
    assert world.client.personal_code not in page
    assert "Mani klienti" in page


def test_my_clients_shows_services_and_quantities_only(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    client.force_login(world.staff)
    page = client.get(reverse("delivery:my_clients")).content.decode()
    assert world.client.full_name in page
    assert world.support_person.name_lv in page
    assert "10 stunda" in page
    assert world.client.personal_code not in page
    assert "2400" not in page  # the letter's money total is not the provider's business here


def test_provider_cannot_open_someone_elses_client(
    client: Any, world: DeliveryWorld, social_worker: Any, head: Any, balvi: Any
) -> None:
    from .factories import make_delivery_world, make_letter

    other = make_delivery_world(worker=social_worker, head=head, municipality=balvi)
    make_letter(other)
    client.force_login(world.staff)
    assert client.get(reverse("delivery:client_detail", args=[other.client.pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.ANALYST, Role.ACCOUNTANT])
def test_my_clients_is_for_provider_staff(
    client: Any, make_user: Any, balvi: Any, role: Role
) -> None:
    client.force_login(make_user(role, balvi))
    assert client.get(reverse("delivery:my_clients")).status_code == 403


def test_record_a_session_through_the_form(client: Any, world: DeliveryWorld, letters: Any) -> None:
    client.force_login(world.staff)
    url = reverse("delivery:session_create", args=[letters["ours"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(letters["ours"], goals_worked_on="Budžets"))
    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()
    assert session.amount == Decimal("20.00")
    detail = client.get(session.get_absolute_url()).content.decode()
    assert "Budžets" in detail


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"duration_minutes": "-5"}, "Ilgumam jābūt veselam minūšu skaitam no 1 līdz 720."),
        ({"date": (TODAY + dt.timedelta(days=3)).isoformat()}, "Nodarbību, kas vēl nav notikusi"),
        ({"mode": "remote"}, "attālināti sniegt nevar"),
        ({"start_time": "25:99"}, "Jāievada derīgs laiks."),
        ({"signed_by": ""}, "Norādiet, kas parakstīja apmeklējumu."),
    ],
)
def test_bad_session_input_re_renders_with_400(
    client: Any, world: DeliveryWorld, letters: Any, data: Any, message: str
) -> None:
    client.force_login(world.staff)
    url = reverse("delivery:session_create", args=[letters["ours"].pk])
    response = client.post(url, form_data(letters["ours"], **data))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Session.objects.exists()


def test_provider_cannot_record_under_another_providers_letter(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    client.force_login(world.staff)
    url = reverse("delivery:session_create", args=[letters["theirs"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(letters["theirs"])).status_code == 404


def test_other_provider_cannot_open_a_session_and_worker_sees_no_confidential_notes(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    session = make_session(letters["ours"], line=2, goals_worked_on="Trauksme un miegs")
    client.force_login(world.other_staff)
    assert client.get(session.get_absolute_url()).status_code == 404
    client.force_login(world.worker)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Trauksme un miegs" not in page
    assert "konfidenciāls" in page
    card = client.get(reverse("delivery:client_detail", args=[world.client.pk])).content.decode()
    assert "Trauksme un miegs" not in card
    assert "Nodarbība notika (saturs konfidenciāls)." in card


def test_worker_accepts_a_duration_difference(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    session = make_session(letters["ours"], duration_minutes=90)
    url = reverse("delivery:session_accept_duration", args=[session.pk])
    client.force_login(world.staff)
    assert client.post(url, {"reason": "Labi"}).status_code == 403
    client.force_login(world.worker)
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Saskaņots"}).status_code == 302
    session.refresh_from_db()
    assert session.is_invoiceable


def test_client_page_shows_no_shows(client: Any, world: DeliveryWorld, letters: Any) -> None:
    make_session(letters["ours"], status="no_show_no_notice")
    client.force_login(world.worker)
    page = client.get(world.client.get_absolute_url()).content.decode()
    assert "Neierašanās" in page
    assert "Bez brīdinājuma: 1; ar brīdinājumu: 0." in page


def test_calendar_month_switches_with_htmx(client: Any, world: DeliveryWorld, letters: Any) -> None:
    make_session(letters["ours"])
    client.force_login(world.staff)
    url = reverse("delivery:calendar") + f"?month={LAST_MONTH:%Y-%m}"
    page = client.get(url).content.decode()
    assert "<h1>" in page and "✓" in page
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<h1>" not in partial and 'id="calendar"' in partial
    assert world.client.full_name in partial


def test_week_page_for_the_social_worker(client: Any, world: DeliveryWorld, letters: Any) -> None:
    from atbalsts.people import services as people_services

    people_services.case_assign(
        actor=world.head, client=world.client, social_worker=world.worker, start_date=TODAY
    )
    client.force_login(world.worker)
    response = client.get(reverse("delivery:week"))
    assert response.status_code == 200
    client.force_login(world.staff)
    assert client.get(reverse("delivery:week")).status_code == 403


def test_head_declares_an_emergency_through_the_page(client: Any, world: DeliveryWorld) -> None:
    client.force_login(world.worker)
    assert client.get(reverse("delivery:emergency_declare")).status_code == 403
    client.force_login(world.head)
    url = reverse("delivery:emergency_declare")
    assert client.post(url, {"start": "", "reason": ""}).status_code == 400
    assert not EmergencySituation.objects.exists()
    response = client.post(url, {"start": TODAY.isoformat(), "reason": "Plūdi"})
    assert response.status_code == 302
    emergency = EmergencySituation.objects.get()
    end_url = reverse("delivery:emergency_end", args=[emergency.pk])
    assert client.post(end_url, {"end": "1999-01-01"}).status_code == 400
    assert client.post(end_url, {"end": TODAY.isoformat()}).status_code == 302


def test_head_sets_the_no_show_rule(client: Any, world: DeliveryWorld) -> None:
    url = reverse("delivery:no_show_rules")
    client.force_login(world.worker)
    assert client.get(url).status_code == 200
    assert client.post(url, {"share_percent": "50", "valid_from": "2026-01-01"}).status_code == 403
    client.force_login(world.head)
    response = client.post(url, {"share_percent": "150", "valid_from": "2026-01-01"})
    assert response.status_code == 400
    assert not NoShowRule.objects.exists()
    assert client.post(url, {"share_percent": "50", "valid_from": "2026-01-01"}).status_code == 302
    assert NoShowRule.objects.get().share_percent == Decimal("50")


def test_reading_a_conclusion_with_consent_is_audited(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    from atbalsts.core.audit import AuditEventType
    from atbalsts.core.models import AuditEvent
    from atbalsts.people import services as people_services

    session = make_session(letters["ours"], line=2, conclusion="Ieteicama terapija")
    client.force_login(world.worker)
    page = client.get(reverse("delivery:client_detail", args=[world.client.pk])).content.decode()
    assert "Ieteicama terapija" not in page
    assert not AuditEvent.objects.filter(event_type=AuditEventType.DELIVERY_CONCLUSION_VIEWED)
    people_services.consent_give(
        actor=world.worker,
        client=world.client,
        data={"purpose": "share_specialist_conclusion", "given_on": TODAY},
    )
    page = client.get(reverse("delivery:client_detail", args=[world.client.pk])).content.decode()
    assert "Ieteicama terapija" in page
    detail = client.get(session.get_absolute_url()).content.decode()
    assert "Ieteicama terapija" in detail
    events = AuditEvent.objects.filter(event_type=AuditEventType.DELIVERY_CONCLUSION_VIEWED)
    assert [e.extra_data["sessions"] for e in events] == [[session.pk], [session.pk]]
    # the provider reading its own conclusion is not logged
    client.force_login(world.staff)
    client.get(session.get_absolute_url())
    assert events.count() == 2


def test_worker_start_page_shows_sessions_waiting_and_the_week(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    from atbalsts.people import services as people_services

    people_services.case_assign(
        actor=world.head, client=world.client, social_worker=world.worker, start_date=TODAY
    )
    make_session(letters["ours"], duration_minutes=90)
    client.force_login(world.worker)
    page = client.get(reverse("reporting:home")).content.decode()
    assert "1 nodarbība gaida jūsu lēmumu" in page
    awaiting = client.get(reverse("delivery:awaiting")).content.decode()
    assert "ilgums jāakceptē" in awaiting
