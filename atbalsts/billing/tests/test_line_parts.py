"""An invoice line adds up on its face: a no-show share is shown as its own part
(units × price × share = amount) beside the sessions held, and each line links to its
sessions (issue 11, "records that must not be wrong" 9)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from atbalsts.billing import selectors
from atbalsts.delivery import services as delivery_services
from atbalsts.delivery.tests.factories import make_letter

from .factories import record_sessions, submit

pytestmark = pytest.mark.django_db

NBSP = "\xa0"


@pytest.fixture
def invoice(world):
    delivery_services.no_show_rule_create(
        actor=world.head,
        municipality=world.municipality,
        data={"share_percent": Decimal("50"), "valid_from": dt.date(2020, 1, 1)},
    )
    letter = make_letter(world)  # 20,00 € an hour
    held = record_sessions(letter, [3, 4])
    missed = record_sessions(letter, [10], status="no_show_no_notice")
    invoice = submit(world)
    return invoice, held, missed


def test_the_line_is_split_into_held_sessions_and_the_no_show_share(invoice):
    invoice, held, missed = invoice
    line = invoice.lines.get()
    assert (line.quantity, line.unit_price, line.amount) == (
        Decimal("3.00"),
        Decimal("20.00"),
        Decimal("50.00"),
    )  # 3 × 20 is not 50: the face of the line alone does not add up
    recorded = selectors.invoice_line_sessions(invoice)[line.pk]
    assert [s.pk for s in recorded.sessions] == [s.pk for s in held + missed]
    assert [(p.kind, p.units, p.unit_price, p.share, p.amount) for p in recorded.parts] == [
        ("held", Decimal("2.00"), Decimal("20.00"), None, Decimal("40.00")),
        ("no_show", Decimal("1.00"), Decimal("20.00"), Decimal("50.00"), Decimal("10.00")),
    ]
    assert sum(p.amount for p in recorded.parts) == line.amount
    assert recorded.needs_parts


def test_the_invoice_page_shows_the_parts_and_links_the_sessions(client, world, invoice):
    invoice, held, missed = invoice
    client.force_login(world.worker)
    page = client.get(invoice.get_absolute_url()).content.decode().replace(NBSP, " ")
    assert "notika: 2 × 20,00 € = 40,00 €" in page
    assert "neieradās bez brīdinājuma: 1 × 20,00 € × 50 % = 10,00 €" in page
    for session in held + missed:
        assert f'href="{session.get_absolute_url()}"' in page
    client.force_login(world.staff)  # the provider sees the same, and may open its sessions
    page = client.get(invoice.get_absolute_url()).content.decode()
    links = re.findall(r'href="(/delivery/sessions/\d+/)"', page)
    assert links and all(client.get(url).status_code == 200 for url in links)


def test_a_line_of_held_sessions_only_needs_no_parts(world):
    letter = make_letter(world)
    record_sessions(letter, [3, 4])
    invoice = submit(world)
    recorded = selectors.invoice_line_sessions(invoice)[invoice.lines.get().pk]
    assert not recorded.needs_parts and len(recorded.sessions) == 2
    page_url = reverse("billing:invoice_detail", args=[invoice.pk])
    assert page_url == invoice.get_absolute_url()
