"""Providers: validation, uniqueness per municipality, permissions, staff membership, audit."""

import datetime as dt

import pytest

from atbalsts.catalog import services
from atbalsts.catalog.models import Provider, ProviderMembership
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.people.personal_code import make_old_form

from .factories import company_number, make_location, make_provider


def test_head_registers_provider_for_own_municipality(head, balvi):
    provider = make_provider(actor=head, municipality=balvi, iban="lv80 bank 0000 4351 9500 1")
    assert provider.iban == "LV80BANK0000435195001"
    assert provider.municipality == balvi
    event = AuditEvent.objects.get(event_type="catalog.provider_created")
    assert event.municipality_id == balvi.pk


def test_natural_person_code_is_normalised_and_masked_in_audit(head, balvi):
    code = make_old_form(dt.date(1979, 3, 2), 41)
    provider = make_provider(
        actor=head, municipality=balvi, kind="natural", registration_number=code.replace("-", "")
    )
    assert provider.registration_number == code
    other = make_old_form(dt.date(1979, 3, 3), 42)
    services.provider_update(actor=head, provider=provider, data={"registration_number": other})
    change = AuditEvent.objects.get(event_type="catalog.provider_changed")
    assert change.extra_data["changes"]["registration_number"] == {"before": "***", "after": "***"}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"iban": "LV80BANK000043519500"}, "iban", "LV konta numurā jābūt 21 zīmēm, nevis 20."),
        (
            {"registration_number": "123"},
            "registration_number",
            "Juridiskās personas reģistrācijas numuram jābūt 11 cipariem.",
        ),
        ({"kind": "robot"}, "kind", "Nezināma vērtība „robot”; atļautās: legal, natural."),
        ({"name": ""}, "name", "Šis lauks nevar būt tukšs"),
        ({"email": "nav-epasts"}, "email", "Jāievada derīga e-pasta adrese."),
    ],
)
def test_bad_input(head, balvi, data, field, message):
    with pytest.raises(ValidationFailed) as caught:
        make_provider(actor=head, municipality=balvi, **data)
    assert caught.value.errors[field] == [message]
    assert not Provider.objects.exists()


def test_registration_number_is_unique_within_municipality_only(head, balvi, tukums, make_user):
    number = company_number()
    make_provider(actor=head, municipality=balvi, registration_number=number)
    with pytest.raises(ValidationFailed) as caught:
        make_provider(actor=head, municipality=balvi, registration_number=number)
    assert caught.value.errors == {
        "registration_number": [
            "Sniedzējs ar šo reģistrācijas numuru pašvaldībā jau ir reģistrēts."
        ]
    }
    make_provider(
        actor=make_user(Role.HEAD, tukums), municipality=tukums, registration_number=number
    )


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.ACCOUNTANT, Role.AUDITOR, Role.PROVIDER])
def test_readers_cannot_register(make_user, balvi, role):
    with pytest.raises(NotPermitted):
        make_provider(actor=make_user(role, balvi), municipality=balvi)


def test_head_cannot_change_another_municipality_provider(make_user, tukums, provider):
    with pytest.raises(NotPermitted):
        services.provider_update(
            actor=make_user(Role.HEAD, tukums), provider=provider, data={"name": "X"}
        )
    with pytest.raises(NotPermitted):
        make_provider(actor=make_user(Role.HEAD, tukums), municipality=provider.municipality)


def test_unchanged_update_writes_no_event(head, provider):
    services.provider_update(actor=head, provider=provider, data={"name": provider.name})
    assert not AuditEvent.objects.filter(event_type="catalog.provider_changed").exists()


def test_membership_links_provider_staff(head, provider, make_user, social_worker):
    staff = make_user(Role.PROVIDER, None)
    membership = services.provider_member_add(actor=head, provider=provider, user=staff)
    assert staff.provider_membership.provider == provider
    with pytest.raises(ValidationFailed) as caught:
        services.provider_member_add(actor=head, provider=provider, user=staff)
    assert caught.value.errors == {"user": ["Lietotājs jau ir piesaistīts kādam sniedzējam."]}
    with pytest.raises(ValidationFailed):
        services.provider_member_add(actor=head, provider=provider, user=social_worker)
    services.provider_member_remove(actor=head, membership=membership)
    assert not ProviderMembership.objects.exists()
    assert AuditEvent.objects.filter(event_type__startswith="catalog.member_").count() == 2


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"kind": "premises", "municipality": None, "address": ""},
            {"municipality": ["Norādiet pašvaldību."], "address": ["Norādiet telpu adresi."]},
        ),
        (
            {"kind": "client_home", "municipality": None, "address": ""},
            {"municipality": ["Norādiet pašvaldību."]},
        ),
    ],
)
def test_location_rules(head, provider, data, errors):
    with pytest.raises(ValidationFailed) as caught:
        services.location_create(actor=head, provider=provider, data=data)
    assert caught.value.errors == errors


def test_remote_location_needs_no_place(head, provider, balvi):
    location = services.location_create(
        actor=head,
        provider=provider,
        data={"kind": "remote", "municipality": balvi, "address": "x"},
    )
    assert location.municipality is None and location.address == ""
    home = make_location(
        actor=head, provider=provider, municipality=balvi, kind="client_home", address=""
    )
    assert str(home) == "klienta dzīvesvietā (Balvu novads)"
    with pytest.raises(ValidationFailed):
        make_location(
            actor=head, provider=provider, municipality=balvi, kind="client_home", address=""
        )
