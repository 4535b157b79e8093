"""Providers near the person's home, the transport there and back, and the plan-line form's
htmx part that proposes it; premises pointed at register addresses."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from atbalsts.addresses.models import Address
from atbalsts.catalog.geography import Point, km_between
from atbalsts.catalog.models import LocationKind
from atbalsts.catalog.tests.factories import make_location, make_provider, make_tariff
from atbalsts.plans.models import PlanLine
from atbalsts.plans.tests.factories import PLAN_START, fresh, make_plan, make_world
from atbalsts.registers.selectors import client_home, providers_near, transport_to
from atbalsts.registers.services import location_place_set

pytestmark = pytest.mark.django_db

TILZA = "Skolas iela 1, Tilža, Tilžas pag., Balvu nov., LV-4572"
BALVI = "Brīvības iela 46, Balvi, Balvu nov., LV-4501"
ENGURE = "Jūras iela 4, Engure, Engures pag., Tukuma nov., LV-3113"


@pytest.fixture
def world(social_worker, head, balvi):
    return make_world(worker=social_worker, head=head, municipality=balvi)


@pytest.fixture
def place(world, tukums):
    """The person lives in Tilža; providers of the service in Balvi (premises), at home in
    Balvu novads, and in Engure."""
    call_command("addresses_import", stdout=io.StringIO(), stderr=io.StringIO())
    client = world.client
    client.address_point = Address.objects.get(text=TILZA)
    client.save()
    service = world.session_service
    head = world.head

    def premises(provider, municipality, text):
        location = make_location(actor=head, provider=provider, municipality=municipality)
        location_place_set(actor=head, location=location, address=Address.objects.get(text=text))

    premises(world.provider, world.municipality, BALVI)
    home = make_provider(actor=head, municipality=world.municipality, name="Biedrība Mājās")
    make_location(
        actor=head,
        provider=home,
        municipality=world.municipality,
        kind=LocationKind.CLIENT_HOME,
        address="",
    )
    make_tariff(actor=head, provider=home, service_type=service, unit_price="32.00")
    engure = make_provider(actor=head, municipality=world.municipality, name="SIA Engure")
    premises(engure, tukums, ENGURE)
    make_tariff(actor=head, provider=engure, service_type=service, unit_price="25.00")
    carrier = make_provider(actor=head, municipality=world.municipality, name="SIA Balvu taksis")
    transport = world.assistant.__class__.objects.get(unit="km", category="transport")
    make_tariff(actor=head, provider=carrier, service_type=transport, unit_price="0.30")
    return {"home": home, "engure": engure, "carrier": carrier, "transport": transport}


def test_home_first_then_by_distance_from_home(world, place):
    near = providers_near(
        user=world.worker, client=world.client, service_type=world.session_service, day=PLAN_START
    )
    names = [n.provider.name for n in near]
    assert names == ["Biedrība Mājās", "Biedrība Ūdensrožu māja", "SIA Engure"]
    assert near[0].at_home and near[0].km is None
    tilza, balvi = (Address.objects.get(text=t) for t in (TILZA, BALVI))
    expected = km_between(
        Point(float(tilza.latitude), float(tilza.longitude), True),
        Point(float(balvi.latitude), float(balvi.longitude), True),
    )
    assert near[1].km == expected and Decimal(20) < expected < Decimal(30)
    assert near[1].geocoded and near[1].place == BALVI
    assert near[2].km > Decimal(200)
    assert near[2].registered is False and near[1].registered is True


def test_round_trip_at_the_municipalitys_rate(world, place):
    transport = transport_to(
        client=world.client, provider=world.provider, trips=Decimal(8), day=PLAN_START
    )
    one_way = providers_near(
        user=world.worker, client=world.client, service_type=world.session_service, day=PLAN_START
    )[1].km
    assert transport.km_round_trip == one_way * 2
    assert transport.km_month == (one_way * 16).quantize(Decimal("0.1"))
    assert transport.unit_price == Decimal("0.15")  # the catalogue's, no municipal price set
    assert transport.amount == (transport.km_month * Decimal("0.15")).quantize(Decimal("0.01"))
    assert (
        transport_to(client=world.client, provider=place["home"], trips=Decimal(8), day=PLAN_START)
        is None
    )  # it comes home: no transport


def test_an_address_not_in_the_register_is_flagged(world, place):
    world.client.address_point = None
    world.client.save()
    home = client_home(world.client)
    assert home.geocoded is False  # the municipality's centre stands in
    near = providers_near(
        user=world.worker, client=world.client, service_type=world.session_service, day=PLAN_START
    )
    assert near[1].geocoded is False


def test_the_form_lists_near_providers_and_adds_the_transport_line(client, world, place):
    version = make_plan(world)
    client.force_login(world.worker)
    url = reverse("registers:near", args=[version.pk])
    params = {
        "service_type": world.session_service.pk,
        "provider": world.provider.pk,
        "quantity": "8",
        "start": "2026-01-01",
        "months": "12",
        "funding_source": "individual_budget",
        "choose": "1",
    }
    page = client.get(url, params).content.decode()
    listed = page[page.index('<ul class="near">') :]
    assert listed.index("Biedrība Mājās") < listed.index("Biedrība Ūdensrožu māja")
    assert 'id="id_provider"' in page and 'hx-swap-oob="true"' in page  # the chosen provider
    assert "Pievienot transporta rindu plānam" in page and "SIA Balvu taksis" in page

    transport = transport_to(
        client=world.client, provider=world.provider, trips=Decimal(8), day=PLAN_START
    )
    answer = client.post(
        reverse("registers:transport_add", args=[version.pk]),
        {
            "revision": fresh(version).revision,
            "trips": "8",
            "provider": place["carrier"].pk,
            "funding_source": "individual_budget",
            "start": "2026-01-01",
            "months": "12",
            "for_provider": world.provider.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200
    line = PlanLine.objects.get(version=version)
    assert (line.service_type, line.provider, line.quantity) == (
        place["transport"],
        place["carrier"],
        transport.km_month,
    )
    assert f'value="{fresh(version).revision}" id="id_revision"' in answer.content.decode()
    stale = client.post(
        reverse("registers:transport_add", args=[version.pk]),
        {"revision": 1, "trips": "8", "provider": place["carrier"].pk,
         "funding_source": "individual_budget", "start": "2026-01-01", "months": "12",
         "for_provider": world.provider.pk},
    )  # fmt: skip
    assert stale.status_code == 400 and PlanLine.objects.filter(version=version).count() == 1


def test_premises_page_points_a_location_at_the_register(client, world, place):
    client.force_login(world.head)
    location = make_location(
        actor=world.head, provider=place["home"], municipality=world.municipality
    )
    address = Address.objects.get(text="Ezera iela 18, Balvi, Balvu nov., LV-4501")
    response = client.post(
        reverse("registers:places"),
        {"location": location.pk, f"l{location.pk}-address": address.pk},
    )
    assert response.status_code == 302
    location.refresh_from_db()
    assert location.place.address == address and location.address == address.text[:200]
    assert client.get(reverse("registers:places")).status_code == 200
    client.force_login(world.worker)
    assert client.get(reverse("registers:places")).status_code == 403


def test_address_search_answers_the_picker(client, world, place):
    client.force_login(world.worker)
    answer = client.get(
        reverse("addresses:search"), {"field": "address_point", "address_point_q": "skolas 1 tilža"}
    ).content.decode()
    assert TILZA in answer and "<option" in answer
