"""Step one: every municipality's social service staff, providers, tariffs and no-show rule."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from atbalsts.catalog.models import Provider, ProviderKind, ServiceType, ServiceUnit, Tariff
from atbalsts.catalog.services import PROVIDER_FIELDS, TARIFF_FIELDS
from atbalsts.core.money import round_money
from atbalsts.core.roles import Role
from atbalsts.delivery.models import NoShowRule
from atbalsts.demo.people import FEMALE_FIRST, FEMALE_LAST, STREETS
from atbalsts.people.models import Municipality

from .bulk import Table
from .state import HOUR_MINUTES, NO_SHOW_SHARE, Generator, Staff


def _registration_number(rng: random.Random, taken: set[str]) -> str:
    while True:
        number = f"40{rng.randint(0, 999_999_999):09d}"
        if number not in taken:
            taken.add(number)
            return number


def _staff(municipality: Municipality, workers: int) -> Staff:
    User = get_user_model()
    code = municipality.code

    def user(name: str, first: str, last: str, role: Role) -> Any:
        return User(
            username=f"{code}-{name}",
            first_name=first,
            last_name=last,
            role=role,
            municipality=municipality,
            password="!",  # noqa: S106 - an unusable password: these users cannot log in
        )

    people = [
        user(
            f"sd{i + 1}",
            FEMALE_FIRST[i % len(FEMALE_FIRST)],
            FEMALE_LAST[(i * 3) % len(FEMALE_LAST)],
            Role.SOCIAL_WORKER,
        )
        for i in range(workers)
    ]
    people.append(user("vaditaja", "Aija", "Vadone", Role.HEAD))
    people.append(user("gramatvede", "Rita", "Skaitle", Role.ACCOUNTANT))
    made = User.objects.bulk_create(people)
    if made[0].pk is None:  # a backend that does not return ids
        made = list(User.objects.filter(username__in=[u.username for u in people]))
        made.sort(key=lambda u: [p.username for p in people].index(u.username))
    return Staff(workers=made[:-2], head=made[-2], accountant=made[-1])


def _services() -> list[ServiceType]:
    usable = (ServiceUnit.HOUR, ServiceUnit.SESSION, ServiceUnit.DAY)
    return list(
        ServiceType.objects.filter(
            unit__in=usable, retired_at__isnull=True, default_unit_price__isnull=False
        ).order_by("code")
    )


def write_providers(gen: Generator) -> None:
    """Staff, providers with tariffs for 3–9 services each, and the no-show rule, for every
    municipality in turn."""
    rng = gen.rng
    start = gen.country.start
    services = _services()
    gen.services = {s.pk: s for s in services}
    municipalities = list(Municipality.objects.order_by("code"))
    gen.municipalities = municipalities
    providers = Table(
        Provider,
        ["id", "created_at", "updated_at", "municipality", *PROVIDER_FIELDS],
    )
    tariffs = Table(
        Tariff,
        ["id", "created_at", "updated_at", "provider", *TARIFF_FIELDS],
    )
    rules = Table(
        NoShowRule,
        [
            "id",
            "created_at",
            "updated_at",
            "municipality",
            "share_percent",
            "valid_from",
            "valid_to",
            "created_by",
        ],
    )
    gen.offers = {}
    taken: set[str] = set()
    for index, municipality in enumerate(municipalities):
        staff = _staff(municipality, workers=2 + index % 4)
        gen.country.staff[municipality.pk] = staff
        rules.add(
            (
                rules.new_id(),
                gen.now,
                gen.now,
                municipality.pk,
                NO_SHOW_SHARE,
                start,
                None,
                staff.head.pk,
            )
        )
        offers: dict[int, list[tuple[int, Decimal, int | None]]] = {}
        count = 8 + rng.randrange(8)
        for number in range(count):
            provider_id = providers.new_id()
            legal = rng.random() < 0.7
            if legal:
                name = (
                    f'Biedrība "{rng.choice(["Atbalsts", "Cerība", "Saule", "Ozols", "Tilts"])}'
                    f' {municipality.admin_centre} {number + 1}"'
                )
            else:
                name = f"{rng.choice(FEMALE_FIRST)} {rng.choice(FEMALE_LAST)}"
            providers.add_named(
                {
                    "id": provider_id,
                    "created_at": gen.now,
                    "updated_at": gen.now,
                    "municipality": municipality.pk,
                    "kind": ProviderKind.LEGAL if legal else ProviderKind.NATURAL,
                    "name": name,
                    "registration_number": _registration_number(rng, taken),
                    "contact_person": "",
                    "phone": f"6{rng.randint(0, 9_999_999):07d}",
                    "email": "",
                    "address": f"{rng.choice(STREETS)} {rng.randint(1, 60)}, "
                    f"{municipality.admin_centre}",
                    "seat_municipality": municipality.pk,
                    "iban": "",
                    "active": True,
                    "notes": "",
                }
            )
            gen.country.provider_names[provider_id] = name
            for service in rng.sample(services, rng.randint(3, 9)):
                factor = Decimal(rng.randint(80, 130)) / 100
                price = round_money((service.default_unit_price or Decimal(1)) * factor)
                minutes = (
                    rng.choice(HOUR_MINUTES)
                    if service.unit == ServiceUnit.HOUR
                    else (service.default_session_minutes or 60)
                    if service.unit == ServiceUnit.SESSION
                    else None
                )
                tariffs.add_named(
                    {
                        "id": tariffs.new_id(),
                        "created_at": gen.now,
                        "updated_at": gen.now,
                        "provider": provider_id,
                        "service_type": service.pk,
                        "location": None,
                        "unit_price": price,
                        "session_minutes": minutes,
                        "remote_allowed": False,
                        "valid_from": start,
                        "valid_to": None,
                    }
                )
                offers.setdefault(service.pk, []).append((provider_id, price, minutes))
        gen.offers[municipality.pk] = offers
        gen.country.providers[municipality.pk] = sorted(
            {p for offer in offers.values() for p, _price, _minutes in offer}
        )
    for table in (providers, tariffs, rules):
        table.flush()
