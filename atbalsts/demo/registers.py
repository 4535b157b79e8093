"""The demo's state registers and addresses: the address register's sample for Balvi and
Tukums, the demo clients' homes and the providers' premises pointed at it, and two extracts of
the social service providers' register made from the demo providers (the second one months
later: one Tukums provider excluded, one new), imported by Balvi's head so that the report of
changes has something to say. Made once; running it again changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from atbalsts.addresses.models import Address
from atbalsts.addresses.services import addresses_import
from atbalsts.catalog.models import (
    LocationKind,
    ProviderLocation,
    ProviderRegistration,
    RegisterKind,
)
from atbalsts.people.models import Client
from atbalsts.people.services import client_update
from atbalsts.registers.models import LocationPlace, RegisterImport, RegisterSource
from atbalsts.registers.services import location_place_set, register_import

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

SAMPLE = Path(__file__).resolve().parents[1] / "addresses" / "samples" / "AW_EKA.CSV"
HEADER = (
    "Reģistra numurs;Reģistrācijas numurs;Sniedzēja nosaukums;Pakalpojums;"
    "Pakalpojuma sniegšanas adrese;Reģistrēts;Izslēgts;Statuss"
)
# a provider the register excluded between the two extracts, and one it added
EXCLUDED_KEY = "Biedrība „Atbalsts Tukumā”"
NEW_ROW = ("SP-1920", "40008188441", "Biedrība „Rugāju ģimenēm”", "Atbalsta grupas vecākiem")

Log = Callable[[str], None]


def load(*, users: dict[str, Actor], log: Log, today: dt.date) -> None:
    """Once: a later demo_load (after the pilot's clients arrived) writes nothing."""
    if RegisterImport.objects.exists():
        return
    if not Address.objects.exists():
        with SAMPLE.open("rb") as source:
            result = addresses_import(actor=None, name=SAMPLE.name, source=source)
        log(f"Adrešu reģistra paraugs: {result['rows']} adreses")
    _homes(users["admins"])
    _premises(users["admins"])
    head = users["vaditaja"]
    earlier, later = today - dt.timedelta(days=120), today - dt.timedelta(days=10)
    for name, content, day in (
        (f"socialo_pakalpojumu_sniedzeji_{earlier.isoformat()}.csv", _extract(None), earlier),
        (f"socialo_pakalpojumu_sniedzeji_{later.isoformat()}.csv", _extract(later), later),
    ):
        register_import(
            actor=head,
            source=RegisterSource.SOCIAL_SERVICE_PROVIDERS,
            name=name,
            file=io.BytesIO(content.encode()),
            today=day,
        )
    log("Sociālo pakalpojumu sniedzēju reģistra divi izraksti importēti")


def _find(text: str) -> Address | None:
    """The register's address for a demo address written „Street 12, Town”."""
    match = re.fullmatch(r"(.+ \d+), ([^,]+)", text.strip())
    if match is None:
        return None
    street, town = match.groups()
    return Address.objects.filter(text__startswith=f"{street}, {town},", active=True).first()


def _homes(actor: Actor) -> None:
    for client in Client.objects.filter(address_point__isnull=True).exclude(address=""):
        address = _find(client.address)
        if address is not None:
            client_update(actor=actor, client=client, data={"address_point": address})


def _premises(actor: Actor) -> None:
    placed = LocationPlace.objects.values_list("location_id", flat=True)
    premises = ProviderLocation.objects.filter(kind=LocationKind.PREMISES).exclude(pk__in=placed)
    for location in premises.select_related("provider"):
        address = _find(location.address)
        if address is not None:
            location_place_set(actor=actor, location=location, address=address)


def _extract(excluded_on: dt.date | None) -> str:
    """The register as it would publish the demo providers' registrations; with a date, one
    of them excluded on it and a new provider added."""
    lines = [HEADER]
    registrations = (
        ProviderRegistration.objects.filter(register=RegisterKind.SOCIAL_SERVICE_PROVIDERS)
        .select_related("provider")
        .prefetch_related("service_types", "provider__locations")
        .order_by("number")
    )
    for registration in registrations:
        provider = registration.provider
        place = next((loc.address for loc in provider.locations.all() if loc.address), "")
        excluded = excluded_on if excluded_on and provider.name == EXCLUDED_KEY else None
        for service in registration.service_types.all():
            lines.append(
                ";".join(
                    [
                        registration.number,
                        provider.registration_number,
                        provider.name,
                        service.name_lv,
                        place,
                        registration.valid_from.isoformat(),
                        excluded.isoformat() if excluded else "",
                        "Izslēgts" if excluded else "Reģistrēts",
                    ]
                )
            )
    if excluded_on is not None:
        number, regcode, name, offered = NEW_ROW
        lines.append(f"{number};{regcode};{name};{offered};;{excluded_on.isoformat()};;Reģistrēts")
    return "\r\n".join(lines) + "\r\n"
