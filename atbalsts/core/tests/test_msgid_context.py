"""Short, ambiguous words take a gettext context: "No" (from) on a period is not Django's own
"No" (Nē). Every msgid without a context that a Latvian page shows must stay as written, and
the period forms read "No"/"Līdz" in Latvian and "From"/"Until" in English (issue 11,
"records that must not be wrong" 4)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from atbalsts.delivery.forms import EmergencyForm
from atbalsts.delivery.services import emergency_declare
from atbalsts.people.forms import CaseAssignmentForm
from atbalsts.plans.forms import LineForm

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _plain_msgids() -> list[str]:
    """The project's msgids that have no context (each is Latvian source text)."""
    found = []
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        if "msgctxt" in block or "msgid_plural" in block:
            continue
        match = re.search(r'^msgid "(.+)"$', block, re.M)
        if match:
            found.append(match.group(1).replace('\\"', '"').replace("\\n", "\n"))
    return found


def test_no_latvian_msgid_is_caught_by_another_catalogue() -> None:
    """In Latvian the project's text is its own msgid; if Django's (or a library's) Latvian
    catalogue has the same msgid it would be shown instead, as "No" became "Nē"."""
    caught = {}
    with translation.override("lv"):
        for msgid in _plain_msgids():
            shown = translation.gettext(msgid)
            if shown != msgid:
                caught[msgid] = shown
    assert caught == {}, "give these msgids a context (pgettext): " + repr(caught)


@pytest.mark.parametrize(
    ("language", "start", "end"), [("lv", "No", "Līdz"), ("en", "From", "Until")]
)
def test_period_labels_in_each_language(language: str, start: str, end: str) -> None:
    with translation.override(language):
        assert str(LineForm.base_fields["start"].label) == start
        assert str(CaseAssignmentForm.base_fields["start_date"].label) == start
        assert str(EmergencyForm.base_fields["start"].label) == start
        assert str(EmergencyForm.base_fields["end"].label) == end


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "start", "end", "wrong"),
    [("lv", "No", "Līdz", "Nē"), ("en", "From", "Until", "No")],
)
def test_the_emergency_pages_render_the_period_in_each_language(
    client: Any, head: Any, language: str, start: str, end: str, wrong: str
) -> None:
    client.force_login(head)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    form = client.get(reverse("delivery:emergency_declare")).content.decode()
    assert re.search(rf"<label[^>]*>\s*{start}\s*<", form), form
    assert re.search(rf"<label[^>]*>\s*{end}\s*<", form)
    assert not re.search(rf"<label[^>]*>\s*{wrong}\s*<", form)
    emergency_declare(
        actor=head,
        municipality=head.municipality,
        data={"start": dt.date(2026, 1, 5), "end": dt.date(2026, 1, 9), "reason": "Plūdi"},
    )
    listing = client.get(reverse("delivery:emergency_list")).content.decode()
    assert f"<th>{start}</th>" in listing and f"<th>{end}</th>" in listing
