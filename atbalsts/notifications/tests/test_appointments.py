"""Appointment reminders for the person: only with their recorded choice, to that address, the
day before a planned session, once; plain Latvian with when, where and with whom — nothing of
the service, the plan or a session."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from atbalsts.catalog.models import LocationKind, ProviderLocation, ServiceType
from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import DomainError, NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.delivery.selectors import planned_days
from atbalsts.delivery.tests.factories import LAST_MONTH, DeliveryWorld, make_letter, make_session
from atbalsts.notifications.reminders import appointments
from atbalsts.notifications.reminders.appointments import (
    CONTEXT_FIELDS,
    ITEM_FIELDS,
    appointment_reminders_send,
    appointments_on,
    mail_context,
)
from atbalsts.notifications.run import run_daily
from atbalsts.people import services as people_services
from atbalsts.people.models import AppointmentReminderSent

pytestmark = [pytest.mark.django_db]

SECRET_NOTE = "PIEZIME-PAR-VESELIBU"
SECRET_GOALS = "MERKI-SLEPENI"


@pytest.fixture(autouse=True)
def _locmem() -> Any:
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        yield


@pytest.fixture
def letter(world: DeliveryWorld) -> Any:
    return make_letter(world)


@pytest.fixture
def planned(letter: Any) -> dt.date:
    """A day the calendar plans a session on in LAST_MONTH (not its first)."""
    line = letter.lines[0]
    unit = ServiceType.objects.get(pk=line["service_type_id"]).unit
    days = planned_days(line, unit, LAST_MONTH)
    return next(d for d in days if d > LAST_MONTH)


def opt_in(world: DeliveryWorld, email: str = "persona@example.lv") -> Any:
    return people_services.reminders_opt_in(
        actor=world.worker,
        client=world.client,
        data={"email": email, "opted_in_on": LAST_MONTH},
    )


def bodies() -> str:
    return "\n".join(m.subject + "\n" + m.body for m in mail.outbox)


def test_no_choice_no_mail(world: DeliveryWorld, letter: Any, planned: dt.date) -> None:
    world.client.email = "persona@example.lv"
    world.client.save()
    counts = appointment_reminders_send(planned - dt.timedelta(days=1))
    assert counts.sent == 0
    assert mail.outbox == []


def test_the_day_before_a_planned_session_one_mail_then_none(
    world: DeliveryWorld, letter: Any, planned: dt.date
) -> None:
    opt_in(world)
    today = planned - dt.timedelta(days=1)

    first = appointment_reminders_send(today)
    second = appointment_reminders_send(today)

    assert (first.sent, second.sent, second.skipped) == (1, 0, 1)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["persona@example.lv"]
    assert f"rīt, {planned:%d.%m.%Y}, Jums ir tikšanās" in message.subject
    assert world.provider.name in message.body
    assert AppointmentReminderSent.objects.get().day == planned
    # A day without a planned session: nothing.
    mail.outbox.clear()
    quiet = next(
        d
        for d in (LAST_MONTH + dt.timedelta(days=i) for i in range(28))
        if d not in appointments_planned(letter)
    )
    assert appointment_reminders_send(quiet - dt.timedelta(days=1)).sent == 0
    assert mail.outbox == []


def appointments_planned(letter: Any) -> list[dt.date]:
    line = letter.lines[0]
    unit = ServiceType.objects.get(pk=line["service_type_id"]).unit
    return planned_days(line, unit, LAST_MONTH)


def test_only_to_the_opted_in_address_and_not_after_opting_out(
    world: DeliveryWorld, letter: Any, planned: dt.date
) -> None:
    world.client.email = "cita@example.lv"
    world.client.save()
    opt_in(world, "izveleta@example.lv")
    appointment_reminders_send(planned - dt.timedelta(days=1))
    assert [m.to for m in mail.outbox] == [["izveleta@example.lv"]]

    people_services.reminders_opt_out(actor=world.worker, client=world.client)
    mail.outbox.clear()
    later = next(d for d in appointments_planned(letter) if d > planned)
    assert appointment_reminders_send(later - dt.timedelta(days=1)).sent == 0
    assert mail.outbox == []


def test_the_mail_says_when_where_and_with_whom_and_nothing_else(
    world: DeliveryWorld, letter: Any, planned: dt.date
) -> None:
    ProviderLocation.objects.create(
        provider=world.provider,
        kind=LocationKind.PREMISES,
        municipality=world.client.municipality,
        address="Brīvības iela 1, Balvi",
    )
    world.provider.phone = "64500000"
    world.provider.save()
    world.client.notes = SECRET_NOTE
    world.client.save()
    make_session(letter, date=LAST_MONTH, start_time="09:30", goals_worked_on=SECRET_GOALS)
    opt_in(world)

    run_daily(planned - dt.timedelta(days=1))

    text = bodies()
    assert "Jums ir tikšanās" in text
    assert "09:30" in text
    assert "Brīvības iela 1, Balvi" in text
    assert "64500000" in text
    service = ServiceType.objects.get(pk=letter.lines[0]["service_type_id"])
    for secret in (
        SECRET_NOTE,
        SECRET_GOALS,
        service.name_lv,
        world.client.personal_code,
        world.client.last_name,
        letter.number,
    ):
        assert secret not in text


def test_the_mail_context_is_an_allow_list(
    world: DeliveryWorld, letter: Any, planned: dt.date
) -> None:
    context = mail_context(planned, appointments_on(world.client, planned))
    assert set(context) == CONTEXT_FIELDS
    assert context["items"]
    for item in context["items"]:
        assert set(item) == ITEM_FIELDS


def test_a_mail_server_failure_is_tried_again(
    world: DeliveryWorld, letter: Any, planned: dt.date, monkeypatch: Any
) -> None:
    opt_in(world)

    def refuse(*args: Any, **kwargs: Any) -> int:
        raise OSError("mail server down")

    monkeypatch.setattr(appointments.EmailMessage, "send", refuse)
    assert appointment_reminders_send(planned - dt.timedelta(days=1)).failed == 1
    assert not AppointmentReminderSent.objects.exists()
    monkeypatch.undo()
    assert appointment_reminders_send(planned - dt.timedelta(days=1)).sent == 1


# --- recording the choice ------------------------------------------------------------------------


def test_opt_in_is_audited_with_who_and_when_and_refuses_bad_input(
    world: DeliveryWorld, make_user: Any, balvi: Any
) -> None:
    with pytest.raises(ValidationFailed) as bad:
        people_services.reminders_opt_in(
            actor=world.worker,
            client=world.client,
            data={"email": "nav-adrese", "opted_in_on": LAST_MONTH},
        )
    assert "email" in bad.value.field_errors
    with pytest.raises(ValidationFailed):
        people_services.reminders_opt_in(
            actor=world.worker, client=world.client, data={"email": "a@b.lv", "secret": 1}
        )
    choice = opt_in(world)
    assert choice.recorded_by == world.worker
    assert choice.opted_in_on == LAST_MONTH
    event = AuditEvent.objects.filter(event_type=AuditEventType.CONSENT_GIVEN).get()
    assert event.extra_data["purpose"] == "appointment_reminders"
    assert "persona@example.lv" not in str(event.extra_data)
    with pytest.raises(DomainError):
        opt_in(world)  # one active choice at a time
    with pytest.raises(NotPermitted):
        people_services.reminders_opt_in(
            actor=make_user(Role.ACCOUNTANT, balvi), client=world.client, data={}
        )


def test_the_client_page_records_and_withdraws_the_choice(
    client: Any, world: DeliveryWorld
) -> None:
    client.force_login(world.worker)
    page = client.get(world.client.get_absolute_url()).content.decode()
    assert "Atgādinājumi nav pieteikti." in page
    url = reverse("people:reminders_opt_in", args=[world.client.pk])
    assert client.post(url, {"email": "x", "opted_in_on": "02.01.2026"}).status_code == 400
    response = client.post(url, {"email": "persona@example.lv", "opted_in_on": "02.01.2026"})
    assert response.status_code == 302
    page = client.get(world.client.get_absolute_url()).content.decode()
    assert "e-pasts uz persona@example.lv" in page
    stop = reverse("people:reminders_opt_out", args=[world.client.pk])
    assert client.get(stop).status_code == 405
    assert client.post(stop).status_code == 302
    assert (
        "Atgādinājumi nav pieteikti."
        in client.get(world.client.get_absolute_url()).content.decode()
    )
    assert client.post(stop).status_code == 302  # nothing to withdraw: a message, not a 500


def test_a_representative_may_ask_but_only_the_clients_own(
    world: DeliveryWorld, social_worker: Any, head: Any, balvi: Any
) -> None:
    from atbalsts.delivery.tests.factories import make_delivery_world

    def representative(person: Any) -> Any:
        return people_services.representative_create(
            actor=world.worker,
            client=person,
            data={
                "kind": "guardian",
                "first_name": "Jānis",
                "last_name": "Ozols",
                "valid_from": LAST_MONTH,
            },
        )

    other = make_delivery_world(worker=social_worker, head=head, municipality=balvi)
    with pytest.raises(ValidationFailed) as refused:
        people_services.reminders_opt_in(
            actor=world.worker,
            client=world.client,
            data={
                "email": "a@b.lv",
                "opted_in_on": LAST_MONTH,
                "requested_by_representative": representative(other.client),
            },
        )
    assert "requested_by_representative" in refused.value.field_errors
    own = representative(world.client)
    choice = people_services.reminders_opt_in(
        actor=world.worker,
        client=world.client,
        data={"email": "a@b.lv", "opted_in_on": LAST_MONTH, "requested_by_representative": own},
    )
    assert choice.requested_by_representative == own
