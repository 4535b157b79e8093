"""The easy-to-read plan: one A4 page, plain words (no legal forms, no catalogue jargon),
Latvian number agreement, and the money actually paid from the budget, not the planned."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from atbalsts.accounts.tests.factories import UserFactory
from atbalsts.billing.tests.factories import approved, record_sessions, submit
from atbalsts.catalog.models import ServiceUnit
from atbalsts.core.money import format_money
from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import make_delivery_world, make_letter
from atbalsts.plans import documents
from atbalsts.plans.models import FundingSource
from atbalsts.plans.plain import how_often, plain_provider, plain_service

from .factories import add_goal, add_line, make_plan

pytestmark = pytest.mark.django_db


def _words(data: bytes) -> tuple[int, str]:
    pages = PdfReader(io.BytesIO(data)).pages
    text = " ".join(page.extract_text() for page in pages).replace("\u2010\n", "")
    return len(pages), " ".join(text.replace("\xa0", " ").split())


@pytest.mark.parametrize(
    ("name", "plain"),
    [
        ('SIA "Ķiršu dārzs"', "Ķiršu dārzs"),
        ("SIA Ķiršu dārzs", "Ķiršu dārzs"),
        ("Biedrība Ūdensrožu māja", "Ūdensrožu māja"),
        ("Ābeļzieds, biedrība", "Ābeļzieds"),
        ("Nodibinājums „Cerība”", "Cerība"),
        ("AS Asins donoru centrs", "Asins donoru centrs"),
        ("IK Māra", "Māra"),
        ("Siāmas dārzs", "Siāmas dārzs"),  # "SIA" inside a word stays
        ("SIA", "SIA"),  # nothing else to call it
    ],
)
def test_plain_provider(name, plain):
    assert plain_provider(name) == plain


@pytest.mark.parametrize(
    ("name", "plain"),
    [
        ("Dienas aprūpes centra pakalpojums", "Dienas centrs"),
        ("Grupu nodarbība (personām)", "Nodarbības grupā"),
        ("Psihologa konsultācija vecākiem", "Psihologa konsultācija vecākiem"),
        ("Mūzikas terapijas nodarbība", "Mūzikas terapijas nodarbība"),
        ("Transporta pakalpojums", "Transporta pakalpojums"),  # one word left says nothing
        ("Sociālās rehabilitācijas pakalpojums", "Sociālās rehabilitācijas"),
        ("Mākslas terapija (dabiskajam atbalsta lokam)", "Mākslas terapija maniem tuviniekiem"),
    ],
)
def test_plain_service(name, plain):
    assert plain_service(name) == plain


def test_how_often_agrees_with_the_number():
    with translation.override("lv"):
        session = ServiceUnit.SESSION
        assert how_often(Decimal(1), session, "1") == "1 reizi mēnesī"
        assert how_often(Decimal(2), session, "2") == "2 reizes mēnesī"
        assert how_often(Decimal(11), session, "11") == "11 reizes mēnesī"
        assert how_often(Decimal(21), session, "21") == "21 reizi mēnesī"
        assert how_often(Decimal("2.5"), ServiceUnit.HOUR, "2,5") == "2,5 stundas mēnesī"
        assert how_often(Decimal(1), ServiceUnit.HOUR, "1") == "1 stundu mēnesī"
        assert how_often(Decimal(31), ServiceUnit.DAY, "31") == "31 dienu mēnesī"
        assert how_often(Decimal(3), ServiceUnit.DAY, "3", per_period=True) == (
            "3 dienas visā plāna laikā"
        )


def test_one_page_in_plain_words_for_a_full_plan(world: Any) -> None:
    world.provider.name = 'SIA "Ūdensrožu māja un atbalsta centrs ģimenēm"'
    world.provider.save()
    version = make_plan(world)
    for text in (
        "Atrast darbu kafejnīcā, kur var strādāt ar cilvēkiem un mācīties gatavot",
        "Dzīvot savā dzīvoklī un pašam rūpēties par mājas darbiem",
        "Satikt draugus ārpus mājas vismaz reizi nedēļā",
    ):
        add_goal(world, version, text=text)
    for quantity in (1, 2, 21, 4, 3, 1, 2):
        add_line(
            world,
            version,
            service_type=world.session_service,
            quantity=quantity,
            months=1,
            funding_source=FundingSource.MUNICIPAL,
        )
    pages, words = _words(documents.summary_pdf(version, spent=Decimal("123.45")))
    assert pages == 1, words
    assert "SIA" not in words and "Ūdensrožu māja un atbalsta centrs ģimenēm" in words
    assert "1 reizi mēnesī" in words and "21 reizi mēnesī" in words
    assert "2 reizes mēnesī" in words and "21 reizes" not in words
    assert "katra reize 45 minūtes" in words


def test_the_money_shown_is_what_was_paid_not_what_was_planned(
    social_worker: Any, head: Any, balvi: Any
) -> None:
    world = make_delivery_world(worker=social_worker, head=head, municipality=balvi)
    letter = make_letter(world)
    record_sessions(letter, [3, 4])
    accountant = UserFactory(role=Role.ACCOUNTANT, municipality=balvi)
    invoice = approved(world, submit(world), accountant)
    version = letter.version
    client = Client()
    client.force_login(social_worker)
    page = client.get(f"/plans/versions/{version.pk}/summary/")
    assert page.status_code == 200
    body = " ".join(page.content.decode().replace("\xa0", " ").split())
    paid = format_money(invoice.total).replace("\xa0", " ")
    assert f"Jau samaksāts par palīdzību, ko saņēmu: <strong>{paid}</strong>" in body
    planned = sum((line.total for line in version.lines.all()), Decimal("0.00"))
    assert planned != invoice.total
    assert format_money(planned).replace("\xa0", " ") not in body
    pdf = client.get(f"/plans/versions/{version.pk}/summary.pdf")
    assert pdf.status_code == 200 and paid in _words(pdf.content)[1]
