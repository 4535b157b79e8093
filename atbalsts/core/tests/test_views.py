"""core.views.form_page: validate, hand the data to a service, show what went wrong."""

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.test import RequestFactory

from atbalsts.core import views
from atbalsts.core.errors import ValidationFailed


class _NameForm(forms.Form):
    name = forms.CharField(max_length=10)

    def service_data(self) -> dict[str, Any]:
        return {"shaped": self.cleaned_data["name"].upper()}


@pytest.fixture
def rendered(monkeypatch):
    """Pages rendered by form_page, without needing a template."""
    seen: list[dict[str, Any]] = []

    def fake_render(request, template, context, status=200):
        seen.append({"template": template, "context": context, "status": status})
        return HttpResponse(status=status)

    monkeypatch.setattr(views, "render", fake_render)
    return seen


def _request(method: str, data: dict[str, str] | None = None):
    factory = RequestFactory()
    request = factory.post("/x/", data or {}) if method == "POST" else factory.get("/x/")
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _page(request, save, **kwargs):
    return views.form_page(
        request,
        _NameForm(request.POST or None),
        template="t.html",
        context={"title": "T"},
        save=save,
        success_message="Saglabāts.",
        success_url=lambda obj: f"/done/{obj}/",
        **kwargs,
    )


def test_get_renders_the_empty_form(rendered):
    response = _page(_request("GET"), save=lambda data: pytest.fail("not called"))
    assert response.status_code == 200
    assert rendered[0]["context"]["title"] == "T"
    assert not rendered[0]["context"]["form"].is_bound


def test_valid_post_hands_a_copy_of_cleaned_data_and_redirects(rendered):
    calls: list[dict[str, Any]] = []
    request = _request("POST", {"name": " Anna "})
    response = _page(request, save=lambda data: calls.append(data) or 7)
    assert calls == [{"name": "Anna"}]
    assert response.status_code == 302
    assert response["Location"] == "/done/7/"
    assert [str(m) for m in get_messages(request)] == ["Saglabāts."]
    assert rendered == []


def test_data_option_shapes_what_the_service_gets(rendered):
    calls: list[dict[str, Any]] = []
    response = _page(
        _request("POST", {"name": "anna"}),
        save=lambda data: calls.append(data) or 1,
        data=lambda form: form.service_data(),
    )
    assert calls == [{"shaped": "ANNA"}]
    assert response.status_code == 302


def test_invalid_form_is_400_and_service_is_not_called(rendered):
    response = _page(
        _request("POST", {"name": "x" * 11}), save=lambda data: pytest.fail("not called")
    )
    assert response.status_code == 400
    assert "name" in rendered[0]["context"]["form"].errors


def test_refused_by_service_shows_the_error_on_its_field(rendered):
    def save(data):
        raise ValidationFailed({"name": ["Šāds vārds jau ir."]})

    request = _request("POST", {"name": "Anna"})
    response = _page(request, save=save)
    assert response.status_code == 400
    assert rendered[0]["context"]["form"].errors["name"] == ["Šāds vārds jau ir."]
    assert list(get_messages(request)) == []
