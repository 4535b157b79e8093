"""Registrations, the lapse flag, and the override needed to choose an unqualified provider."""

import datetime as dt

import pytest

from atbalsts.catalog import services
from atbalsts.catalog.errors import ProviderInactive, ProviderNotQualified, ServiceTypeRetired
from atbalsts.catalog.models import ServiceType
from atbalsts.catalog.selectors import (
    RegistrationStatus,
    provider_registration_status,
    provider_service_flags,
)
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role

from .factories import make_registration, make_tariff

D = dt.date


@pytest.fixture
def registered(head, provider, service_type):
    return make_registration(
        actor=head,
        provider=provider,
        service_types=[service_type],
        valid_from=D(2025, 1, 1),
        valid_to=D(2026, 6, 30),
    )


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (D(2024, 12, 31), RegistrationStatus.MISSING),  # before it started
        (D(2025, 1, 1), RegistrationStatus.OK),
        (D(2026, 6, 30), RegistrationStatus.OK),  # valid_to is included
        (D(2026, 7, 1), RegistrationStatus.LAPSED),
    ],
)
def test_status_across_the_period_edges(registered, provider, service_type, day, status):
    assert (
        provider_registration_status(provider=provider, service_type=service_type, day=day)
        == status
    )


def test_registration_for_another_service_does_not_count(head, provider, registered):
    other = ServiceType.objects.get(code="home-care")
    assert (
        provider_registration_status(provider=provider, service_type=other, day=D(2026, 1, 1))
        == RegistrationStatus.MISSING
    )


def test_transport_needs_no_registration(provider):
    km = ServiceType.objects.get(code="transport-compensation")
    assert (
        provider_registration_status(provider=provider, service_type=km, day=D(2026, 1, 1))
        == RegistrationStatus.OK
    )


def test_flags_list_every_offered_service(head, provider, service_type, registered):
    other = ServiceType.objects.get(code="home-care")
    make_tariff(actor=head, provider=provider, service_type=other)
    flags = {
        f.service_type.code: (f.status, f.flagged)
        for f in provider_service_flags(provider=provider, day=D(2026, 7, 1))
    }
    assert flags == {service_type.code: ("lapsed", True), "home-care": ("missing", True)}


def test_choice_of_a_qualified_provider_passes(head, provider, service_type, registered):
    choice = services.provider_choice_check(
        actor=head, provider=provider, service_type=service_type, day=D(2026, 1, 1)
    )
    assert choice.status == "ok" and not choice.overridden


def test_lapsed_provider_needs_override_with_reason(head, provider, service_type, registered):
    with pytest.raises(ProviderNotQualified) as caught:
        services.provider_choice_check(
            actor=head,
            provider=provider,
            service_type=service_type,
            day=D(2026, 7, 1),
            override_reason="  ",
        )
    assert caught.value.code == "provider_not_qualified"
    assert caught.value.field == "override_reason"
    assert str(caught.value.message) == (
        "Sniedzēja „Biedrība Saulstari” reģistrācijas termiņš pakalpojumam "
        f"„{service_type.name_lv}” 01.07.2026 ir beidzies. "
        "Izvēlieties citu sniedzēju vai norādiet izņēmuma pamatojumu."
    )
    choice = services.provider_choice_check(
        actor=head,
        provider=provider,
        service_type=service_type,
        day=D(2026, 7, 1),
        override_reason="Reģistrācija pagarināta, gaidām ierakstu reģistrā",
    )
    assert choice.overridden and choice.status == "lapsed"
    event = AuditEvent.objects.get(event_type="catalog.registration_overridden")
    assert event.extra_data["reason"] == "Reģistrācija pagarināta, gaidām ierakstu reģistrā"


def test_missing_registration_message(head, provider, service_type, social_worker):
    with pytest.raises(ProviderNotQualified) as caught:
        services.provider_choice_check(
            actor=social_worker, provider=provider, service_type=service_type, day=D(2026, 1, 1)
        )
    assert str(caught.value.message) == (
        f"Sniedzējs „Biedrība Saulstari” nav reģistrēts pakalpojumam „{service_type.name_lv}” "
        "01.01.2026. Izvēlieties citu sniedzēju vai norādiet izņēmuma pamatojumu."
    )


def test_inactive_provider_and_retired_service_are_refused_outright(
    head, provider, service_type, registered
):
    services.service_type_retire(actor=head, service_type=service_type, retired_at=D(2026, 3, 1))
    service_type.refresh_from_db()
    with pytest.raises(ServiceTypeRetired):
        services.provider_choice_check(
            actor=head,
            provider=provider,
            service_type=service_type,
            day=D(2026, 3, 1),
            override_reason="x",
        )
    provider = services.provider_update(actor=head, provider=provider, data={"active": False})
    with pytest.raises(ProviderInactive):
        services.provider_choice_check(
            actor=head,
            provider=provider,
            service_type=service_type,
            day=D(2026, 1, 1),
            override_reason="x",
        )


def test_provider_staff_cannot_check_other_providers(make_user, provider, service_type):
    with pytest.raises(NotPermitted):
        services.provider_choice_check(
            actor=make_user(Role.PROVIDER, None),
            provider=provider,
            service_type=service_type,
            day=D(2026, 1, 1),
        )


def test_verification_records_who_and_when(
    head, provider, service_type, registered, make_user, balvi
):
    assert registered.verified_by is None
    updated = services.registration_update(
        actor=head, registration=registered, data={"verified_on": D(2026, 1, 10)}
    )
    assert (updated.verified_on, updated.verified_by) == (D(2026, 1, 10), head)
    event = AuditEvent.objects.get(event_type="catalog.registration_changed")
    assert set(event.extra_data["changes"]) == {"verified_on", "verified_by"}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"service_types": []},
            "service_types",
            "Norādiet, kurus pakalpojumus reģistrācija aptver.",
        ),
        ({"valid_to": D(2024, 1, 1)}, "valid_to", "Beigu datums nevar būt pirms sākuma datuma."),
        (
            {"register": "tax"},
            "register",
            "Nezināma vērtība „tax”; atļautās: social_service_providers, medical_practitioners.",
        ),
        ({"verified_on": D(2099, 1, 1)}, "verified_on", "Pārbaudes datums nevar būt nākotnē."),
    ],
)
def test_bad_registration_input(head, provider, service_type, data, field, message):
    data = {"service_types": [service_type], **data}
    with pytest.raises(ValidationFailed) as caught:
        make_registration(actor=head, provider=provider, **data)
    assert caught.value.errors[field] == [message]
    assert not provider.registrations.exists()


def test_duplicate_registration_number(head, provider, service_type, registered):
    with pytest.raises(ValidationFailed) as caught:
        make_registration(
            actor=head, provider=provider, service_types=[service_type], number=registered.number
        )
    assert caught.value.errors == {"number": ["Šī reģistrācija sniedzējam jau ir ierakstīta."]}


def test_other_municipality_head_cannot_add_registration(make_user, tukums, provider, service_type):
    with pytest.raises(NotPermitted):
        make_registration(
            actor=make_user(Role.HEAD, tukums), provider=provider, service_types=[service_type]
        )


def test_verifier_changes_only_with_the_verification_date(
    head, provider, service_type, make_user, balvi
):
    registration = make_registration(
        actor=head, provider=provider, service_types=[service_type], verified_on=D(2026, 1, 5)
    )
    admin = make_user(Role.ADMIN, None)
    same = services.registration_update(
        actor=admin, registration=registration, data={"number": "SP-X"}
    )
    assert same.verified_by == head
    cleared = services.registration_update(
        actor=admin, registration=same, data={"verified_on": None}
    )
    assert cleared.verified_by is None
