"""PDFs keep every Latvian letter: rendered with the bundled font and extracted again."""

import io

from pypdf import PdfReader

from atbalsts.core import pdf

LETTERS = "ā č ē ģ ī ķ ļ ņ š ū ž Ā Č Ē Ģ Ī Ķ Ļ Ņ Š Ū Ž"


def test_latvian_diacritics_survive_rendering(tmp_path, settings):
    template = tmp_path / "sample.html"
    template.write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>Garantijas vēstule</h1>'
        "<p>{{ text }}</p>{% endblock %}",
        encoding="utf-8",
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    data = pdf.render_pdf("sample.html", {"text": LETTERS})
    assert data.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Garantijas vēstule" in text
    for letter in LETTERS.split():
        assert letter in text
