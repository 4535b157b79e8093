"""Representatives, support circle, consent: rules and audit."""

import datetime as dt

import pytest

from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import DomainError, NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.people import selectors, services
from atbalsts.people.models import (
    CircleRelation,
    ConsentPurpose,
    Representative,
    RepresentativeKind,
    SupportCircleMember,
)
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(social_worker, balvi):
    return make_client(actor=social_worker, municipality=balvi, child=True)


def _rep(**overrides):
    data = {
        "kind": RepresentativeKind.PARENT,
        "first_name": "Dace",
        "last_name": "Bērziņa",
        "valid_from": dt.date(2016, 4, 12),
    }
    data.update(overrides)
    return data


def test_representative_with_reversed_dates_is_refused(social_worker, client):
    with pytest.raises(ValidationFailed) as exc:
        services.representative_create(
            actor=social_worker,
            client=client,
            data=_rep(valid_from=dt.date(2026, 5, 1), valid_to=dt.date(2026, 4, 30)),
        )
    assert exc.value.errors == {"valid_to": ["Beigu datums nevar būt pirms sākuma datuma."]}
    assert Representative.objects.count() == 0


def test_representative_personal_code_is_optional_but_validated(social_worker, client):
    with pytest.raises(ValidationFailed) as exc:
        services.representative_create(
            actor=social_worker, client=client, data=_rep(personal_code="123")
        )
    assert "personal_code" in exc.value.errors
    rep = services.representative_create(actor=social_worker, client=client, data=_rep())
    assert rep.personal_code == ""


def test_representative_update_and_delete_are_audited(social_worker, client):
    rep = services.representative_create(actor=social_worker, client=client, data=_rep())
    services.representative_update(
        actor=social_worker, representative=rep, data={"valid_to": dt.date(2030, 1, 1)}
    )
    changed = AuditEvent.objects.get(event_type=AuditEventType.REPRESENTATIVE_CHANGED)
    assert changed.extra_data["changes"] == {"valid_to": {"before": None, "after": "2030-01-01"}}
    assert changed.client_id == client.pk
    services.representative_delete(actor=social_worker, representative=rep)
    assert AuditEvent.objects.filter(event_type=AuditEventType.REPRESENTATIVE_DELETED).exists()


def test_representative_who_gave_consent_cannot_be_deleted(social_worker, client):
    rep = services.representative_create(actor=social_worker, client=client, data=_rep())
    services.consent_give(
        actor=social_worker,
        client=client,
        data={
            "purpose": ConsentPurpose.PSEUDONYMISED_EVALUATION,
            "given_by_representative": rep,
            "given_on": dt.date(2026, 1, 5),
        },
    )
    with pytest.raises(DomainError):
        services.representative_delete(actor=social_worker, representative=rep)
    assert Representative.objects.filter(pk=rep.pk).exists()


def test_circle_member_for_parent_psychologist_later(social_worker, client):
    member = services.circle_member_create(
        actor=social_worker,
        client=client,
        data={"first_name": "Pēteris", "relation": CircleRelation.PARENT},
    )
    assert member.client == client
    with pytest.raises(ValidationFailed) as exc:
        services.circle_member_create(
            actor=social_worker, client=client, data={"first_name": "", "relation": "alien"}
        )
    assert set(exc.value.errors) == {"first_name", "relation"}
    assert SupportCircleMember.objects.count() == 1


def test_consent_from_a_representative_outside_their_authority_dates(social_worker, client):
    rep = services.representative_create(
        actor=social_worker,
        client=client,
        data=_rep(valid_from=dt.date(2026, 2, 1)),
    )
    with pytest.raises(ValidationFailed) as exc:
        services.consent_give(
            actor=social_worker,
            client=client,
            data={
                "purpose": ConsentPurpose.SHARE_WITH_PROVIDER,
                "recipient": "SIA Rehabilitācija",
                "given_by_representative": rep,
                "given_on": dt.date(2026, 1, 15),
            },
        )
    assert exc.value.errors["given_by_representative"] == [
        "Pārstāvja pilnvaras šajā datumā nav spēkā."
    ]


def test_consent_from_another_clients_representative_is_refused(social_worker, balvi, client):
    other = make_client(actor=social_worker, municipality=balvi, child=True)
    rep = services.representative_create(actor=social_worker, client=other, data=_rep())
    with pytest.raises(ValidationFailed) as exc:
        services.consent_give(
            actor=social_worker,
            client=client,
            data={
                "purpose": ConsentPurpose.OTHER,
                "given_by_representative": rep,
                "given_on": dt.date(2026, 1, 15),
            },
        )
    assert exc.value.errors["given_by_representative"] == ["Pārstāvis nav šī klienta pārstāvis."]


def test_consent_revocation_changes_current_state(social_worker, client):
    consent = services.consent_give(
        actor=social_worker,
        client=client,
        data={
            "purpose": ConsentPurpose.SHARE_SPECIALIST_CONCLUSION,
            "given_on": dt.date(2026, 1, 5),
        },
    )
    assert selectors.consent_current(client=client)["active"] == [consent]
    with pytest.raises(ValidationFailed):
        services.consent_revoke(
            actor=social_worker, consent=consent, revoked_on=dt.date(2026, 1, 4), reason=""
        )
    services.consent_revoke(
        actor=social_worker, consent=consent, revoked_on=dt.date(2026, 2, 1), reason="pārdomāja"
    )
    state = selectors.consent_current(client=client)
    assert state["active"] == [] and [c.pk for c in state["revoked"]] == [consent.pk]
    with pytest.raises(DomainError) as exc:
        services.consent_revoke(
            actor=social_worker, consent=consent, revoked_on=dt.date(2026, 2, 2), reason=""
        )
    assert str(exc.value.message) == "Šī piekrišana jau ir atsaukta."
    assert AuditEvent.objects.filter(event_type=AuditEventType.CONSENT_REVOKED).count() == 1


def test_accountant_cannot_change_relations(make_user, balvi, client):
    accountant = make_user(Role.ACCOUNTANT, balvi)
    with pytest.raises(NotPermitted):
        services.representative_create(actor=accountant, client=client, data=_rep())
