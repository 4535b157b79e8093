"""The record of processing covers every record of a client, and names real fields."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from atbalsts.core.roles import Role
from atbalsts.people.models import Client
from atbalsts.privacy.registry import (
    DEFAULT_RETENTION_YEARS,
    IDS_ONLY,
    PURPOSES,
    RECORD_TYPES,
    retention_years,
)

_DOMAIN = ("people", "plans", "assessment", "delivery", "billing")


def _reaches_client(model: Any, depth: int = 0) -> bool:
    if model is Client:
        return True
    if depth > 3:
        return False
    return any(
        f.is_relation
        and f.related_model is not None
        and f.related_model is not model
        and f.related_model._meta.app_label in _DOMAIN
        and _reaches_client(f.related_model, depth + 1)
        for f in model._meta.concrete_fields
    )


def test_every_record_of_a_client_is_in_the_registry() -> None:
    listed = {rt.model for rt in RECORD_TYPES} | set(IDS_ONLY)
    missing = [
        m._meta.label
        for m in apps.get_models()
        if m.__module__.startswith("atbalsts") and _reaches_client(m)
        if m._meta.label not in listed
    ]
    assert missing == []


def test_the_registry_names_real_models_fields_and_categories() -> None:
    for rt in RECORD_TYPES:
        model = apps.get_model(rt.model)
        for name in rt.anonymise:
            model._meta.get_field(name)
        assert rt.retention in DEFAULT_RETENTION_YEARS
        assert rt.anonymise or rt.kept, rt.model
    for purpose in PURPOSES:
        for label in purpose.models:
            assert any(rt.model == label for rt in RECORD_TYPES), label
    assert set(retention_years()) == set(DEFAULT_RETENTION_YEARS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.HEAD, 200), (Role.ADMIN, 200), (Role.SOCIAL_WORKER, 403), (Role.ANALYST, 403)],
)
def test_the_record_page_is_for_heads_and_administrators(
    client: Any, make_user: Any, balvi: Any, role: str, status: int
) -> None:
    user = make_user(role, None if role in (Role.ADMIN, Role.ANALYST) else balvi)
    client.force_login(user)
    response = client.get(reverse("privacy:record"))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Apstrādes darbību reģistrs" in body
        assert "Sociālo pakalpojumu un sociālās palīdzības likums" in body
        assert "10" in body and "nodarbību piezīmes" in body


@pytest.mark.django_db
def test_the_record_is_a_pdf_too(client: Any, head: Any) -> None:
    client.force_login(head)
    response = client.get(reverse("privacy:record_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
