"""The catalogue API: same rules and permissions as the pages; bad input is 400 with fields."""

import datetime as dt
import json

import pytest

from atbalsts.catalog import services
from atbalsts.catalog.models import Provider, ServiceType, Tariff
from atbalsts.core.roles import Role

from .factories import make_location, make_provider, make_registration, make_tariff

BASE = "/api/catalog"


@pytest.fixture
def api(client):
    def call(user, method, path, body=None, **params):
        client.force_login(user)
        kwargs = {"content_type": "application/json"} if body is not None else {}
        response = getattr(client, method)(
            BASE + path, json.dumps(body) if body is not None else params or None, **kwargs
        )
        return response

    return call


def test_service_types_read_for_staff_and_written_by_head(api, head, social_worker):
    listed = api(social_worker, "get", "/service-types", category="transport")
    assert listed.status_code == 200
    assert {s["code"] for s in listed.json()} == {"transport-compensation", "specialised-transport"}
    body = {"name_lv": "Jauns", "category": "care", "unit": "hour", "default_unit_price": "9.50"}
    assert api(social_worker, "post", "/service-types", body).status_code == 403
    created = api(head, "post", "/service-types", body)
    assert created.status_code == 201
    assert created.json()["default_unit_price"] == "9.50"
    pk = created.json()["id"]
    patched = api(head, "patch", f"/service-types/{pk}", {"price_note": "no 2026"})
    assert patched.json()["price_note"] == "no 2026"
    retired = api(head, "post", f"/service-types/{pk}/retire", {"retired_at": "2026-05-01"})
    assert retired.json()["retired_at"] == "2026-05-01"
    assert api(head, "delete", f"/service-types/{pk}").status_code == 204


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name_lv": "X", "category": "care", "unit": "week"}, "unit", None),
        (
            {"name_lv": "X", "category": "care", "unit": "hour", "default_unit_price": "-1"},
            "default_unit_price",
            "Cena nevar būt negatīva.",
        ),
        (
            {"name_lv": "X", "category": "care", "unit": "hour", "colour": "red"},
            "colour",
            "Nezināms lauks.",
        ),
        ({"category": "care", "unit": "hour"}, "name_lv", "Obligāts lauks."),
    ],
)
def test_bad_service_type_input_is_400(api, head, body, field, message):
    before = ServiceType.objects.count()
    response = api(head, "post", "/service-types", body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert ServiceType.objects.count() == before


def test_provider_lifecycle_and_scoping(api, head, make_user, tukums, service_type, balvi):
    body = {"kind": "legal", "name": "SIA Tests", "registration_number": "40003000017",
            "iban": "LV80BANK0000435195001"}  # fmt: skip
    created = api(head, "post", "/providers", body)
    assert created.status_code == 201 and created.json()["municipality"] == "balvi"
    pk = created.json()["id"]
    again = api(head, "post", "/providers", body)
    assert again.status_code == 400
    assert again.json()["errors"]["registration_number"] == [
        "Sniedzējs ar šo reģistrācijas numuru pašvaldībā jau ir reģistrēts."
    ]
    bad_iban = api(
        head, "post", "/providers", {**body, "registration_number": "40003000002", "iban": "LV00"}
    )
    assert bad_iban.status_code == 400 and "iban" in bad_iban.json()["errors"]
    other_head = make_user(Role.HEAD, tukums)
    assert api(other_head, "get", f"/providers/{pk}").status_code == 200
    assert api(other_head, "patch", f"/providers/{pk}", {"name": "X"}).status_code == 403
    assert api(head, "post", "/providers", {**body, "municipality": "tukums"}).status_code == 403

    st = service_type.code
    reg = api(head, "post", f"/providers/{pk}/registrations",
              {"register_kind": "social_service_providers", "number": "SP-9", "service_types": [st],
               "valid_from": "2026-01-01", "valid_to": "2026-06-30"})  # fmt: skip
    assert reg.status_code == 201 and reg.json()["service_types"] == [st]
    status = api(
        head, "get", f"/providers/{pk}/registration-status", service_type=st, day="2026-07-01"
    )
    assert status.json()["status"] == "lapsed"
    loc = api(
        head,
        "post",
        f"/providers/{pk}/locations",
        {"kind": "premises", "municipality": "balvi", "address": "Ezera 1"},
    )
    assert loc.status_code == 201
    tariff = {
        "service_type": st,
        "unit_price": "20.00",
        "valid_from": "2026-01-01",
        "valid_to": "2026-01-31",
    }
    assert api(head, "post", f"/providers/{pk}/tariffs", tariff).status_code == 201
    overlap = api(head, "post", f"/providers/{pk}/tariffs", {**tariff, "valid_from": "2026-01-15"})
    assert overlap.status_code == 400 and overlap.json()["code"] == "tariff_overlap"
    assert Tariff.objects.count() == 1
    price = api(head, "get", "/price", service_type=st, day="2026-01-31", provider=pk)
    assert price.json() == {
        "unit_price": "20.00",
        "source": "tariff",
        "session_minutes": None,
        "tariff_id": Tariff.objects.get().pk,
        "remote_allowed": False,
    }
    fallback = api(head, "get", "/price", service_type=st, day="2026-02-01", provider=pk)
    assert fallback.json()["source"] == "catalogue_default"
    assert api(head, "get", "/price", service_type="nav", day="2026-02-01").status_code == 400
    assert api(head, "get", "/price", service_type=st, day="2026-13-01").status_code == 400


def test_search_and_transport(api, social_worker, head, balvi, service_type):
    provider = make_provider(actor=head, municipality=balvi, name="Tuvais")
    make_location(actor=head, provider=provider, municipality=balvi)
    make_registration(actor=head, provider=provider, service_types=[service_type])
    page = api(
        social_worker,
        "get",
        "/providers",
        near="tukums",
        service_type=service_type.code,
        status="ok",
    )
    assert page.status_code == 200
    item = page.json()["items"][0]
    assert item["name"] == "Tuvais" and item["registration_ok"] is True
    assert float(item["distance_km"]) > 200
    assert api(social_worker, "get", "/providers", near="atlantida").status_code == 400
    assert api(social_worker, "get", "/providers", status="maybe").status_code == 400
    estimate = api(
        social_worker,
        "get",
        "/transport-estimate",
        origin="balvi",
        destination="riga",
        day="2026-03-01",
    )
    assert estimate.status_code == 200 and estimate.json()["unit_price"] == "0.15"


def test_provider_staff_read_only_their_own_entry(
    api, head, balvi, make_user, provider, service_type
):
    other = make_provider(actor=head, municipality=balvi)
    tariff = make_tariff(actor=head, provider=other, service_type=service_type)
    staff = make_user(Role.PROVIDER, None)
    services.provider_member_add(actor=head, provider=provider, user=staff)
    assert api(staff, "get", f"/providers/{provider.pk}").status_code == 200
    assert api(staff, "get", f"/providers/{other.pk}").status_code == 404
    assert api(staff, "get", f"/providers/{other.pk}/tariffs").status_code == 404
    assert api(staff, "patch", f"/tariffs/{tariff.pk}", {"unit_price": "1.00"}).status_code == 404
    assert api(staff, "patch", f"/providers/{provider.pk}", {"name": "Mēs"}).status_code == 403
    assert api(staff, "get", "/providers").json()["items"][0]["id"] == provider.pk
    assert api(staff, "get", "/municipal-prices").json() == []


def test_natural_person_code_hidden_from_readers(api, head, social_worker, balvi):
    person = make_provider(
        actor=head, municipality=balvi, kind="natural", registration_number="170380-12340"
    )
    assert (
        api(social_worker, "get", f"/providers/{person.pk}").json()["registration_number"] is None
    )
    assert (
        api(head, "get", f"/providers/{person.pk}").json()["registration_number"] == "170380-12340"
    )


def test_municipal_prices(api, head, social_worker, service_type):
    body = {"service_type": service_type.code, "unit_price": "15.00", "valid_from": "2026-01-01"}
    assert api(social_worker, "post", "/municipal-prices", body).status_code == 403
    created = api(head, "post", "/municipal-prices", body)
    assert created.status_code == 201 and created.json()["municipality"] == "balvi"
    empty = api(
        head,
        "post",
        "/municipal-prices",
        {"service_type": service_type.code, "valid_from": "2027-01-01"},
    )
    assert empty.status_code == 400
    assert empty.json()["errors"] == {"unit_price": ["Norādiet cenu vai DI vienības izmaksas."]}
    listed = api(social_worker, "get", "/municipal-prices")
    assert [p["unit_price"] for p in listed.json()] == ["15.00"]
    assert Provider.objects.count() == 0
    assert dt.date(2026, 1, 1)
