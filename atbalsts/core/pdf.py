"""PDF documents from templates with WeasyPrint, in a bundled font that has every Latvian letter.

The font files ship in static/fonts so that ā č ē ģ ī ķ ļ ņ š ū ž render the same on every
machine, whatever fonts the system has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a Django template (extending pdf/base.html) to PDF bytes."""
    from weasyprint import HTML  # imported late: it loads Pango, which pages without PDFs skip

    html = render_to_string(template_name, {**context, "font_dir": FONT_DIR.as_uri()})
    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf())
