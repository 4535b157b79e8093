"""Service types: the starting catalogue, editing, retiring, deleting."""

import datetime as dt
from decimal import Decimal

import pytest

from atbalsts.catalog import services
from atbalsts.catalog.errors import ServiceTypeInUse
from atbalsts.catalog.models import ServiceType
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role

from .factories import make_service_type, make_tariff


def test_starting_catalogue_is_loaded(db):
    assert ServiceType.objects.count() == 46
    assistant = ServiceType.objects.get(name_lv="Valsts apmaksātais asistents pašvaldībā")
    assert not assistant.ib_fundable
    psychologist = ServiceType.objects.get(code="psychologist-consultation")
    assert psychologist.confidential and psychologist.remote_allowed
    assert psychologist.unit == "session" and psychologist.default_session_minutes == 45
    assert psychologist.default_unit_price == Decimal("45.00")
    assert psychologist.target_groups == ["adult_grt", "child_ft"]
    family = ServiceType.objects.get(name_lv="Ģimenes asistenta pakalpojums")
    assert not family.confidential  # social services report content
    assert ServiceType.objects.get(name_lv="Mūzikas terapijas nodarbība").confidential
    assert not ServiceType.objects.get(name_lv="Kanisterapijas nodarbība").confidential
    km = ServiceType.objects.get(code="transport-compensation")
    assert (km.unit, km.default_unit_price, km.registration_required) == (
        "km",
        Decimal("0.15"),
        False,
    )


def test_head_creates_and_changes_with_audit(head):
    service_type = make_service_type(actor=head, name_lv="Jauns", name_en="New one")
    assert service_type.code == "new-one"
    services.service_type_update(
        actor=head, service_type=service_type, data={"default_unit_price": Decimal("11.00")}
    )
    events = list(
        AuditEvent.objects.filter(subject_id=str(service_type.pk)).values_list(
            "event_type", flat=True
        )
    )
    assert sorted(events) == ["catalog.service_type_changed", "catalog.service_type_created"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"unit": "week"},
            "unit",
            "Nezināma vērtība „week”; atļautās: hour, session, day, km, trip, course, month.",
        ),
        (
            {"category": "magic"},
            "category",
            "Nezināma vērtība „magic”; atļautās: social_service, care, social_rehabilitation, "
            "psychology, medical_rehabilitation, education, therapy, transport.",
        ),
        (
            {"default_unit_price": Decimal("-0.01")},
            "default_unit_price",
            "Cena nevar būt negatīva.",
        ),
        (
            {"name_lv": "Psihologa konsultācija"},
            "name_lv",
            "Pakalpojuma veids ar šādu nosaukumu jau ir katalogā.",
        ),
        (
            {"for_adult_grt": False, "for_child_ft": False},
            "for_adult_grt",
            "Norādiet vismaz vienu mērķa grupu.",
        ),
        (
            {"default_session_minutes": 2000},
            "default_session_minutes",
            "Ilgumam jābūt no 1 līdz 1440 minūtēm.",
        ),
    ],
)
def test_bad_input(head, data, field, message):
    before = ServiceType.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        make_service_type(actor=head, **data)
    assert caught.value.errors[field] == [message]
    assert ServiceType.objects.count() == before


def test_unknown_field_is_refused(head):
    with pytest.raises(ValidationFailed) as caught:
        services.service_type_create(actor=head, data={"name_lv": "X", "colour": "red"})
    assert caught.value.errors == {"colour": ["Nezināms lauks."]}


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.ACCOUNTANT, Role.AUDITOR, Role.PROVIDER, Role.ANALYST]
)
def test_only_head_and_admin_write(make_user, balvi, role):
    with pytest.raises(NotPermitted):
        make_service_type(actor=make_user(role, balvi))


def test_unused_service_type_is_deleted(head, service_type):
    services.service_type_delete(actor=head, service_type=service_type)
    assert not ServiceType.objects.filter(pk=service_type.pk).exists()
    assert AuditEvent.objects.filter(event_type="catalog.service_type_deleted").count() == 1


def test_used_service_type_is_retired_not_deleted(head, provider, service_type):
    make_tariff(actor=head, provider=provider, service_type=service_type)
    with pytest.raises(ServiceTypeInUse) as caught:
        services.service_type_delete(actor=head, service_type=service_type)
    assert caught.value.code == "service_type_in_use"
    services.service_type_retire(
        actor=head, service_type=service_type, retired_at=dt.date(2026, 5, 1)
    )
    service_type.refresh_from_db()
    assert service_type.is_retired_on(dt.date(2026, 5, 1))
    assert not service_type.is_retired_on(dt.date(2026, 4, 30))
    assert AuditEvent.objects.filter(event_type="catalog.service_type_retired").count() == 1
