"""A social worker picks a provider near the person's home on the plan-line form and adds the
transport line the form proposes (round trip × sessions × the municipality's rate)."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from atbalsts.accounts.tests.factories import PASSWORD, UserFactory
from atbalsts.addresses.models import Address
from atbalsts.catalog.models import ServiceType
from atbalsts.catalog.tests.factories import make_location, make_provider, make_tariff
from atbalsts.core.roles import Role
from atbalsts.people.models import Municipality
from atbalsts.plans.models import PlanLine
from atbalsts.plans.tests.factories import PLAN_START, make_plan, make_world
from atbalsts.registers.selectors import transport_to
from atbalsts.registers.services import location_place_set

from .conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_pick_a_near_provider_and_add_the_proposed_transport(page, live_server):
    call_command("addresses_import", stdout=io.StringIO(), stderr=io.StringIO())
    balvi = Municipality.objects.get(code="balvi")
    tukums = Municipality.objects.get(code="tukums")
    worker = UserFactory(role=Role.SOCIAL_WORKER, municipality=balvi, username="ilze")
    head = UserFactory(role=Role.HEAD, municipality=balvi, username="vaditaja")
    world = make_world(worker=worker, head=head, municipality=balvi)
    world.client.address_point = Address.objects.get(
        text="Skolas iela 1, Tilža, Tilžas pag., Balvu nov., LV-4572"
    )
    world.client.save()
    near = make_location(actor=head, provider=world.provider, municipality=balvi)
    location_place_set(
        actor=head,
        location=near,
        address=Address.objects.get(text="Brīvības iela 46, Balvi, Balvu nov., LV-4501"),
    )
    far = make_provider(actor=head, municipality=balvi, name="SIA Engures rehabilitācija")
    far_place = make_location(actor=head, provider=far, municipality=tukums)
    location_place_set(
        actor=head,
        location=far_place,
        address=Address.objects.get(
            text="Jūras iela 4, Engure, Engures pag., Tukuma nov., LV-3113"
        ),
    )
    make_tariff(actor=head, provider=far, service_type=world.session_service, unit_price="25.00")
    carrier = make_provider(actor=head, municipality=balvi, name="SIA Balvu taksis")
    transport = ServiceType.objects.get(unit="km", category="transport")
    make_tariff(actor=head, provider=carrier, service_type=transport, unit_price="0.30")
    version = make_plan(world)

    login(page, live_server, worker.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('plans:line_create', args=[version.pk])}")
    page.wait_for_selector("#near >> text=Sniedzēji tuvāk personai")
    page.evaluate("document.querySelector('#id_provider').dataset.before = 'regroup'")
    page.select_option("select[name=service_type]", label=world.session_service.name_lv)
    page.wait_for_selector("#id_provider:not([data-before])", state="attached")
    listed = page.locator("#near ul.near li")
    listed.first.wait_for()
    names = listed.all_inner_texts()
    assert "Ūdensrožu māja" in names[0] and "Engures" in names[1]  # nearest first
    assert " km" in names[0]

    page.click("#near >> button[aria-label='Izvēlēties: Biedrība Ūdensrožu māja']")
    page.wait_for_selector(
        f"#id_provider option[value='{world.provider.pk}']:checked", state="attached"
    )
    page.fill("input[name=quantity]", "8")
    page.locator("input[name=quantity]").press("Tab")  # leaving the field is its change
    page.wait_for_selector("#near >> text=Pievienot transporta rindu plānam")
    assert "× 8 reizes mēnesī" in page.locator(".transport-proposal").inner_text()
    page.select_option("#transport-provider", label="SIA Balvu taksis")
    page.click("#near >> button:has-text('Pievienot transporta rindu plānam')")
    page.wait_for_selector("#transport-added >> text=Transporta rinda pievienota plānam")

    # the line itself is saved after: the form's revision followed the transport line
    page.click("#plan-form button[type=submit]")
    page.wait_for_selector("#lines >> text=Biedrība Ūdensrožu māja")
    page.wait_for_selector("#lines >> text=SIA Balvu taksis")

    expected = transport_to(
        client=world.client, provider=world.provider, trips=Decimal(8), day=PLAN_START
    )
    lines = {line.provider.name: line for line in PlanLine.objects.filter(version=version)}
    assert set(lines) == {"Biedrība Ūdensrožu māja", "SIA Balvu taksis"}
    assert lines["SIA Balvu taksis"].quantity == expected.km_month
    assert lines["SIA Balvu taksis"].service_type == transport
