"""The full support plan to sign: on A4 whatever the length of names, with the goals, the
services and the budget, and blank signature lines for the person (or representative) and the
social worker — no signer, name or date filled in for them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from atbalsts.core.pdf import FONT_DIR
from atbalsts.people import services as people_services
from atbalsts.plans import documents

from .factories import add_goal, add_line, make_plan

pytestmark = pytest.mark.django_db

LONG_WORD = "Psihosociālāsrehabilitācijasunsociālāsintegrācijaspakalpojums" * 2


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def _text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).replace("\u2010\n", "").split())


def _plan(world: Any) -> Any:
    version = make_plan(world)
    goal = add_goal(world, version, text="Atrast darbu kafejnīcā " + LONG_WORD)
    add_line(world, version, goal=goal, months=6)
    add_line(world, version, service_type=world.session_service, quantity=4, months=6)
    return version


def test_the_plan_fits_a4_with_long_names(world: Any) -> None:
    from weasyprint import HTML

    world.provider.name = "Biedrība " + "Ūdensrožu-māja-un-atbalsta-centrs-ģimenēm-" * 4
    world.provider.save()
    version = _plan(world)
    html = render_to_string(
        "plans/plan_pdf.html", {**documents.plan_context(version), "font_dir": FONT_DIR.as_uri()}
    )
    document = HTML(string=html).render()
    for page in document.pages:
        for box in _boxes(page._page_box):
            right = box.position_x + box.margin_width()
            assert right <= page.width + 0.5, (type(box).__name__, right, page.width)
    words = _text(documents.plan_pdf(version))
    assert "Finansējums" in words and "Individuālais budžets" in words


def test_the_plan_names_what_is_signed_and_leaves_the_signatures_blank(world: Any) -> None:
    world.worker.phone = "+371 26 123 456"
    world.worker.save()
    people_services.case_assign(
        actor=world.head,
        client=world.client,
        social_worker=world.worker,
        start_date=world.client.start_date,
    )
    version = _plan(world)
    words = _text(documents.plan_pdf(version))
    assert "Individuālais atbalsta plāns" in words
    assert world.client.full_name in words
    assert "Atrast darbu kafejnīcā" in words
    assert "mērķim Nr. 1" in words  # the line names its goal
    assert "10 (stunda)" in words and "4 (nodarbība), 45 min" in words  # units in words
    assert "+371 26 123 456" in words  # whom to call
    assert "Persona vai tās likumiskais pārstāvis" in words and "Sociālais darbinieks" in words
    assert words.count("vārds, uzvārds paraksts datums") == 2
    # nobody is written in as the signer: the signature block holds only its captions
    block = words[words.index("4. Saskaņojums") :]
    assert world.client.full_name not in block
    assert (world.worker.get_full_name() or world.worker.username) not in block
    assert "2026" not in block


def test_the_plan_pdf_page(client: Any, world: Any) -> None:
    version = _plan(world)
    client.force_login(world.worker)
    response = client.get(f"/plans/versions/{version.pk}/plan.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert str(version.plan_id) in response["Content-Disposition"]
    assert client.get("/plans/versions/999999/plan.pdf").status_code == 404
