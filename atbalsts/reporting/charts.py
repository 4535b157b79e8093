"""Bar charts as inline SVG, drawn on the server: no JavaScript, no CDN, and the same picture
on the page and in the PDF. Every label is escaped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from atbalsts.core.money import format_money

BAR_COLOUR = "#7a1f2b"
TEXT_COLOUR = "#222"
GRID_COLOUR = "#ccc"
FONT = 'font-family="Atbalsts Sans, DejaVu Sans, sans-serif" font-size="12"'
MAX_LABEL_CHARS = 42

Items = Sequence[tuple[str, Decimal]]


def _short(label: str, limit: int = MAX_LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _fraction(value: Decimal, largest: Decimal) -> float:
    """A bar's share of the widest bar; drawing only, the amounts themselves stay Decimal."""
    if largest <= 0 or value <= 0:
        return 0.0
    return float(value / largest)


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every piece of text in `body` and the title is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def bar_chart(
    items: Items,
    *,
    title: str,
    width: int = 720,
    label_width: int = 300,
    value_text: Callable[[Decimal], str] = format_money,
) -> SafeString:
    """Horizontal bars, one row per item, the label on the left and the amount after the bar."""
    row, top = 22, 6
    height = top * 2 + row * max(len(items), 1)
    largest = max((value for _, value in items), default=Decimal(0))
    bar_space = width - label_width - 110
    body: list[str] = []
    for i, (label, value) in enumerate(items):
        y = top + i * row
        length = round(bar_space * _fraction(value, largest))
        body.append(
            f"<g><title>{escape(label)}: {escape(value_text(value))}</title>"
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" fill="{TEXT_COLOUR}" '
            f"{FONT}>{escape(_short(label))}</text>"
            f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="{row - 6}" '
            f'fill="{BAR_COLOUR}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 15}" fill="{TEXT_COLOUR}" {FONT}>'
            f"{escape(value_text(value))}</text></g>"
        )
    return _svg(width, height, title, body)


def whole_euros(value: Decimal) -> str:
    """A column's value written on the chart: whole euros with a space between thousands, as
    Latvian writes them (the table beside the chart gives the exact amount to the cent)."""
    whole = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{whole:,}".replace(",", "\u00a0")


def column_chart(
    items: Items,
    *,
    title: str,
    width: int = 720,
    height: int = 300,
    value_text: Callable[[Decimal], str] = format_money,
    value_label: Callable[[Decimal], str] = whole_euros,
) -> SafeString:
    """Vertical columns (months along the bottom), each column's value written above it
    (`value_label`, upright while it fits across the column, else turned to read upwards),
    the exact amount in each column's tooltip and the largest amount on the axis."""
    largest = max((value for _, value in items), default=Decimal(0))
    # Labels lie flat while they fit under their column, else they slant (and need room).
    slant = (width - 16) / max(len(items), 1) < 56
    left, bottom = (44, 56) if slant else (8, 24)
    step = (width - left - 8) / max(len(items), 1)
    # A value fits across its column at about 6.5 px a character; else it reads upwards.
    longest = max((len(value_label(value)) for _, value in items), default=0)
    upright = longest * 6.5 <= step
    top = 22 + (14 if upright else round(longest * 6) + 6)
    plot_height = height - bottom - top
    body = [
        f'<text x="{left}" y="14" fill="{TEXT_COLOUR}" {FONT}>'
        f"{escape(_('maks. %(amount)s') % {'amount': value_text(largest)})}</text>",
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - 8}" '
        f'y2="{top + plot_height}" stroke="{GRID_COLOUR}"/>',
    ]
    small = 'font-family="Atbalsts Sans, DejaVu Sans, sans-serif" font-size="10"'
    for i, (label, value) in enumerate(items):
        x = left + i * step
        bar = round(plot_height * _fraction(value, largest))
        centre = x + step / 2
        above = top + plot_height - bar - 4
        body.append(
            f"<g><title>{escape(label)}: {escape(value_text(value))}</title>"
            f'<rect x="{x + step * 0.15:.1f}" y="{top + plot_height - bar}" '
            f'width="{step * 0.7:.1f}" height="{bar}" fill="{BAR_COLOUR}"/>'
            + (
                f'<text class="value" x="{centre:.1f}" y="{above}" text-anchor="middle" '
                if upright
                else f'<text class="value" x="{centre + 3.5:.1f}" y="{above}" '
                f'text-anchor="start" transform="rotate(-90 {centre + 3.5:.1f} {above})" '
            )
            + f'fill="{TEXT_COLOUR}" {small}>{escape(value_label(value))}</text>'
            f'<text x="{centre:.1f}" y="{height - bottom + 14}" '
            + (
                f'text-anchor="end" transform="rotate(-45 {centre:.1f} {height - bottom + 14})" '
                if slant
                else 'text-anchor="middle" '
            )
            + f'fill="{TEXT_COLOUR}" {small}>{escape(label)}</text></g>'
        )
    return _svg(width, height, title, body)
