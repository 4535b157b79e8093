"""Client register rules: validation, uniqueness, age by target group, audit with masking."""

import datetime as dt

import pytest
from django.utils import timezone

from atbalsts.core.audit import MASK, AuditEventType
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.people import services
from atbalsts.people.models import Client, TargetGroup
from atbalsts.people.personal_code import make_old_form
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "target_group": TargetGroup.ADULT_GRT,
        "first_name": "Jānis",
        "last_name": "Kalniņš",
        "personal_code": make_old_form(dt.date(1980, 5, 17), 101),
        "start_date": dt.date(2026, 1, 5),
    }
    data.update(overrides)
    return data


def test_create_derives_birth_date_from_old_code_and_audits(social_worker, balvi):
    client = services.client_create(actor=social_worker, municipality=balvi, data=_data())
    assert client.date_of_birth == dt.date(1980, 5, 17)
    event = AuditEvent.objects.get(event_type=AuditEventType.CLIENT_CREATED)
    assert event.actor == social_worker
    assert event.client_id == client.pk and event.municipality_id == balvi.pk
    assert event.extra_data["values"]["personal_code"] == MASK
    assert event.extra_data["values"]["first_name"] == "Jānis"


def test_new_form_code_needs_a_birth_date(social_worker, balvi):
    with pytest.raises(ValidationFailed) as exc:
        services.client_create(
            actor=social_worker, municipality=balvi, data=_data(personal_code="325511-12345")
        )
    assert "date_of_birth" in exc.value.errors
    client = services.client_create(
        actor=social_worker,
        municipality=balvi,
        data=_data(personal_code="325511-12345", date_of_birth=dt.date(1990, 3, 3)),
    )
    assert client.date_of_birth == dt.date(1990, 3, 3)


def test_birth_date_contradicting_the_code_is_refused(social_worker, balvi):
    with pytest.raises(ValidationFailed) as exc:
        services.client_create(
            actor=social_worker,
            municipality=balvi,
            data=_data(date_of_birth=dt.date(1980, 5, 18)),
        )
    assert exc.value.errors["date_of_birth"] == ["Dzimšanas datums nesakrīt ar personas kodu."]


def test_invalid_personal_code_is_refused_and_nothing_written(social_worker, balvi):
    with pytest.raises(ValidationFailed) as exc:
        services.client_create(
            actor=social_worker, municipality=balvi, data=_data(personal_code="170580-11010")
        )
    assert exc.value.errors["personal_code"] == [
        "Personas koda kontrolcipars nesakrīt — pārbaudiet, vai kods ievadīts pareizi."
    ]
    assert Client.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_duplicate_personal_code_is_refused_even_across_municipalities(
    social_worker, make_user, tukums, balvi
):
    services.client_create(actor=social_worker, municipality=balvi, data=_data())
    other = make_user(Role.SOCIAL_WORKER, tukums)
    with pytest.raises(ValidationFailed) as exc:
        services.client_create(actor=other, municipality=tukums, data=_data(first_name="Cits"))
    assert exc.value.errors["personal_code"] == ["Klients ar šo personas kodu jau ir reģistrēts."]
    assert Client.objects.count() == 1


def test_child_must_be_under_18_on_start_date(social_worker, balvi):
    born = dt.date(2008, 1, 10)
    with pytest.raises(ValidationFailed) as exc:
        services.client_create(
            actor=social_worker,
            municipality=balvi,
            data=_data(
                target_group=TargetGroup.CHILD_FT,
                personal_code=make_old_form(born, 5),
                start_date=dt.date(2026, 1, 10),
            ),
        )
    assert exc.value.errors["target_group"] == [
        "Bērnam pakalpojumu sākuma datumā jābūt jaunākam par 18 gadiem (būs 18)."
    ]
    # one day before the 18th birthday is still a child
    client = services.client_create(
        actor=social_worker,
        municipality=balvi,
        data=_data(
            target_group=TargetGroup.CHILD_FT,
            personal_code=make_old_form(born, 5),
            start_date=dt.date(2026, 1, 9),
        ),
    )
    assert client.target_group == TargetGroup.CHILD_FT


def test_adult_must_be_18_or_over_on_start_date(social_worker, balvi):
    born = dt.date(2008, 6, 1)
    with pytest.raises(ValidationFailed) as exc:
        services.client_create(
            actor=social_worker,
            municipality=balvi,
            data=_data(personal_code=make_old_form(born, 9), start_date=dt.date(2026, 5, 31)),
        )
    assert "(būs 17)" in exc.value.errors["target_group"][0]
    client = services.client_create(
        actor=social_worker,
        municipality=balvi,
        data=_data(personal_code=make_old_form(born, 9), start_date=dt.date(2026, 6, 1)),
    )
    assert client.pk


def test_overlong_and_missing_fields_name_the_field(social_worker, balvi):
    with pytest.raises(ValidationFailed) as exc:
        services.client_create(
            actor=social_worker,
            municipality=balvi,
            data=_data(first_name="x" * 81, last_name="", email="nav-epasts"),
        )
    assert set(exc.value.errors) >= {"first_name", "last_name", "email"}
    assert Client.objects.count() == 0


def test_unknown_field_is_refused(social_worker, balvi):
    with pytest.raises(ValidationFailed) as exc:
        services.client_create(actor=social_worker, municipality=balvi, data=_data(hack="1"))
    assert exc.value.errors == {"hack": ["Nezināms lauks."]}


def test_update_records_before_and_after_of_changed_fields_only(social_worker, balvi):
    client = make_client(actor=social_worker, municipality=balvi)
    services.client_update(
        actor=social_worker,
        client=client,
        data={"address": "Ezera iela 4, Balvi", "first_name": "Anna"},
    )
    event = AuditEvent.objects.get(event_type=AuditEventType.CLIENT_CHANGED)
    assert event.extra_data["changes"] == {
        "address": {"before": "", "after": "Ezera iela 4, Balvi"}
    }


def test_changing_the_personal_code_is_audited_without_the_values(social_worker, balvi):
    client = make_client(actor=social_worker, municipality=balvi)
    new_code = make_old_form(client.date_of_birth, 777)
    services.client_update(actor=social_worker, client=client, data={"personal_code": new_code})
    event = AuditEvent.objects.get(event_type=AuditEventType.CLIENT_CHANGED)
    assert event.extra_data["changes"]["personal_code"] == {"before": MASK, "after": MASK}
    assert new_code not in str(event.extra_data)


def test_update_with_no_change_writes_no_event(social_worker, balvi):
    client = make_client(actor=social_worker, municipality=balvi)
    services.client_update(actor=social_worker, client=client, data={"first_name": "Anna"})
    assert not AuditEvent.objects.filter(event_type=AuditEventType.CLIENT_CHANGED).exists()


def test_failed_update_leaves_the_record_unchanged(social_worker, balvi):
    client = make_client(actor=social_worker, municipality=balvi)
    with pytest.raises(ValidationFailed):
        services.client_update(
            actor=social_worker, client=client, data={"first_name": "Ilze", "personal_code": "x"}
        )
    client.refresh_from_db()
    assert client.first_name == "Anna"


def test_social_worker_cannot_write_in_another_municipality(social_worker, tukums):
    with pytest.raises(NotPermitted):
        services.client_create(actor=social_worker, municipality=tukums, data=_data())


def test_only_head_deletes_and_deletion_is_audited(social_worker, head, balvi):
    client = make_client(actor=social_worker, municipality=balvi)
    with pytest.raises(NotPermitted):
        services.client_delete(actor=social_worker, client=client)
    pk = client.pk
    services.client_delete(actor=head, client=client)
    assert not Client.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.CLIENT_DELETED, client_id=pk
    ).exists()


def test_future_birth_date_is_refused(social_worker, balvi):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        services.client_create(
            actor=social_worker,
            municipality=balvi,
            data=_data(
                personal_code="325511-12345",
                date_of_birth=tomorrow,
                target_group=TargetGroup.CHILD_FT,
                start_date=tomorrow,
            ),
        )
    assert exc.value.errors["date_of_birth"] == ["Dzimšanas datums nevar būt nākotnē."]
