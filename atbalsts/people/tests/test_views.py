"""The people pages: list, search, sort, pages, htmx partials, forms with errors, audit."""

import datetime as dt

import pytest
from django.urls import reverse

from atbalsts.core.audit import AuditEventType
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.people import services
from atbalsts.people.models import Client, Consent, Representative
from atbalsts.people.personal_code import make_old_form
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, social_worker):
    client.force_login(social_worker)
    return client


def _form(**overrides):
    data = {
        "target_group": "adult_grt",
        "first_name": "Līga",
        "last_name": "Zariņa",
        "personal_code": make_old_form(dt.date(1979, 11, 2), 31),
        "start_date": "2026-01-05",
        "disability_group": "II",
        "legal_capacity": "full",
    }
    data.update(overrides)
    return data


def test_create_client_through_the_form(logged_in, balvi):
    response = logged_in.post(reverse("people:client_create"), _form())
    client = Client.objects.get()
    assert response.status_code == 302 and response["Location"] == client.get_absolute_url()
    assert client.municipality == balvi and client.date_of_birth == dt.date(1979, 11, 2)


def test_latvian_date_input_is_understood(logged_in):
    response = logged_in.post(reverse("people:client_create"), _form(start_date="05.01.2026"))
    assert response.status_code == 302
    assert Client.objects.get().start_date == dt.date(2026, 1, 5)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"personal_code": "011190-12345"}, "personal_code", "kontrolcipars nesakrīt"),
        ({"first_name": "x" * 200}, "first_name", "80"),
        ({"start_date": "31.02.2026"}, "start_date", "derīgs datums"),
        ({"target_group": "child_ft"}, "target_group", "jaunākam par 18 gadiem"),
        ({"email": "nav"}, "email", "e-pasta adrese"),
    ],
)
def test_bad_input_gets_400_with_the_message_and_writes_nothing(
    logged_in, overrides, field, message
):
    response = logged_in.post(reverse("people:client_create"), _form(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert Client.objects.count() == 0


def test_duplicate_client_form_error(logged_in, social_worker, balvi):
    existing = make_client(actor=social_worker, municipality=balvi)
    response = logged_in.post(
        reverse("people:client_create"), _form(personal_code=existing.personal_code)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["personal_code"] == [
        "Klients ar šo personas kodu jau ir reģistrēts."
    ]


def test_list_search_by_name_and_code_filter_and_sort(logged_in, social_worker, balvi):
    a = make_client(actor=social_worker, municipality=balvi, first_name="Aiga", last_name="Apse")
    b = make_client(
        actor=social_worker, municipality=balvi, first_name="Zigis", last_name="Zeps", child=True
    )
    url = reverse("people:client_list")
    body = logged_in.get(url, {"q": "zeps"}).content.decode()
    assert b.get_absolute_url() in body and a.get_absolute_url() not in body
    body = logged_in.get(url, {"q": a.personal_code[:8]}).content.decode()
    assert a.get_absolute_url() in body and b.get_absolute_url() not in body
    body = logged_in.get(url, {"target_group": "child_ft"}).content.decode()
    assert b.get_absolute_url() in body and a.get_absolute_url() not in body
    rows = logged_in.get(url, {"sort": "-name"}).context["rows"]
    assert [r["client"].pk for r in rows] == [b.pk, a.pk]
    rows = logged_in.get(url, {"sort": "bogus"}).context["rows"]
    assert [r["client"].pk for r in rows] == [a.pk, b.pk]


def test_list_paginates_and_survives_a_bad_page_number(logged_in, social_worker, balvi):
    for i in range(27):
        make_client(actor=social_worker, municipality=balvi, first_name=f"Vārds{i:02d}")
    url = reverse("people:client_list")
    first = logged_in.get(url)
    assert len(first.context["rows"]) == 25 and first.context["page"].paginator.num_pages == 2
    assert len(logged_in.get(url, {"page": 2}).context["rows"]) == 2
    assert logged_in.get(url, {"page": "abc"}).status_code == 200


def test_htmx_request_gets_only_the_table(logged_in, social_worker, balvi):
    make_client(actor=social_worker, municipality=balvi)
    response = logged_in.get(reverse("people:client_list"), {"q": "Anna"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and "Bērziņa" in body


def test_opening_a_client_is_audited(logged_in, social_worker, balvi):
    c = make_client(actor=social_worker, municipality=balvi)
    logged_in.get(c.get_absolute_url())
    event = AuditEvent.objects.get(event_type=AuditEventType.CLIENT_VIEWED)
    assert event.actor == social_worker and event.client_id == c.pk and event.request_id


def test_analyst_list_shows_pseudonyms_and_search_by_name_finds_nothing(
    client, make_user, social_worker, balvi
):
    c = make_client(actor=social_worker, municipality=balvi)
    services.consent_give(
        actor=social_worker,
        client=c,
        data={"purpose": "pseudonymised_evaluation", "given_on": c.start_date},
    )
    client.force_login(make_user(Role.ANALYST, None))
    body = client.get(reverse("people:client_list")).content.decode()
    assert c.last_name not in body and c.personal_code not in body and "P-" in body
    rows = client.get(reverse("people:client_list"), {"q": "Bērziņa"}).context["rows"]
    assert rows == []
    detail = client.get(c.get_absolute_url())
    assert detail.status_code == 404  # no page of one client for the analyst


def test_edit_form_and_delete_confirmation(client, head, social_worker, balvi):
    c = make_client(actor=social_worker, municipality=balvi)
    client.force_login(head)
    data = _form(
        personal_code=c.personal_code,
        first_name="Anna",
        last_name="Liepa",
        target_group="adult_grt",
        status="active",
    )
    response = client.post(reverse("people:client_edit", args=[c.pk]), data)
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.last_name == "Liepa"
    confirm = client.get(reverse("people:client_delete", args=[c.pk]))
    assert confirm.status_code == 200 and "Vai tiešām dzēst" in confirm.content.decode()
    assert Client.objects.filter(pk=c.pk).exists()
    client.post(reverse("people:client_delete", args=[c.pk]))
    assert not Client.objects.filter(pk=c.pk).exists()


def test_representative_form_with_reversed_dates(logged_in, social_worker, balvi):
    c = make_client(actor=social_worker, municipality=balvi)
    url = reverse("people:representative_create", args=[c.pk])
    response = logged_in.post(
        url,
        {
            "kind": "guardian",
            "first_name": "A",
            "last_name": "B",
            "valid_from": "2026-02-01",
            "valid_to": "2026-01-01",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["valid_to"] == [
        "Beigu datums nevar būt pirms sākuma datuma."
    ]
    assert Representative.objects.count() == 0
    response = logged_in.post(
        url, {"kind": "guardian", "first_name": "A", "last_name": "B", "valid_from": "2026-01-01"}
    )
    assert response.status_code == 302 and Representative.objects.count() == 1


def test_consent_shown_on_client_page_and_revoked(logged_in, social_worker, balvi):
    c = make_client(actor=social_worker, municipality=balvi)
    logged_in.post(
        reverse("people:consent_create", args=[c.pk]),
        {"purpose": "pseudonymised_evaluation", "given_on": "2026-01-05"},
    )
    consent = Consent.objects.get()
    body = logged_in.get(c.get_absolute_url()).content.decode()
    assert "spēkā" in body and "pseidonimizētā izvērtēšanā" in body
    logged_in.post(
        reverse("people:consent_revoke", args=[c.pk, consent.pk]),
        {"revoked_on": "2026-02-01", "reason": "atsauca"},
    )
    consent.refresh_from_db()
    assert consent.revoked_on == dt.date(2026, 2, 1)


def test_audit_page_for_head_not_for_social_worker(client, head, social_worker, balvi):
    c = make_client(actor=social_worker, municipality=balvi)
    url = reverse("people:client_audit", args=[c.pk])
    client.force_login(social_worker)
    assert client.get(url).status_code == 403
    client.force_login(head)
    response = client.get(url)
    assert response.status_code == 200 and "client.created" in response.content.decode()


def test_referral_pages_and_decision(client, head, social_worker):
    client.force_login(social_worker)
    response = client.post(
        reverse("people:referral_create"),
        {
            "target_group": "child_ft",
            "first_name": "Ieva",
            "last_name": "Kļaviņa",
            "personal_code": make_old_form(dt.date(2018, 3, 3), 12),
            "referred_by": "skola",
            "referred_on": "2026-01-03",
        },
    )
    assert response.status_code == 302
    from atbalsts.people.models import Referral

    ref = Referral.objects.get()
    assert client.get(reverse("people:referral_decide", args=[ref.pk])).status_code == 403
    client.force_login(head)
    bad = client.post(
        reverse("people:referral_decide", args=[ref.pk]),
        {"decision": "declined", "decided_on": "2026-01-10"},
    )
    assert bad.status_code == 400
    good = client.post(
        reverse("people:referral_decide", args=[ref.pk]),
        {"decision": "accepted", "decided_on": "2026-01-10"},
    )
    ref.refresh_from_db()
    assert good.status_code == 302 and good["Location"] == ref.client.get_absolute_url()


def test_case_assignment_page(client, head, social_worker, balvi):
    c = make_client(actor=social_worker, municipality=balvi)
    client.force_login(head)
    response = client.post(
        reverse("people:case_assign", args=[c.pk]),
        {"social_worker": social_worker.pk, "start_date": "2026-01-05"},
    )
    assert response.status_code == 302
    client.force_login(social_worker)
    home = client.get(reverse("reporting:home")).content.decode()
    assert c.get_absolute_url() in home


def test_dates_render_in_latvian_format_and_english_is_switchable(logged_in, social_worker, balvi):
    c = make_client(actor=social_worker, municipality=balvi)
    body = logged_in.get(c.get_absolute_url()).content.decode()
    assert "05.01.2026" in body and "Mērķa grupa" in body
    logged_in.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in logged_in.get(c.get_absolute_url()).content.decode()


def test_interface_is_latvian_even_for_an_english_browser(logged_in):
    response = logged_in.get(reverse("people:client_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="lv"' in response.content.decode()
