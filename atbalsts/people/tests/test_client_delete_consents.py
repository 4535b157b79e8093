"""A client's consents are history: a client who gave (or revoked) one is not deleted."""

import datetime as dt

import pytest

from atbalsts.core.audit import AuditEventType
from atbalsts.core.models import AuditEvent
from atbalsts.people import services
from atbalsts.people.models import Client, Consent, ConsentPurpose
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db


def test_a_client_with_only_consents_is_not_deleted_and_the_consents_stay(
    social_worker, head, balvi
):
    client = make_client(actor=social_worker, municipality=balvi)
    consent = services.consent_give(
        actor=social_worker,
        client=client,
        data={
            "purpose": ConsentPurpose.PSEUDONYMISED_EVALUATION,
            "given_on": dt.date(2026, 1, 12),
        },
    )
    services.consent_revoke(
        actor=social_worker, consent=consent, revoked_on=dt.date(2026, 2, 1), reason="Atsauca."
    )
    with pytest.raises(services.ClientHasConsents) as caught:
        services.client_delete(actor=head, client=client)
    assert caught.value.code == "client_has_consents"
    assert "piekrišanas" in caught.value.message
    assert "izvērtēšanā" in caught.value.message and "12.01.2026" in caught.value.message
    assert isinstance(caught.value, services.ClientInUse)
    assert Client.objects.filter(pk=client.pk).exists()
    assert Consent.objects.filter(pk=consent.pk).exists()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.CLIENT_DELETED).exists()


def test_the_delete_page_shows_the_refusal(social_worker, head, balvi, client):
    person = make_client(actor=social_worker, municipality=balvi)
    services.consent_give(
        actor=social_worker,
        client=person,
        data={"purpose": ConsentPurpose.OTHER, "given_on": dt.date(2026, 1, 12)},
    )
    client.force_login(head)
    from django.urls import reverse

    response = client.post(reverse("people:client_delete", args=[person.pk]), follow=True)
    assert response.status_code == 200
    assert "viņam ir reģistrētas piekrišanas (cits mērķis (12.01.2026))" in (
        response.content.decode()
    )
    assert Client.objects.filter(pk=person.pk).exists()
