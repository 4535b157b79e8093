"""Clear messages where records could be wrong: a bad personal code says only what is wrong
with it, a new-format code asks for the birth date; consents for the same purpose twice, for
sharing with no provider named, or dated before the client was registered are refused (issue
11, "records that must not be wrong" 6 and 7)."""

import datetime as dt

import pytest
from django.urls import reverse

from atbalsts.core.errors import ValidationFailed
from atbalsts.people import services
from atbalsts.people.models import Client, Consent, ConsentPurpose
from atbalsts.people.personal_code import make_old_form
from atbalsts.people.tests.factories import make_client

from .test_views import _form

pytestmark = pytest.mark.django_db

NULL = "(null)"


@pytest.fixture
def logged_in(client, social_worker):
    client.force_login(social_worker)
    return client


def _all_messages(errors):
    return " ".join(" ".join(str(m) for m in messages) for messages in errors.values())


@pytest.mark.parametrize("code", ["123456-12345", "32abc", "999999-99999", "320000-1"])
def test_a_bad_personal_code_gives_one_message_on_the_code(logged_in, code):
    response = logged_in.post(reverse("people:client_create"), _form(personal_code=code))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["personal_code"], errors
    assert NULL not in _all_messages(errors) and "null" not in _all_messages(errors)
    assert Client.objects.count() == 0


def test_a_new_format_code_without_a_birth_date_says_what_to_do(logged_in, social_worker, balvi):
    response = logged_in.post(reverse("people:client_create"), _form(personal_code="325511-12345"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["date_of_birth"]
    assert "ierakstiet personas dzimšanas datumu" in errors["date_of_birth"][0]
    assert NULL not in _all_messages(errors)
    with pytest.raises(ValidationFailed) as exc:
        services.client_create(
            actor=social_worker,
            municipality=balvi,
            data={**_form(personal_code="325511-12345"), "start_date": dt.date(2026, 1, 5)},
        )
    assert "Jaunās formas personas kodā" in exc.value.errors["date_of_birth"][0]


def _give(actor, client, **data):
    return services.consent_give(
        actor=actor,
        client=client,
        data={"purpose": ConsentPurpose.PSEUDONYMISED_EVALUATION, "given_on": dt.date(2026, 1, 5)}
        | data,
    )


def test_the_same_purpose_twice_is_refused_until_the_first_is_revoked(social_worker, balvi):
    client = make_client(actor=social_worker, municipality=balvi)
    first = _give(social_worker, client)
    with pytest.raises(ValidationFailed) as exc:
        _give(social_worker, client, given_on=dt.date(2026, 1, 8))
    assert exc.value.errors == {
        "purpose": [
            "Klientam šim mērķim jau ir spēkā esoša piekrišana (dota 05.01.2026). Ja tā "
            "jāmaina, vispirms atsauciet esošo."
        ]
    }
    services.consent_revoke(
        actor=social_worker, consent=first, revoked_on=dt.date(2026, 1, 7), reason="atsauca"
    )
    assert _give(social_worker, client, given_on=dt.date(2026, 1, 8)).is_active
    assert Consent.objects.filter(client=client).count() == 2


def test_sharing_with_a_provider_names_the_provider(social_worker, balvi):
    client = make_client(actor=social_worker, municipality=balvi)
    share = {"purpose": ConsentPurpose.SHARE_WITH_PROVIDER}
    for recipient in ("", "   "):
        with pytest.raises(ValidationFailed) as exc:
            _give(social_worker, client, recipient=recipient, **share)
        assert exc.value.errors == {
            "recipient": ["Norādiet pakalpojumu sniedzēju, kuram persona atļauj nodot datus."]
        }
    _give(social_worker, client, recipient="Biedrība Saulstari", **share)
    _give(social_worker, client, recipient="SIA Ūdensroze", **share)  # another provider
    with pytest.raises(ValidationFailed) as exc:
        _give(social_worker, client, recipient=" biedrība saulstari ", **share)
    assert "purpose" in exc.value.errors


def test_a_consent_dated_before_the_client_was_registered_is_refused(social_worker, balvi):
    client = make_client(actor=social_worker, municipality=balvi, start_date=dt.date(2026, 1, 5))
    with pytest.raises(ValidationFailed) as exc:
        _give(social_worker, client, given_on=dt.date(2016, 1, 5))
    assert exc.value.errors == {
        "given_on": [
            "Piekrišana datēta pirms klienta reģistrācijas (agrākais iespējamais datums ir "
            "05.10.2025). Pārbaudiet datumu."
        ]
    }
    assert not Consent.objects.exists()
    # collected at intake, a few weeks before the services start: accepted
    assert _give(social_worker, client, given_on=dt.date(2025, 12, 1)).pk


def test_the_consent_page_shows_the_message_on_its_field(logged_in, social_worker, balvi):
    client = make_client(actor=social_worker, municipality=balvi)
    response = logged_in.post(
        reverse("people:consent_create", args=[client.pk]),
        {"purpose": "share_with_provider", "given_on": "2026-01-05"},
    )
    assert response.status_code == 400
    assert "Norādiet pakalpojumu sniedzēju" in response.content.decode()
    assert not Consent.objects.exists()


def test_old_format_codes_still_fill_the_birth_date(logged_in):
    code = make_old_form(dt.date(1979, 11, 2), 31)
    response = logged_in.post(reverse("people:client_create"), _form(personal_code=code))
    assert response.status_code == 302
    assert Client.objects.get().date_of_birth == dt.date(1979, 11, 2)
