"""The guarantee letter's PDF fits A4 whatever the length of the names (its last column, the
funding source, stays on the page) and gives the social worker's phone and e-mail (issue 11,
"records that must not be wrong" 3)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from atbalsts.core.pdf import FONT_DIR
from atbalsts.plans import documents
from atbalsts.plans.models import GuaranteeLetter

from .factories import add_goal, add_line, agree, make_plan

pytestmark = pytest.mark.django_db

LONG_WORD = "Psihosociālāsrehabilitācijasunsociālāsintegrācijaspakalpojums" * 2
LONG_NAME = "Biedrība " + "Ūdensrožu-māja-un-atbalsta-centrs-ģimenēm-ar-bērniem-" * 4


def _letter(world: Any) -> GuaranteeLetter:
    world.worker.phone = "+371 26 123 456"
    world.worker.email = "ilze.ozola@balvi.lv"
    world.worker.save()
    version = make_plan(world)
    add_goal(world, version)
    add_line(world, version, months=2, session_minutes=45)
    agree(world, version)
    letter = GuaranteeLetter.objects.get()
    letter.lines[0]["service"] = LONG_WORD
    letter.lines[0]["recipient"] = LONG_NAME
    letter.lines[0]["unit"] = "stundas " * 6
    letter.lines.append({**letter.lines[0], "service": "Īss " + LONG_NAME})
    letter.provider.name = LONG_NAME
    letter.client_identity = {**letter.client_identity, "name": LONG_NAME}
    return letter


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def test_the_letter_table_fits_the_page_with_very_long_names(world: Any) -> None:
    from weasyprint import HTML

    letter = _letter(world)
    html = render_to_string(
        "plans/letter_pdf.html",
        {**documents.letter_context(letter), "font_dir": FONT_DIR.as_uri()},
    )
    document = HTML(string=html).render()
    for page in document.pages:
        width = page.width
        for box in _boxes(page._page_box):
            right = box.position_x + box.margin_width()
            assert right <= width + 0.5, (type(box).__name__, right, width)
    pdf = PdfReader(io.BytesIO(documents.letter_pdf(letter)))
    text = "".join(page.extract_text() for page in pdf.pages).replace("\u2010\n", "")
    words = " ".join(text.split())
    assert "Finansējums" in words  # the last column's heading is on the page
    assert letter.lines[0]["funding_source_label"] in words, words


def test_the_letter_gives_the_social_workers_phone_and_email(world: Any) -> None:
    letter = _letter(world)
    data = documents.letter_pdf(letter)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "+371 26 123 456" in text
    assert "ilze.ozola@balvi.lv" in text


def test_a_phone_set_after_the_letter_was_issued_is_shown(world: Any) -> None:
    version = make_plan(world)
    add_goal(world, version)
    add_line(world, version, months=2, session_minutes=45)
    agree(world, version)
    letter = GuaranteeLetter.objects.get()
    assert not letter.social_worker_contact.get("phone")
    world.worker.phone = "+371 29 000 111"
    world.worker.save()
    context = documents.letter_context(letter)
    assert context["contact"]["phone"] == "+371 29 000 111"
