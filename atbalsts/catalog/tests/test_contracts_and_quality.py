"""Provider contracts next to the letters, free places and complaints (issue 16)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from atbalsts.catalog.selectors import (
    contracts_expiring,
    provider_choice_notes,
    provider_complaints,
    provider_contracts,
)
from atbalsts.catalog.services.contracts import contract_create
from atbalsts.catalog.services.quality import capacity_set, complaint_record, complaint_resolve
from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.delivery.tests.factories import END, LAST_MONTH, START, make_letters, make_session
from atbalsts.notifications.reminders.contracts import contracts
from atbalsts.plans.models import GuaranteeLetter
from atbalsts.plans.pause_models import LetterContract
from atbalsts.plans.selectors.contracts import letter_contract_state
from atbalsts.plans.services.letter_contracts import letter_contract_choose
from atbalsts.reporting.selectors.first_session import (
    first_session_by_municipality,
    first_session_times,
)


def _contract(world: Any, number: str = "L-1", **data: Any) -> Any:
    values = {
        "number": number,
        "valid_from": START,
        "valid_to": END,
        "services": [
            {"service_type": world.support_person.pk, "unit_price": "20.00"},
            {"service_type": world.psychologist.pk, "unit_price": "40.00"},
        ],
        **data,
    }
    return contract_create(
        actor=world.head, municipality=world.municipality, provider=world.provider, data=values
    )


@pytest.fixture
def world(social_worker: Any, head: Any, balvi: Any) -> Any:
    from atbalsts.delivery.tests.factories import make_delivery_world

    return make_delivery_world(worker=social_worker, head=head, municipality=balvi)


def test_head_registers_a_contract_with_services_and_prices(world: Any) -> None:
    contract = _contract(world)
    assert {s.service_type_id: s.unit_price for s in contract.services.all()} == {
        world.support_person.pk: Decimal("20.00"),
        world.psychologist.pk: Decimal("40.00"),
    }
    assert list(provider_contracts(user=world.worker, provider=world.provider)) == [contract]
    assert list(provider_contracts(user=world.staff, provider=world.provider)) == [contract]
    assert list(provider_contracts(user=world.other_staff, provider=world.provider)) == []
    assert AuditEvent.objects.filter(event_type=AuditEventType.CATALOG_CONTRACT_CREATED).exists()


def test_contract_input_is_checked(world: Any) -> None:
    _contract(world)
    with pytest.raises(ValidationFailed) as exc:
        _contract(world, valid_to=START - dt.timedelta(days=1), services=[])
    assert exc.value.field_errors == {
        "number": ["Līgums ar šādu numuru pašvaldībā jau ir reģistrēts."],
        "services": ["Norādiet vismaz vienu pakalpojumu ar cenu."],
        "valid_to": ["Beigu datums nevar būt pirms sākuma datuma."],
    }
    with pytest.raises(NotPermitted):
        contract_create(
            actor=world.worker,
            municipality=world.municipality,
            provider=world.provider,
            data={"number": "L-2"},
        )


def test_a_letter_gets_the_one_contract_that_fits(world: Any) -> None:
    contract = _contract(world)
    letters = make_letters(world)
    letter = letters[world.provider.pk]
    link = LetterContract.objects.get(letter=letter)
    assert (link.contract, link.found_automatically) == (contract, True)
    state = letter_contract_state(letter, START)
    assert (state.contract, state.problem) == (contract, "")


def test_with_two_fitting_contracts_the_social_worker_chooses(world: Any) -> None:
    _contract(world)
    second = _contract(world, number="L-2")
    letter = make_letters(world)[world.provider.pk]
    assert not LetterContract.objects.filter(letter=letter).exists()
    state = letter_contract_state(letter, START)
    assert state.problem == "Vēstulei nav norādīts līgums, kuram tā pakļaujas."
    link = letter_contract_choose(actor=world.worker, letter=letter, contract=second)
    assert (link.contract, link.found_automatically, link.chosen_by) == (
        second,
        False,
        world.worker,
    )


def test_a_contract_that_does_not_cover_the_letter_cannot_be_chosen(world: Any) -> None:
    narrow = _contract(
        world, services=[{"service_type": world.psychologist.pk, "unit_price": "40.00"}]
    )
    letter = make_letters(world)[world.provider.pk]  # a support person's line
    assert not LetterContract.objects.filter(letter=letter).exists()
    with pytest.raises(ValidationFailed) as exc:
        letter_contract_choose(actor=world.worker, letter=letter, contract=narrow)
    assert "neattiecas uz vēstuli" in exc.value.field_errors["contract"][0]


def test_an_expired_contract_is_flagged_and_reminded(world: Any) -> None:
    contract = _contract(world, valid_to=None)
    letter = make_letters(world)[world.provider.pk]
    contract.valid_to = letter.period_end - dt.timedelta(days=40)
    contract.save()
    today = letter.period_end - dt.timedelta(days=20)
    state = letter_contract_state(letter, today)
    assert state.problem.startswith(f"Līgums {contract.number} beidzās")
    assert list(contracts_expiring(user=world.head, today=today)) == [contract]
    (reminder,) = [r for r in contracts(today) if r.recipient == world.head]
    assert reminder.title.startswith(f"Līgums {contract.number} ar sniedzēju")
    assert reminder.kind == "contract_expiring"


def test_provider_staff_enter_free_places(world: Any) -> None:
    capacity_set(
        actor=world.staff,
        provider=world.provider,
        data={"service_type": world.support_person.pk, "free_places": 3},
    )
    capacity_set(
        actor=world.staff,
        provider=world.provider,
        data={"service_type": world.support_person.pk, "free_places": "2"},
    )
    with pytest.raises(NotPermitted):
        capacity_set(
            actor=world.head,
            provider=world.provider,
            data={"service_type": world.support_person.pk, "free_places": 9},
        )
    with pytest.raises(ValidationFailed) as exc:
        capacity_set(
            actor=world.staff,
            provider=world.provider,
            data={"service_type": world.support_person.pk, "free_places": -1},
        )
    assert list(exc.value.field_errors) == ["free_places"]
    notes = provider_choice_notes(
        user=world.worker,
        provider_ids=[world.provider.pk, world.other_provider.pk],
        service_type_id=world.support_person.pk,
    )
    assert notes[world.provider.pk].free_places == 2
    assert notes[world.other_provider.pk].free_places is None


def test_complaints_are_recorded_resolved_and_shown_at_choice(world: Any, tukums: Any) -> None:
    complaint = complaint_record(
        actor=world.worker,
        provider=world.provider,
        data={
            "service_type": world.support_person.pk,
            "received_on": START,
            "source": "person",
            "summary": "Atbalsta persona vairākkārt nokavēja.",
        },
    )
    complaint_record(
        actor=world.worker,
        provider=world.provider,
        data={"received_on": START, "source": "social_worker", "summary": "Nav atskaišu."},
    )
    complaint_resolve(
        actor=world.head,
        complaint=complaint,
        data={"resolution": "Sniedzējs nomainīja darbinieku.", "resolved_on": START},
    )
    note = provider_choice_notes(
        user=world.worker, provider_ids=[world.provider.pk], service_type_id=None
    )[world.provider.pk]
    assert (note.open_complaints, note.complaints) == (1, 2)
    assert provider_complaints(user=world.staff, provider=world.provider).count() == 0
    with pytest.raises(NotPermitted):
        complaint_record(
            actor=world.staff,
            provider=world.provider,
            data={"received_on": START, "source": "person", "summary": "x"},
        )
    with pytest.raises(ValidationFailed) as exc:
        complaint_resolve(
            actor=world.head, complaint=complaint, data={"resolution": "", "resolved_on": START}
        )
    assert "Sūdzība jau ir atrisināta." in exc.value.field_errors["resolution"]


def test_time_from_letter_to_first_session(world: Any, head: Any) -> None:
    letters = make_letters(
        world, lines=[{}, {"provider": world.other_provider, "quantity": Decimal("5")}]
    )
    ours = letters[world.provider.pk]
    issued = LAST_MONTH  # letters issued a month ago (history), not now
    GuaranteeLetter.objects.filter(pk__in=[x.pk for x in letters.values()]).update(
        issued_at=dt.datetime.combine(issued, dt.time(12), tzinfo=dt.UTC)
    )
    first_day = issued + dt.timedelta(days=3)
    make_session(ours, date=first_day)
    make_session(ours, date=first_day + dt.timedelta(days=7))
    today = issued + dt.timedelta(days=20)
    times = first_session_times(user=head, date_from=issued, date_to=issued, today=today)
    assert times.letters == 2 and times.started == 1
    assert times.days == [(first_day - issued).days]
    assert times.waiting == [(today - issued).days]
    by_municipality = first_session_by_municipality(
        user=head, date_from=issued, date_to=issued, today=today
    )
    assert list(by_municipality) == [world.municipality.pk]


def test_provider_page_shows_and_writes_contracts_places_and_complaints(
    world: Any, client: Any
) -> None:
    from django.urls import reverse

    page_url = reverse("catalog:provider_detail", args=[world.provider.pk])
    client.force_login(world.head)
    page = client.post(
        reverse("catalog:contract_create", args=[world.provider.pk]),
        {
            "number": "L-77",
            "valid_from": START.isoformat(),
            "valid_to": END.isoformat(),
            "service_1": world.support_person.pk,
            "price_1": "20.00",
        },
    )
    assert page.status_code == 302
    client.force_login(world.staff)
    page = client.post(
        reverse("catalog:capacity_set", args=[world.provider.pk]),
        {"service_type": world.support_person.pk, "free_places": "4"},
    )
    assert page.status_code == 302
    html = client.get(page_url).content.decode()
    assert "L-77" in html and "<strong>4</strong>" in html
    assert "Sūdzības par kvalitāti" not in html  # the provider does not see complaints
    client.force_login(world.worker)
    url = reverse("catalog:complaint_create", args=[world.provider.pk])
    assert (
        client.post(url, {"received_on": START.isoformat(), "source": "person"}).status_code == 400
    )
    page = client.post(
        url,
        {"received_on": START.isoformat(), "source": "person", "summary": "Nokavē nodarbības."},
    )
    assert page.status_code == 302
    html = client.get(page_url).content.decode()
    assert "Nokavē nodarbības." in html and "nav atrisināta" not in html  # the form instead
    assert client.get(reverse("catalog:capacity_set", args=[world.provider.pk])).status_code == 403


def test_the_line_form_shows_free_places_and_complaints_beside_providers(
    world: Any, client: Any
) -> None:
    from django.urls import reverse

    from atbalsts.plans import services as plan_services

    version = plan_services.plan_create(
        actor=world.worker, client=world.client, start=START, end=END
    )
    capacity_set(
        actor=world.staff,
        provider=world.provider,
        data={"service_type": world.support_person.pk, "free_places": 3},
    )
    complaint_record(
        actor=world.worker,
        provider=world.other_provider,
        data={"received_on": START, "source": "person", "summary": "Nokavē."},
    )
    client.force_login(world.worker)
    url = reverse("plans:line_create", args=[version.pk])
    html = client.get(url, {"service_type": world.support_person.pk}).content.decode()
    assert f"{world.provider.name} (brīvas vietas: 3)" in html
    assert f"{world.other_provider.name} (sūdzības: 1, neatrisinātas 1)" in html
