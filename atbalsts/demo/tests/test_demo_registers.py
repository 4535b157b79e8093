"""The demo's addresses and register extracts: homes and premises geocoded, two imports of
the social service providers' register with a new lapse between them."""

import io

import pytest
from django.core.management import call_command

from atbalsts.core.models import AuditEvent
from atbalsts.people.models import Client
from atbalsts.registers.models import LocationPlace, RegisterImport

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_load_geocodes_homes_and_imports_two_extracts(settings):
    settings.DEMO_DATA_ALLOWED = True
    call_command("demo_load", "--without-pilot", stdout=io.StringIO(), stderr=io.StringIO())

    demo = Client.objects.filter(municipality__code__in=["balvi", "tukums"]).exclude(address="")
    assert demo.exists() and not demo.filter(address_point__isnull=True).exists()
    assert LocationPlace.objects.count() >= 10  # every demo provider's premises
    first, second = RegisterImport.objects.order_by("imported_at", "pk")
    assert first.report["first"] is True
    kinds = [(c["kind"], c["name"]) for c in second.report["changes"]]
    assert kinds[0] == ("lapsed", "Biedrība „Atbalsts Tukumā”")
    assert ("new", "Biedrība „Rugāju ģimenēm”") in kinds
    assert {line["outcome"] for line in second.report["providers"]} == {"active"}

    events = AuditEvent.objects.count()
    call_command("demo_load", "--without-pilot", stdout=io.StringIO(), stderr=io.StringIO())
    assert RegisterImport.objects.count() == 2  # made once
    assert AuditEvent.objects.count() == events
