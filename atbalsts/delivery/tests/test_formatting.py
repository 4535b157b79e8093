"""One formatting path for every page: a letter's stored lines (ISO dates, decimal text, the
unit's Latvian word) read on the provider's pages and the paper-invoice page as the language
writes them — 01.12.2026, 4, 2,5 — and in English with English unit words (issue 11,
"records that must not be wrong" 8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from atbalsts.core.dates import dmy, iso_month
from atbalsts.core.templatetags.atbalsts import day, money, number, unit

from .factories import LAST_MONTH, DeliveryWorld, make_letter, make_session


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("lv", ["01.12.2026", "4", "2,5", "1\xa0234,5", "stunda", "1\xa0234,50\xa0€"]),
        ("en", ["01.12.2026", "4", "2.5", "1,234.5", "hour", "1,234.50\xa0€"]),
    ],
)
def test_the_filters_follow_the_language(language: str, expected: list[str]) -> None:
    with translation.override(language):
        shown = [
            day("2026-12-01"),
            number("4.00"),
            number(Decimal("2.50")),
            number("1234.50"),
            unit("stunda"),
            money(Decimal("1234.5")),
        ]
    assert shown == expected
    assert day(dt.date(2026, 12, 1)) == "01.12.2026" and day(None) == "" and number("") == ""
    assert day("not a day") == "not a day" and number("x") == "x"


def _page(client: Any, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "word", "other"), [("lv", "stunda", "hour"), ("en", "hour", "stunda")]
)
def test_the_providers_pages_write_days_and_quantities_as_the_language(
    client: Any, world: DeliveryWorld, language: str, word: str, other: str
) -> None:
    letter = make_letter(world, quantity=Decimal("10"))
    line = letter.lines[0]
    session = make_session(letter, duration_minutes=60)
    client.force_login(world.staff)
    pages = [
        _page(client, reverse("delivery:my_clients"), language),
        _page(client, reverse("delivery:client_detail", args=[world.client.pk]), language),
        _page(client, reverse("reporting:home"), language),
    ]
    for page in pages:
        assert line["start"] not in page and line["end"] not in page  # no ISO days
        assert "10.00" not in page
        assert f"10 {word}" in page
        assert f"10 {other}" not in page
    assert dmy(dt.date.fromisoformat(line["start"])) in pages[0]
    detail = _page(client, session.get_absolute_url(), language)
    assert "20.00 €" not in detail and "1.00" not in detail


@pytest.mark.django_db
def test_the_paper_invoice_page_writes_the_letter_line_as_latvian(
    client: Any, world: DeliveryWorld
) -> None:
    letter = make_letter(world, quantity=Decimal("4"))
    client.force_login(world.worker)
    page = client.get(
        reverse("billing:invoice_paper"),
        {"provider": world.provider.pk, "month": iso_month(LAST_MONTH), "number": "P-1"},
    ).content.decode()
    assert letter.number in page
    assert "4 stunda / mēn." in page
    assert "4.00" not in page


@pytest.mark.django_db
def test_the_no_show_rule_share_reads_as_a_plain_percent(client: Any, world: DeliveryWorld) -> None:
    from atbalsts.delivery import services

    services.no_show_rule_create(
        actor=world.head,
        municipality=world.municipality,
        data={"share_percent": Decimal("50"), "valid_from": dt.date(2026, 1, 1)},
    )
    client.force_login(world.head)
    page = client.get(reverse("delivery:no_show_rules")).content.decode()
    assert ">50 %<" in page and "50,00" not in page and "50.00" not in page
