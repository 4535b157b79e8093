"""The representative, support circle members and consents on one page: all are saved or
none, and a refused row is named in its message and shown on its own fields."""

import pytest

from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.people import services
from atbalsts.people.models import Consent, Representative, SupportCircleMember
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(social_worker, balvi):
    return make_client(actor=social_worker, municipality=balvi, child=True)


def _page(rep=None, circle=(), consents=(), rows=3):
    data = {
        "circle-TOTAL_FORMS": str(rows),
        "circle-INITIAL_FORMS": "0",
        "consent-TOTAL_FORMS": str(rows),
        "consent-INITIAL_FORMS": "0",
    }
    for key, value in (rep or {}).items():
        data[f"rep-{key}"] = value
    for prefix, items in (("circle", circle), ("consent", consents)):
        for i, item in enumerate(items):
            for key, value in item.items():
                data[f"{prefix}-{i}-{key}"] = value
    return data


REP = {"kind": "parent", "first_name": "Dace", "last_name": "Bērziņa", "valid_from": "2016-04-12"}
MEMBER = {"first_name": "Pēteris", "last_name": "Bērziņš", "relation": "parent"}
CONSENT = {"purpose": "pseudonymised_evaluation", "given_on": "2026-01-05"}


def test_everything_in_one_post(client, social_worker, child):
    client.force_login(social_worker)
    url = f"/people/clients/{child.pk}/relations/"
    page = client.get(url)
    assert page.status_code == 200 and "2. piekrišana" in page.content.decode()
    data = _page(
        REP,
        [MEMBER, {**MEMBER, "first_name": "Anna", "relation": "sibling"}],
        [
            {**CONSENT, "by_new_representative": "on"},
            {"purpose": "share_specialist_conclusion", "given_on": "2026-01-05"},
        ],
    )
    saved = client.post(url, data)
    assert saved.status_code == 302 and saved["Location"] == child.get_absolute_url()
    rep = Representative.objects.get(client=child)
    assert SupportCircleMember.objects.filter(client=child).count() == 2
    consents = Consent.objects.filter(client=child).order_by("id")
    assert [c.given_by_representative for c in consents] == [rep, None]


def test_a_bad_row_is_named_and_nothing_is_saved(client, social_worker, child):
    client.force_login(social_worker)
    url = f"/people/clients/{child.pk}/relations/"
    data = _page(
        REP,
        [MEMBER],
        [CONSENT, {"purpose": "share_with_provider", "given_on": "2026-01-05"}],
    )
    refused = client.post(url, data)
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "2. piekrišana: " in body  # the service's message names the row
    assert not Representative.objects.exists()
    assert not SupportCircleMember.objects.exists() and not Consent.objects.exists()


def test_empty_rows_are_ignored_and_an_empty_page_is_refused(client, social_worker, child):
    client.force_login(social_worker)
    url = f"/people/clients/{child.pk}/relations/"
    empty = client.post(url, _page())
    assert empty.status_code == 400 and "Aizpildiet vismaz vienu rindu." in empty.content.decode()
    saved = client.post(url, _page(circle=[{}, MEMBER, {}]))
    assert saved.status_code == 302 and SupportCircleMember.objects.count() == 1


def test_bad_input_is_400_not_500(client, social_worker, child):
    client.force_login(social_worker)
    url = f"/people/clients/{child.pk}/relations/"
    assert client.post(url, {"circle-TOTAL_FORMS": "x"}).status_code == 400
    assert client.post(url, _page(rows=5000, circle=[MEMBER])).status_code in (302, 400)
    bad_date = _page(consents=[{**CONSENT, "given_on": "31.02.2026"}])
    assert client.post(url, bad_date).status_code == 400
    assert not Consent.objects.exists()


def test_consent_by_a_representative_not_entered_is_refused(social_worker, child):
    with pytest.raises(ValidationFailed) as refused:
        services.relations_add(
            actor=social_worker,
            client=child,
            consents=[
                {"purpose": "other", "given_on": child.start_date, "by_new_representative": True}
            ],
        )
    assert list(refused.value.errors) == ["consent.0.by_new_representative"]
    assert refused.value.errors["consent.0.by_new_representative"][0].startswith("1. piekrišana: ")


def test_the_service_asks_the_policy(make_user, tukums, child):
    from atbalsts.core.roles import Role

    stranger = make_user(Role.SOCIAL_WORKER, tukums)
    with pytest.raises(NotPermitted):
        services.relations_add(actor=stranger, client=child, circle=[{"first_name": "A"}])
