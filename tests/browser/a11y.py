"""The browser checks every main page gets: no sideways scrolling of the page at a phone's and a
tablet's width, and axe-core (installed from npm, see package.json) with no serious or critical
violation. Without axe-core (`npm ci` not run, or no npm) the accessibility check skips with a
message: it never passes silently."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
WIDTHS = (PHONE, TABLET)


def axe_available() -> bool:
    return AXE.exists()


@cache
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(f"needs axe-core at {AXE}: run `npm ci` in the repository (CI does)")
    return AXE.read_text(encoding="utf-8")


def overflow(page: Any) -> str | None:
    """None when the page fits its viewport's width; else the width and the widest elements."""
    found = page.evaluate(
        """() => {
            const view = window.innerWidth, doc = document.documentElement.scrollWidth;
            if (doc <= view) return null;
            const wide = [];
            for (const el of document.body.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (r.right > view + 1 && r.width > 0) {
                    let name = el.tagName.toLowerCase();
                    if (el.id) name += '#' + el.id;
                    if (el.classList.length) name += '.' + [...el.classList].join('.');
                    wide.push(name + '(' + Math.round(r.right) + ')');
                }
            }
            return doc + 'px in ' + view + 'px: ' + wide.slice(0, 6).join(', ');
        }"""
    )
    return str(found) if found else None


def axe_problems(page: Any) -> list[str]:
    """Serious and critical axe-core violations of the page as it is now (after the frame
    that follows a resize or a swap, when app.js has marked the boxes that scroll)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
                     v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }"""
    )
    return [str(v) for v in violations]
