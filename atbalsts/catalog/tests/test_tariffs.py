"""Tariffs: dated, never overlapping for the same provider, service and location."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings

from atbalsts.catalog import services
from atbalsts.catalog.errors import TariffOverlap
from atbalsts.catalog.models import Tariff
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role

from .factories import make_location, make_provider, make_service_type, make_tariff

D = dt.date


@pytest.fixture
def january(head, provider, service_type):
    return make_tariff(
        actor=head,
        provider=provider,
        service_type=service_type,
        valid_from=D(2026, 1, 1),
        valid_to=D(2026, 1, 31),
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2026, 1, 31), D(2026, 2, 28)),  # shares the last day
        (D(2025, 12, 1), D(2026, 1, 1)),  # shares the first day
        (D(2026, 1, 10), D(2026, 1, 20)),  # inside
        (D(2025, 12, 1), None),  # open-ended, covering it
    ],
)
def test_overlapping_periods_are_refused(head, provider, service_type, january, start, end):
    with pytest.raises(TariffOverlap) as caught:
        make_tariff(
            actor=head, provider=provider, service_type=service_type, valid_from=start, valid_to=end
        )
    assert caught.value.code == "tariff_overlap"
    assert caught.value.field == "valid_from"
    assert str(caught.value.message) == (
        "Periods pārklājas ar tarifu, kas spēkā 01.01.2026–31.01.2026 (20,00\xa0€)."
    )
    assert Tariff.objects.count() == 1


def test_adjacent_periods_are_fine(head, provider, service_type, january):
    make_tariff(actor=head, provider=provider, service_type=service_type, valid_from=D(2026, 2, 1))
    make_tariff(
        actor=head,
        provider=provider,
        service_type=service_type,
        valid_from=D(2025, 12, 1),
        valid_to=D(2025, 12, 31),
    )
    assert Tariff.objects.count() == 3


def test_same_period_at_another_location_is_fine(head, provider, service_type, january, balvi):
    place = make_location(actor=head, provider=provider, municipality=balvi)
    make_tariff(
        actor=head,
        provider=provider,
        service_type=service_type,
        valid_from=D(2026, 1, 1),
        location=place,
    )
    assert Tariff.objects.count() == 2


def test_new_price_ends_the_open_ended_one_the_day_before(head, provider, service_type):
    old = make_tariff(actor=head, provider=provider, service_type=service_type)
    make_tariff(
        actor=head,
        provider=provider,
        service_type=service_type,
        unit_price="24.00",
        valid_from=D(2026, 7, 1),
    )
    old.refresh_from_db()
    assert old.valid_to == D(2026, 6, 30)
    changed = AuditEvent.objects.get(event_type="catalog.tariff_changed")
    assert changed.extra_data["changes"] == {"valid_to": {"before": None, "after": "2026-06-30"}}


def test_open_ended_tariff_starting_later_is_not_ended(head, provider, service_type):
    make_tariff(actor=head, provider=provider, service_type=service_type, valid_from=D(2026, 7, 1))
    with pytest.raises(TariffOverlap):
        make_tariff(
            actor=head, provider=provider, service_type=service_type, valid_from=D(2026, 1, 1)
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("unit_price", Decimal("-1.00"), "Cena nevar būt negatīva."),
        (
            "unit_price",
            Decimal("5000.01"),
            "Cena 5\xa0000,01\xa0€ ir lielāka par pieļaujamo 5\xa0000,00\xa0€ — pārbaudiet to.",
        ),
        ("unit_price", Decimal("1.005"), "Cenai var būt ne vairāk kā divi cipari aiz komata."),
        ("unit_price", None, "Norādiet cenu."),
        ("session_minutes", 0, "Ilgumam jābūt no 1 līdz 1440 minūtēm."),
        ("valid_to", D(2025, 12, 31), "Beigu datums nevar būt pirms sākuma datuma."),
        ("valid_from", None, "Norādiet sākuma datumu."),
    ],
)
def test_bad_input_names_the_field(head, provider, service_type, field, value, message):
    data = {
        "service_type": service_type,
        "unit_price": Decimal("20.00"),
        "valid_from": D(2026, 1, 1),
    }
    data[field] = value
    with pytest.raises(ValidationFailed) as caught:
        services.tariff_create(actor=head, provider=provider, data=data)
    assert caught.value.errors[field] == [message]
    assert not Tariff.objects.exists()


@override_settings(CATALOG_PRICE_CEILING="100.00")
def test_ceiling_is_configurable(head, provider, service_type):
    with pytest.raises(ValidationFailed) as caught:
        make_tariff(actor=head, provider=provider, service_type=service_type, unit_price="100.01")
    assert "unit_price" in caught.value.errors


def test_remote_needs_a_remote_service(head, provider):
    service_type = make_service_type(actor=head, name_lv="Klātienē", remote_allowed=False)
    with pytest.raises(ValidationFailed) as caught:
        make_tariff(actor=head, provider=provider, service_type=service_type, remote_allowed=True)
    assert caught.value.errors == {
        "remote_allowed": ["Pakalpojumu „Klātienē” katalogs neļauj sniegt attālināti."]
    }


def test_location_of_another_provider_is_refused(head, provider, service_type, balvi):
    other = make_provider(actor=head, municipality=balvi)
    place = make_location(actor=head, provider=other, municipality=balvi)
    with pytest.raises(ValidationFailed) as caught:
        make_tariff(actor=head, provider=provider, service_type=service_type, location=place)
    assert caught.value.errors == {"location": ["Vieta pieder citam sniedzējam."]}


def test_retired_service_gets_no_new_tariffs(head, provider, service_type):
    services.service_type_retire(actor=head, service_type=service_type, retired_at=D(2026, 1, 1))
    with pytest.raises(ValidationFailed) as caught:
        make_tariff(
            actor=head, provider=provider, service_type=service_type, valid_from=D(2026, 2, 1)
        )
    assert caught.value.errors == {
        "service_type": ["Pakalpojuma veids ir izņemts no lietošanas no 01.01.2026."]
    }


def test_update_checks_overlap_and_audits_changes(head, provider, service_type, january):
    later = make_tariff(
        actor=head, provider=provider, service_type=service_type, valid_from=D(2026, 2, 1)
    )
    with pytest.raises(TariffOverlap):
        services.tariff_update(actor=head, tariff=later, data={"valid_from": D(2026, 1, 15)})
    services.tariff_update(actor=head, tariff=later, data={"unit_price": Decimal("21.50")})
    event = AuditEvent.objects.filter(event_type="catalog.tariff_changed").get()
    assert event.extra_data["changes"] == {"unit_price": {"before": "20.00", "after": "21.50"}}
    assert event.municipality_id == provider.municipality_id


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.ACCOUNTANT, Role.AUDITOR])
def test_readers_cannot_set_tariffs(make_user, balvi, provider, service_type, role):
    with pytest.raises(NotPermitted):
        make_tariff(actor=make_user(role, balvi), provider=provider, service_type=service_type)


def test_head_of_another_municipality_cannot_set_tariffs(make_user, tukums, provider, service_type):
    with pytest.raises(NotPermitted):
        make_tariff(
            actor=make_user(Role.HEAD, tukums), provider=provider, service_type=service_type
        )


def test_admin_can_set_tariffs(admin_user, provider, service_type):
    tariff = make_tariff(actor=admin_user, provider=provider, service_type=service_type)
    assert AuditEvent.objects.filter(
        event_type="catalog.tariff_created", subject_id=str(tariff.pk)
    ).exists()
