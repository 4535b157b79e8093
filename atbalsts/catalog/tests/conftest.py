"""Fixtures of the catalogue tests: a head of Balvi, a service type and a provider of Balvi."""

from typing import Any

import pytest

from atbalsts.catalog.models import Provider, ServiceType

from .factories import make_provider, make_service_type


@pytest.fixture
def service_type(head: Any) -> ServiceType:
    return make_service_type(actor=head)


@pytest.fixture
def provider(head: Any, balvi: Any) -> Provider:
    return make_provider(actor=head, municipality=balvi, name="Biedrība Saulstari")
