"""Security headers: a Content Security Policy that runs only the site's own scripts and
styles (no inline script, no eval), `Cache-Control: no-store` on every rendered response,
and templates that need nothing the policy forbids."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = ROOT / "templates"
# Rendered to PDF by WeasyPrint or sent as e-mail: never shown by a browser under the policy.
NOT_PAGES = ("pdf/", "notifications/email/")
FORBIDDEN = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", re.I),
    "an on…= handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "hx-on (htmx evaluates it as script)": re.compile(r"\bhx-on", re.I),
    "hx-vals/hx-vars with js:": re.compile(r"hx-va(ls|rs)\s*=\s*['\"]\s*js:", re.I),
    "a style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "a <style> element": re.compile(r"<style\b", re.I),
    "a javascript: link": re.compile(r"javascript:", re.I),
}


def _policy(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _assert_strict(response):
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_a_signed_in_page_has_the_policy_and_is_not_stored(client, social_worker):
    client.force_login(social_worker)
    response = client.get(reverse("reporting:home"))
    assert response.status_code == 200
    _assert_strict(response)
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "/static/js/app.js" in page
    assert '"allowEval": false' in page


def test_the_sign_in_page_too(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    _assert_strict(response)
    assert "no-store" in response["Cache-Control"]


def test_api_answers_are_not_stored(client, social_worker):
    client.force_login(social_worker)
    response = client.get("/api/people/clients")
    assert "no-store" in response["Cache-Control"]
    anonymous = client.__class__().get("/api/people/clients")
    assert anonymous.status_code in (401, 403)
    assert "no-store" in anonymous["Cache-Control"]


@pytest.mark.django_db(databases=["default", "jobs"])
def test_a_view_that_sets_its_own_cache_control_keeps_no_store(client):
    response = client.get("/healthz")
    assert "no-store" in response["Cache-Control"]


def _page_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name.startswith(NOT_PAGES) or name.endswith("_pdf.html"):
            continue
        yield name, path.read_text()


def test_templates_need_nothing_the_policy_forbids():
    found = [
        f"templates/{name}:{text[: match.start()].count(chr(10)) + 1}: {what}"
        for name, text in _page_templates()
        for what, pattern in FORBIDDEN.items()
        for match in pattern.finditer(text)
    ]
    assert not found, "move these to static/js/app.js or static/css/app.css:\n" + "\n".join(found)


def test_the_policy_check_finds_what_it_looks_for():
    samples = [
        "<script>alert(1)</script>",
        '<form onsubmit="x()">',
        '<div hx-on::before-swap="x">',
        '<td style="text-align:right">',
        "<style>td{}</style>",
        '<a href="javascript:x()">',
    ]
    for sample in samples:
        assert any(p.search(sample) for p in FORBIDDEN.values()), sample
    assert not any(
        p.search('<script src="/static/js/app.js" defer></script>') for p in FORBIDDEN.values()
    )
