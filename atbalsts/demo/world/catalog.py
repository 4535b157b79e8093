"""The demo municipalities' providers: registrations, locations, tariffs and staff logins."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.utils.text import slugify

from atbalsts.catalog import services as catalog_services
from atbalsts.catalog.identifiers import iban_with_check_digits
from atbalsts.catalog.models import (
    LocationKind,
    Provider,
    ProviderKind,
    ProviderMembership,
    RegisterKind,
    ServiceType,
)
from atbalsts.core.money import round_money
from atbalsts.core.roles import Role
from atbalsts.demo.people import DEMO_PASSWORD
from atbalsts.people.models import Municipality

from .dates import not_after, tariffs_from

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

REGISTER_PREFIX: dict[str, str] = {
    RegisterKind.SOCIAL_SERVICE_PROVIDERS: "SP",
    RegisterKind.MEDICAL_PRACTITIONERS: "ĀPR",
}
BANKS = ("HABA", "UNLA", "PARX", "RIKO", "NDEA")


@dataclass(frozen=True)
class Offer:
    code: str  # the service type's code in the catalogue
    minutes: int | None = None


@dataclass(frozen=True)
class ProviderSpec:
    key: str
    prefix: str  # registration numbers of this kind of organisation start so
    register: str | None  # transport needs no register
    offers: tuple[Offer, ...]
    locations: tuple[str, ...]
    invoice_prefix: str


REHAB = ProviderSpec(
    "rehab",
    "40103",
    RegisterKind.MEDICAL_PRACTITIONERS,
    (
        Offer("physiotherapy-session", 45),
        Offer("occupational-therapy-session", 45),
        Offer("occupational-therapy-at-home", 60),
        Offer("speech-therapy-session", 45),
        Offer("massage", 30),
    ),
    (LocationKind.PREMISES, LocationKind.CLIENT_HOME),
    "RC",
)
PSYCHOLOGIST = ProviderSpec(
    "psychologist",
    "45403",
    RegisterKind.SOCIAL_SERVICE_PROVIDERS,
    (
        Offer("psychologist-consultation", 60),
        Offer("psychologist-consultation-for-parents", 60),
        Offer("psychologist-consultation-natural-support-circle", 60),
    ),
    (LocationKind.PREMISES, LocationKind.REMOTE),
    "PP",
)
NGO = ProviderSpec(
    "ngo",
    "40008",
    RegisterKind.SOCIAL_SERVICE_PROVIDERS,
    (
        Offer("support-person-for-decision-making", 60),
        Offer("group-session-for-persons", 90),
        Offer("support-group-session-for-persons", 90),
        Offer("support-group-session-natural-support-circle", 90),
    ),
    (LocationKind.PREMISES, LocationKind.CLIENT_HOME, LocationKind.REMOTE),
    "B",
)
TRANSPORT = ProviderSpec(
    "transport",
    "50103",
    None,
    (Offer("transport-compensation"), Offer("specialised-transport")),
    (LocationKind.PREMISES,),
    "T",
)
DAY_CENTRE = ProviderSpec(
    "day_centre",
    "40008",
    RegisterKind.SOCIAL_SERVICE_PROVIDERS,
    (Offer("day-care-centre"), Offer("specialised-workshop")),
    (LocationKind.PREMISES,),
    "DC",
)
SPECS = (REHAB, PSYCHOLOGIST, NGO, TRANSPORT, DAY_CENTRE)

# Per municipality: the provider's name, contact person, street and the staff user's login.
NAMES: dict[str, dict[str, tuple[str, str, str]]] = {
    "balvi": {
        "rehab": ("SIA „Rehabilitācijas centrs Vārpa”", "Dace Liepiņa", "Bērzpils iela 12"),
        "psychologist": ("Psiholoģes Ilzes Kalniņas prakse", "Ilze Kalniņa", "Vidzemes iela 5"),
        "ngo": ("Biedrība „Kopā Balvos”", "Raivis Ozoliņš", "Brīvības iela 46"),
        "transport": ("SIA „Balvu pārvadājumi”", "Edgars Vītols", "Dārza iela 3"),
        "day_centre": ("Biedrība „Dienas centrs Saulgrieži”", "Anna Zariņa", "Ezera iela 18"),
    },
    "tukums": {
        "rehab": ("SIA „Rehabilitācijas centrs Engure”", "Laura Jansone", "Pils iela 9"),
        "psychologist": ("Psihologa Kārļa Krūmiņa prakse", "Kārlis Krūmiņš", "Talsu iela 21"),
        "ngo": ("Biedrība „Atbalsts Tukumā”", "Zane Pētersone", "Lielā iela 14"),
        "transport": ("SIA „Tukuma autoserviss”", "Andris Bērziņš", "Kurzemes iela 40"),
        "day_centre": ("Biedrība „Dienas centrs Pūre”", "Marta Kļaviņa", "Raudas iela 7"),
    },
}
# The staff who record sessions and submit invoices for Balvi's providers.
STAFF = {
    "rehab": ("sniedzejs", "Linda", "Sniedzēja"),
    "psychologist": ("psihologe", "Ilze", "Kalniņa"),
    "ngo": ("atbalsta-persona", "Raivis", "Ozoliņš"),
    "transport": ("parvadatajs", "Edgars", "Vītols"),
    "day_centre": ("dienas-centrs", "Anna", "Zariņa"),
}


def company_number(rng: random.Random, prefix: str) -> str:
    """An 11-digit Latvian registration number: the weighted digit sum mod 11 is 3."""
    weights = (9, 1, 4, 8, 3, 10, 2, 5, 7, 6)
    while True:
        body = prefix + "".join(str(rng.randrange(10)) for _ in range(10 - len(prefix)))
        check = (3 - sum(w * int(d) for w, d in zip(weights, body, strict=True))) % 11
        if check < 10:
            return body + str(check)


def lv_iban(rng: random.Random) -> str:
    """A Latvian IBAN of a bank in Latvia with correct mod-97 check digits."""
    account = "".join(str(rng.randrange(10)) for _ in range(13))
    return iban_with_check_digits(f"LV{rng.choice(BANKS)}{account}")


def nice_price(default: Decimal, rng: random.Random) -> Decimal:
    """Near the catalogue price: prices over 5 € to the half euro, small ones to the cent."""
    price = default * Decimal(rng.randint(95, 112)) / 100
    if price >= 5:
        return round_money((price * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2)
    return round_money(price)


def ensure_providers(
    *, actor: Actor, municipality: Municipality, today: dt.date, seed: int
) -> dict[str, Provider]:
    """The municipality's providers, made once: registration, locations and tariffs."""
    rng = random.Random(f"providers-{municipality.code}-{seed}")
    types = {t.code: t for t in ServiceType.objects.all()}
    town = municipality.admin_centre
    providers: dict[str, Provider] = {}
    for spec in SPECS:
        name, contact, street = NAMES[municipality.code][spec.key]
        number = company_number(rng, spec.prefix)
        iban = lv_iban(rng)
        phone = f"6{rng.randint(3000000, 9999999)}"
        existing = Provider.objects.filter(municipality=municipality, name=name).first()
        if existing is not None:
            providers[spec.key] = existing
            continue
        provider = catalog_services.provider_create(
            actor=actor,
            municipality=municipality,
            data={
                "kind": ProviderKind.LEGAL,
                "name": name,
                "registration_number": number,
                "contact_person": contact,
                "phone": phone,
                "email": f"info@{'-'.join(slugify(name).split('-')[-2:])}.lv",
                "address": f"{street}, {town}",
                "seat_municipality": municipality,
                "iban": iban,
            },
        )
        offered = [types[offer.code] for offer in spec.offers]
        if spec.register is not None:
            catalog_services.registration_create(
                actor=actor,
                provider=provider,
                data={
                    "register": spec.register,
                    "number": f"{REGISTER_PREFIX[spec.register]}-{rng.randint(1000, 9999)}",
                    "valid_from": dt.date(rng.randint(2012, 2020), rng.randint(1, 12), 1),
                    "verified_on": not_after(dt.date(2024, 12, rng.randint(2, 20)), today),
                    "service_types": offered,
                },
            )
        for kind in spec.locations:
            catalog_services.location_create(
                actor=actor,
                provider=provider,
                data={
                    "kind": kind,
                    "municipality": municipality,
                    "address": f"{street}, {town}" if kind == LocationKind.PREMISES else "",
                },
            )
        for offer in spec.offers:
            service_type = types[offer.code]
            catalog_services.tariff_create(
                actor=actor,
                provider=provider,
                data={
                    "service_type": service_type,
                    "unit_price": nice_price(service_type.default_unit_price or Decimal(0), rng),
                    "session_minutes": offer.minutes,
                    "remote_allowed": service_type.remote_allowed,
                    "valid_from": tariffs_from(today),
                },
            )
        providers[spec.key] = provider
    return providers


def ensure_staff(*, actor: Actor, providers: dict[str, Provider]) -> dict[str, Actor]:
    """A staff login per provider (`sniedzejs` is made with the other demo users)."""
    User = get_user_model()
    staff = {}
    for key, (username, first, last) in STAFF.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=first, last_name=last, role=Role.PROVIDER)
            user.set_password(DEMO_PASSWORD)
            user.save()
        if not ProviderMembership.objects.filter(user=user).exists():
            catalog_services.provider_member_add(actor=actor, provider=providers[key], user=user)
        staff[key] = user
    return staff
