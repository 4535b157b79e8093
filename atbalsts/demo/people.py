"""Generates demo users and clients from plausible rules (names, ages, disability groups)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction

from atbalsts.core.roles import Role
from atbalsts.people import services
from atbalsts.people.models import (
    CircleRelation,
    Client,
    ConsentPurpose,
    DisabilityGroup,
    LegalCapacity,
    Municipality,
    RepresentativeKind,
    TargetGroup,
)
from atbalsts.people.personal_code import make_old_form

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

DEMO_PASSWORD = "atbalsts-demo"  # noqa: S105 - printed for the demo, never used in production

FEMALE_FIRST = [
    "Ilze",
    "Anna",
    "Laura",
    "Marta",
    "Līga",
    "Dace",
    "Inese",
    "Elīna",
    "Sanita",
    "Zane",
]
MALE_FIRST = [
    "Jānis",
    "Andris",
    "Mārtiņš",
    "Edgars",
    "Artūrs",
    "Roberts",
    "Kārlis",
    "Raivis",
    "Oskars",
    "Emīls",
]
FEMALE_LAST = [
    "Bērziņa",
    "Kalniņa",
    "Ozoliņa",
    "Liepiņa",
    "Krūmiņa",
    "Zariņa",
    "Vītola",
    "Kļaviņa",
    "Jansone",
    "Pētersone",
]
MALE_LAST = [
    "Bērziņš",
    "Kalniņš",
    "Ozoliņš",
    "Liepiņš",
    "Krūmiņš",
    "Zariņš",
    "Vītols",
    "Kļaviņš",
    "Jansons",
    "Pētersons",
]
STREETS = ["Brīvības iela", "Partizānu iela", "Vidzemes iela", "Ezera iela", "Dārza iela"]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    municipality: str | None


DEMO_USERS = (
    DemoUser("socdarbiniece", "Inga", "Sociālā", Role.SOCIAL_WORKER, "balvi"),
    DemoUser("socdarbinieks", "Māris", "Gaiļa", Role.SOCIAL_WORKER, "balvi"),
    DemoUser("vaditaja", "Aija", "Vadone", Role.HEAD, "balvi"),
    DemoUser("gramatvede", "Rita", "Skaitle", Role.ACCOUNTANT, "balvi"),
    DemoUser("sniedzejs", "Linda", "Sniedzēja", Role.PROVIDER, None),
    DemoUser("tukums", "Guntis", "Tukumnieks", Role.SOCIAL_WORKER, "tukums"),
    DemoUser("analitike", "Evija", "Analīze", Role.ANALYST, None),
    DemoUser("auditors", "Pēteris", "Pārbaude", Role.AUDITOR, None),
    DemoUser("admins", "Sistēma", "Administrators", Role.ADMIN, None),
)


def ensure_users() -> dict[str, Any]:
    User = get_user_model()
    users = {}
    municipalities = {m.code: m for m in Municipality.objects.all()}
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                role=spec.role,
                municipality=municipalities.get(spec.municipality or ""),
                is_staff=spec.role == Role.ADMIN,
                is_superuser=spec.role == Role.ADMIN,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        users[spec.username] = user
    return users


def _person(rng: random.Random, family: int | None = None) -> tuple[str, str, int]:
    """A first name and the family name in the matching (female or male) form."""
    family = rng.randrange(len(FEMALE_LAST)) if family is None else family
    if rng.random() < 0.5:
        return rng.choice(FEMALE_FIRST), FEMALE_LAST[family], family
    return rng.choice(MALE_FIRST), MALE_LAST[family], family


def _birth(rng: random.Random, start: dt.date, youngest: int, oldest: int) -> dt.date:
    age_days = rng.randint(youngest * 365 + 30, oldest * 365 - 30)
    return start - dt.timedelta(days=age_days)


@transaction.atomic
def generate_clients(
    *, actor: Actor, municipality: Municipality, worker: Actor, count: int, seed: int
) -> list[Client]:
    """`count` clients, half children and half adults, each with representatives or circle."""
    rng = random.Random(seed)
    start = dt.date(2025, 9, 1)
    clients = []
    town = municipality.admin_centre
    for index in range(count):
        child = index % 2 == 0
        first, last, family = _person(rng)
        born = _birth(rng, start, 3, 16) if child else _birth(rng, start, 19, 60)
        code = make_old_form(born, rng.randint(0, 999))
        if Client.objects.filter(personal_code=code).exists():
            continue
        client = services.client_create(
            actor=actor,
            municipality=municipality,
            data={
                "target_group": TargetGroup.CHILD_FT if child else TargetGroup.ADULT_GRT,
                "first_name": first,
                "last_name": last,
                "personal_code": code,
                "start_date": start,
                "disability_group": DisabilityGroup.CHILD
                if child
                else rng.choice([DisabilityGroup.I, DisabilityGroup.II]),
                "disability_valid_until": start + dt.timedelta(days=rng.randint(200, 900)),
                "legal_capacity": LegalCapacity.MINOR
                if child
                else rng.choice([LegalCapacity.FULL, LegalCapacity.FULL, LegalCapacity.LIMITED]),
                "address": f"{rng.choice(STREETS)} {rng.randint(1, 60)}, {town}",
                "phone": f"2{rng.randint(0, 9999999):07d}",
                "languages": "latviešu" if rng.random() < 0.8 else "latviešu, krievu",
            },
        )
        parent_first, parent_last, _family = _person(rng, family)
        if child or client.legal_capacity == LegalCapacity.LIMITED:
            rep = services.representative_create(
                actor=actor,
                client=client,
                data={
                    "kind": RepresentativeKind.PARENT if child else RepresentativeKind.GUARDIAN,
                    "first_name": parent_first,
                    "last_name": parent_last,
                    "authority": "vecāka tiesības" if child else "aizgādnība (bāriņtiesas lēmums)",
                    "valid_from": born if child else start - dt.timedelta(days=400),
                    "phone": f"2{rng.randint(0, 9999999):07d}",
                },
            )
            services.consent_give(
                actor=actor,
                client=client,
                data={
                    "purpose": ConsentPurpose.PSEUDONYMISED_EVALUATION,
                    "given_by_representative": rep,
                    "given_on": start,
                },
            )
        member_first, member_last, _family = _person(rng, family)
        services.circle_member_create(
            actor=actor,
            client=client,
            data={
                "first_name": member_first,
                "last_name": member_last,
                "relation": rng.choice(
                    [CircleRelation.SIBLING, CircleRelation.RELATIVE, CircleRelation.FRIEND]
                ),
            },
        )
        services.case_assign(actor=actor, client=client, social_worker=worker, start_date=start)
        clients.append(client)
    return clients
