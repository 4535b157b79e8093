"""Pages: who may open what, bad form input (400, nothing written), search and import."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atbalsts.catalog import services
from atbalsts.catalog.models import (
    MunicipalPrice,
    Provider,
    ProviderLocation,
    ProviderRegistration,
    ServiceType,
    Tariff,
)
from atbalsts.core.roles import Role
from atbalsts.people.models import Municipality

from .factories import company_number, make_location, make_provider, make_registration, make_tariff

D = dt.date


@pytest.fixture
def as_head(client, head):
    client.force_login(head)
    return client


@pytest.fixture
def as_worker(client, social_worker):
    client.force_login(social_worker)
    return client


def test_catalogue_list_for_every_staff_role(client, make_user, balvi):
    for role in (Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT, Role.AUDITOR, Role.ANALYST):
        client.force_login(make_user(role, balvi if role != Role.ANALYST else None))
        response = client.get(reverse("catalog:service_type_list"))
        assert response.status_code == 200
        assert "Psihologa konsultācija" in response.text


def test_catalogue_filter_returns_partial_for_htmx(as_worker):
    response = as_worker.get(
        reverse("catalog:service_type_list"), {"category": "transport"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Specializētā transporta pakalpojums" in response.text
    assert "Psihologa konsultācija" not in response.text


def test_menu_shows_catalogue_and_providers(as_worker):
    text = as_worker.get(reverse("catalog:service_type_list")).text
    assert reverse("catalog:provider_list") in text and ">Katalogs<" in text


def test_worker_cannot_open_write_pages(as_worker, provider, service_type):
    for url in (
        reverse("catalog:service_type_create"),
        reverse("catalog:service_type_edit", args=[service_type.pk]),
        reverse("catalog:service_type_retire", args=[service_type.pk]),
        reverse("catalog:service_type_delete", args=[service_type.pk]),
        reverse("catalog:price_create"),
        reverse("catalog:provider_create"),
        reverse("catalog:provider_edit", args=[provider.pk]),
        reverse("catalog:tariff_create", args=[provider.pk]),
        reverse("catalog:registration_create", args=[provider.pk]),
        reverse("catalog:location_create", args=[provider.pk]),
    ):
        assert as_worker.get(url).status_code == 403, url
        assert as_worker.post(url, {}).status_code == 403, url


def test_service_type_form_bad_input_is_400_and_writes_nothing(as_head):
    before = ServiceType.objects.count()
    response = as_head.post(
        reverse("catalog:service_type_create"),
        {"name_lv": "Psihologa konsultācija", "category": "care", "unit": "hour",
         "for_adult_grt": "on", "default_unit_price": "12,505"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Ievadiet summu, piem. 12,50 (ne vairāk kā divi cipari aiz komata)." in response.text
    assert ServiceType.objects.count() == before


def test_service_type_create_edit_retire_delete(as_head):
    response = as_head.post(
        reverse("catalog:service_type_create"),
        {"name_lv": "Jauns pakalpojums", "name_en": "New", "category": "care", "unit": "hour",
         "for_adult_grt": "on", "ib_fundable": "on", "registration_required": "on",
         "default_unit_price": "12,50"},
    )  # fmt: skip
    assert response.status_code == 302
    created = ServiceType.objects.get(name_lv="Jauns pakalpojums")
    assert created.default_unit_price == Decimal("12.50") and created.code == "new"
    duplicate = as_head.post(
        reverse("catalog:service_type_create"),
        {"name_lv": "jauns pakalpojums", "category": "care", "unit": "hour", "for_adult_grt": "on"},
    )
    assert duplicate.status_code == 400
    assert "Pakalpojuma veids ar šādu nosaukumu jau ir katalogā." in duplicate.text
    retire = reverse("catalog:service_type_retire", args=[created.pk])
    assert as_head.post(retire, {"retired_at": "2026-05-01"}).status_code == 302
    created.refresh_from_db()
    assert created.retired_at == D(2026, 5, 1)
    delete = reverse("catalog:service_type_delete", args=[created.pk])
    assert "Vai tiešām dzēst" in as_head.get(delete).text
    assert as_head.post(delete).status_code == 302
    assert not ServiceType.objects.filter(pk=created.pk).exists()


def test_used_service_type_delete_shows_the_reason(as_head, provider, service_type, head):
    make_tariff(actor=head, provider=provider, service_type=service_type)
    response = as_head.post(
        reverse("catalog:service_type_delete", args=[service_type.pk]), follow=True
    )
    assert "Pakalpojuma veids jau tiek izmantots, tāpēc to nevar dzēst" in response.text
    assert ServiceType.objects.filter(pk=service_type.pk).exists()


def test_provider_form_bad_iban_is_400(as_head):
    response = as_head.post(
        reverse("catalog:provider_create"),
        {"kind": "legal", "name": "SIA Tests", "registration_number": "40003000017",
         "iban": "LV80BANK000043519500"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "LV konta numurā jābūt 21 zīmēm, nevis 20." in response.text
    assert not Provider.objects.exists()


def test_provider_create_and_detail(as_head, balvi):
    response = as_head.post(
        reverse("catalog:provider_create"),
        {"kind": "legal", "name": "SIA Tests", "registration_number": "40003000017",
         "iban": "LV80 BANK 0000 4351 9500 1"},
    )  # fmt: skip
    provider = Provider.objects.get()
    assert response.status_code == 302 and response.url == provider.get_absolute_url()
    assert provider.municipality == balvi
    page = as_head.get(provider.get_absolute_url())
    assert page.status_code == 200 and "LV80BANK0000435195001" in page.text


def test_child_forms_save_and_refuse_bad_input(as_head, provider, service_type, balvi):
    url = reverse("catalog:registration_create", args=[provider.pk])
    bad = as_head.post(
        url, {"register": "social_service_providers", "number": "1", "valid_from": "2026-01-01"}
    )
    assert bad.status_code == 400 and not ProviderRegistration.objects.exists()
    ok = as_head.post(
        url,
        {"register": "social_service_providers", "number": "SP-1", "valid_from": "2026-01-01",
         "service_types": [service_type.pk], "verified_on": "2026-01-02"},
    )  # fmt: skip
    assert ok.status_code == 302
    url = reverse("catalog:location_create", args=[provider.pk])
    assert as_head.post(url, {"kind": "premises", "municipality": balvi.pk}).status_code == 400
    assert (
        as_head.post(
            url,
            {"kind": "premises", "municipality": balvi.pk, "address": "Ezera 1", "active": "on"},
        ).status_code
        == 302
    )
    assert ProviderLocation.objects.count() == 1
    url = reverse("catalog:tariff_create", args=[provider.pk])
    data = {
        "service_type": service_type.pk,
        "unit_price": "20,00",
        "valid_from": "2026-01-01",
        "valid_to": "2026-01-31",
    }
    assert as_head.post(url, data).status_code == 302
    overlap = as_head.post(url, {**data, "valid_from": "2026-01-31", "valid_to": ""})
    assert overlap.status_code == 400
    assert "Periods pārklājas ar tarifu, kas spēkā 01.01.2026–31.01.2026" in overlap.text
    assert as_head.post(url, {**data, "unit_price": "-5"}).status_code == 400
    assert Tariff.objects.count() == 1
    page = as_head.get(provider.get_absolute_url())
    assert "SP-1" in page.text and "Ezera 1" in page.text and "20,00" in page.text


def test_price_form(as_head, service_type):
    url = reverse("catalog:price_create")
    assert (
        as_head.post(url, {"service_type": service_type.pk, "valid_from": "2026-01-01"}).status_code
        == 400
    )
    assert (
        as_head.post(
            url, {"service_type": service_type.pk, "unit_price": "9,99", "valid_from": "2026-01-01"}
        ).status_code
        == 302
    )
    price = MunicipalPrice.objects.get()
    assert price.unit_price == Decimal("9.99")
    assert "9,99" in as_head.get(reverse("catalog:price_list")).text


def test_head_of_other_municipality_gets_403_on_provider_edit(client, make_user, tukums, provider):
    client.force_login(make_user(Role.HEAD, tukums))
    assert client.get(provider.get_absolute_url()).status_code == 200  # the register is shared
    assert client.get(reverse("catalog:provider_edit", args=[provider.pk])).status_code == 403


def test_provider_staff_see_only_their_own_entry(client, make_user, head, provider, balvi):
    other = make_provider(actor=head, municipality=balvi)
    staff = make_user(Role.PROVIDER, None)
    services.provider_member_add(actor=head, provider=provider, user=staff)
    client.force_login(staff)
    assert client.get(provider.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("catalog:provider_list")).status_code == 403


def test_natural_person_code_hidden_from_readers(as_worker, head, balvi):
    person = make_provider(
        actor=head, municipality=balvi, kind="natural", registration_number="170380-12340"
    )
    text = as_worker.get(person.get_absolute_url()).text
    assert "170380-12340" not in text and "fiziskas personas kods netiek rādīts" in text


@pytest.fixture
def spread(head, make_user, balvi, tukums, service_type):
    """Three providers: near Balvi (registered), in Rīga (lapsed), in Tukums (missing)."""
    riga = Municipality.objects.get(code="riga")
    near = make_provider(actor=head, municipality=balvi, name="A Tuvais")
    make_location(actor=head, provider=near, municipality=balvi)
    make_registration(actor=head, provider=near, service_types=[service_type])
    far = make_provider(actor=head, municipality=balvi, name="B Rīgas")
    make_location(actor=head, provider=far, municipality=riga)
    make_registration(
        actor=head, provider=far, service_types=[service_type], valid_to=D(2025, 6, 30)
    )
    tukums_head = make_user(Role.HEAD, tukums)
    other = make_provider(actor=tukums_head, municipality=tukums, name="C Tukuma")
    make_location(actor=tukums_head, provider=other, municipality=tukums)
    make_tariff(actor=tukums_head, provider=other, service_type=service_type)
    return near, far, other


def _names(response):
    return [p.name for p in response.context["page"].object_list]


def test_search_by_service_municipality_distance_and_status(as_worker, spread, service_type, balvi):
    url = reverse("catalog:provider_list")
    assert _names(as_worker.get(url)) == ["A Tuvais", "B Rīgas", "C Tukuma"]
    assert _names(as_worker.get(url, {"service_type": service_type.pk})) == [
        "A Tuvais",
        "B Rīgas",
        "C Tukuma",
    ]
    riga = Municipality.objects.get(code="riga")
    assert _names(as_worker.get(url, {"municipality": riga.pk})) == ["B Rīgas"]
    by_distance = as_worker.get(url, {"near": balvi.pk})
    assert _names(by_distance) == ["A Tuvais", "B Rīgas", "C Tukuma"]
    assert by_distance.context["page"].object_list[0].distance == Decimal("0.0")
    assert _names(as_worker.get(url, {"near": balvi.pk, "max_km": "150"})) == ["A Tuvais"]
    assert _names(as_worker.get(url, {"near": balvi.pk, "sort": "-distance"})) == [
        "C Tukuma",
        "B Rīgas",
        "A Tuvais",
    ]
    status = {"service_type": service_type.pk}
    assert _names(as_worker.get(url, {**status, "status": "ok"})) == ["A Tuvais"]
    assert _names(as_worker.get(url, {**status, "status": "lapsed"})) == ["B Rīgas"]
    assert _names(as_worker.get(url, {**status, "status": "missing"})) == ["C Tukuma"]
    assert _names(as_worker.get(url, {"sort": "-name"})) == ["C Tukuma", "B Rīgas", "A Tuvais"]
    assert "⚠" in as_worker.get(url, HTTP_HX_REQUEST="true").text


def test_search_paginates_and_tolerates_bad_filters(as_worker, head, balvi):
    for n in range(27):
        make_provider(
            actor=head,
            municipality=balvi,
            name=f"Sniedzējs {n:02d}",
            registration_number=company_number(),
        )
    url = reverse("catalog:provider_list")
    assert len(as_worker.get(url).context["page"].object_list) == 25
    assert len(as_worker.get(url, {"page": 2}).context["page"].object_list) == 2
    assert (
        as_worker.get(url, {"max_km": "abc", "near": "999999", "sort": "drop"}).status_code == 200
    )


def test_import_page_reports_rows_and_writes_nothing(as_head):
    content = b"code,name_lv,category,unit\nx,Jauns,care,week\n"
    response = as_head.post(
        reverse("catalog:transfer"),
        {"dataset": "catalogue", "file": SimpleUploadedFile("s.csv", content)},
    )
    assert response.status_code == 400
    assert "Nezināma vērtība „week”" in response.text
    assert not ServiceType.objects.filter(code="x").exists()
    good = b"code,name_lv,category,unit\nx,Jauns,care,hour\n"
    response = as_head.post(
        reverse("catalog:transfer"),
        {"dataset": "catalogue", "file": SimpleUploadedFile("s.csv", good)},
    )
    assert response.status_code == 200 and "pievienoti 1" in response.text
    assert as_head.post(reverse("catalog:transfer"), {"dataset": "catalogue"}).status_code == 400


def test_worker_exports_catalogue_but_not_register_and_cannot_import(as_worker):
    response = as_worker.get(reverse("catalog:export", args=["catalogue", "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="catalogue-')
    assert as_worker.get(reverse("catalog:export", args=["register", "xlsx"])).status_code == 403
    assert as_worker.get(reverse("catalog:export", args=["providers", "csv"])).status_code == 403
    assert as_worker.get(reverse("catalog:export", args=["nothing", "csv"])).status_code == 403
    upload = SimpleUploadedFile("s.csv", b"code,name_lv,category,unit\n")
    assert (
        as_worker.post(
            reverse("catalog:transfer"), {"dataset": "catalogue", "file": upload}
        ).status_code
        == 403
    )


def test_start_page_lists_lapsing_registrations_for_the_head(as_head, head, provider, service_type):
    from django.utils import timezone

    today = timezone.localdate()
    make_registration(
        actor=head,
        provider=provider,
        service_types=[service_type],
        valid_from=today - dt.timedelta(days=400),
        valid_to=today - dt.timedelta(days=3),
    )
    text = as_head.get(reverse("reporting:home")).text
    assert "Sniedzēju reģistrācijas, kam beidzas termiņš" in text and "Biedrība Saulstari" in text
    assert "⚠ beidzās" in text


def test_start_page_has_no_registration_block_for_workers(as_worker, head, provider, service_type):
    from django.utils import timezone

    make_registration(
        actor=head,
        provider=provider,
        service_types=[service_type],
        valid_to=timezone.localdate(),
    )
    assert "kam beidzas termiņš" not in as_worker.get(reverse("reporting:home")).text


def test_head_links_and_unlinks_provider_staff(as_head, make_user, provider, social_worker):
    staff = make_user(Role.PROVIDER, None, username="sniedzejs1")
    url = reverse("catalog:member_add", args=[provider.pk])
    assert as_head.post(url, {"user": social_worker.pk}).status_code == 400  # not provider staff
    assert as_head.post(url, {"user": staff.pk}).status_code == 302
    page = as_head.get(provider.get_absolute_url()).text
    assert "sniedzejs1" in page
    membership = staff.provider_membership
    remove = reverse("catalog:member_remove", args=[provider.pk, membership.pk])
    assert as_head.get(remove).status_code == 405
    assert as_head.post(remove).status_code == 302
    assert not type(membership).objects.exists()
