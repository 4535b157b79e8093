"""Step two: the clients with their support circle, case worker, plan and guarantee letters."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from atbalsts.assessment.dates import period_end
from atbalsts.catalog.models import ServiceUnit, Tariff
from atbalsts.core.money import round_money
from atbalsts.demo.people import FEMALE_FIRST, FEMALE_LAST, MALE_FIRST, MALE_LAST, STREETS
from atbalsts.people.models import (
    CaseAssignment,
    CircleRelation,
    Client,
    DisabilityGroup,
    LegalCapacity,
    Municipality,
    SupportCircleMember,
    TargetGroup,
)
from atbalsts.people.personal_code import make_old_form
from atbalsts.people.services import CLIENT_FIELDS
from atbalsts.plans.models import (
    FundingSource,
    GuaranteeLetter,
    LetterCounter,
    PlanLine,
    PlanStatus,
    PlanVersion,
    SignMethod,
    SupportPlan,
)
from atbalsts.plans.services import LINE_FIELDS

from .bulk import Table
from .plans import set_quantities, write_lines_and_letters
from .state import NO_SHOW_SHARE, SOURCE_WEIGHTS, SOURCES, Generator, Line, aware, circle_service

# Residents in thousands, rounded (about 2023): clients are spread in proportion, so Rīga
# has about a third of them and Varakļāni a handful.
POPULATION = {
    "adazi": 11, "aizkraukle": 30, "aluksne": 13, "augsdaugava": 25, "balvi": 18,
    "bauska": 40, "cesis": 40, "daugavpils": 79, "dienvidkurzeme": 34, "dobele": 28,
    "gulbene": 18, "jekabpils": 42, "jelgava": 55, "jelgavas-novads": 30, "jurmala": 50,
    "kekava": 30, "kraslava": 20, "kuldiga": 30, "liepaja": 67, "limbazi": 30, "livani": 11,
    "ludza": 21, "madona": 32, "marupe": 35, "ogre": 58, "olaine": 20, "preili": 17,
    "rezekne": 27, "rezeknes-novads": 27, "riga": 605, "ropazi": 18, "salaspils": 23,
    "saldus": 28, "saulkrasti": 7, "sigulda": 31, "smiltene": 18, "talsi": 38, "tukums": 42,
    "valka": 8, "valmiera": 52, "varaklani": 3, "ventspils": 33, "ventspils-novads": 11,
}  # fmt: skip


def _weights(rng: random.Random, municipalities: Sequence[Municipality]) -> list[float]:
    """Clients per municipality: in proportion to the residents, give or take a fifth."""
    return [POPULATION.get(m.code, 20) * rng.uniform(0.8, 1.2) for m in municipalities]


def _spread(total: int, weights: Sequence[float]) -> list[int]:
    """`total` shared in proportion to `weights`, cumulatively rounded: the parts add up."""
    whole = sum(weights)
    parts, seen, previous = [], 0.0, 0
    for weight in weights:
        seen += weight
        upto = round(total * seen / whole)
        parts.append(upto - previous)
        previous = upto
    return parts


def write_people(gen: Generator) -> None:
    """Clients spread over the municipalities by population, each with one support-circle
    member, a case worker, an active plan of 1–4 services and a letter per provider."""
    rng = gen.rng
    country = gen.country
    n_months = len(country.months)
    tables = {
        "client": Table(
            Client,
            ["id", "created_at", "updated_at", "municipality", *CLIENT_FIELDS],
        ),
        "circle": Table(
            SupportCircleMember,
            [
                "id",
                "created_at",
                "updated_at",
                "client",
                "first_name",
                "last_name",
                "relation",
                "phone",
                "notes",
            ],
        ),
        "assignment": Table(
            CaseAssignment,
            [
                "id",
                "created_at",
                "updated_at",
                "client",
                "social_worker",
                "start_date",
                "end_date",
            ],
        ),
        "plan": Table(SupportPlan, ["id", "created_at", "updated_at", "client", "created_by"]),
        "version": Table(
            PlanVersion,
            [
                "id",
                "created_at",
                "updated_at",
                "plan",
                "number",
                "supersedes",
                "status",
                "start",
                "end",
                "revision",
                "notes",
                "signed_by_representative",
                "signed_on",
                "sign_method",
                "agreed_at",
                "agreed_by",
                "activated_at",
                "closed_at",
                "close_reason",
                "overrun_allowance",
                "overrun_reason",
                "overrun_approved_by",
                "overrun_approved_at",
                "extension",
                "created_by",
            ],
        ),
        "line": Table(
            PlanLine,
            # the fields a line is written with, then what the service works out for it
            [
                "id",
                "version",
                "key",
                *LINE_FIELDS,
                "registration_status",
                "tariff",
                "unit_price",
                "price_source",
                "total",
            ],
        ),
        "letter": Table(
            GuaranteeLetter,
            [
                "id",
                "created_at",
                "updated_at",
                "number",
                "municipality",
                "year",
                "sequence",
                "version",
                "provider",
                "status",
                "issued_at",
                "issued_by",
                "replaced_by",
                "replaced_at",
                "period_start",
                "period_end",
                "lines",
                "client_identity",
                "social_worker_contact",
                "total",
                "budget_total",
            ],
        ),
    }
    tariff_ids = {
        (t["provider_id"], t["service_type_id"]): t["id"]
        for t in Tariff.objects.values("id", "provider_id", "service_type_id")
    }
    counters: dict[tuple[int, int], int] = {}
    codes: set[str] = set(Client.objects.values_list("personal_code", flat=True))
    per_municipality = _spread(gen.total_clients, _weights(rng, gen.municipalities))
    services_for = {
        group: [
            s
            for s in gen.services.values()
            if (s.for_child_ft if group == TargetGroup.CHILD_FT else s.for_adult_grt)
        ]
        for group in TargetGroup.values
    }
    made = 0
    for municipality, count in zip(gen.municipalities, per_municipality, strict=True):
        staff = country.staff[municipality.pk]
        offers = gen.offers[municipality.pk]
        for index in range(count):
            child = rng.random() < 0.45
            group = TargetGroup.CHILD_FT if child else TargetGroup.ADULT_GRT
            first_month = rng.randrange(n_months - 3)
            last_month = min(n_months - 1, first_month + rng.randint(5, 35))
            start = country.months[first_month]
            end = period_end(start, last_month - first_month + 1)
            female = rng.random() < 0.5
            family = rng.randrange(len(FEMALE_LAST))
            first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
            last = (FEMALE_LAST if female else MALE_LAST)[family]
            age = rng.randint(3, 16) if child else rng.randint(19, 70)
            born = start - dt.timedelta(days=age * 365 + rng.randint(30, 330))
            code = make_old_form(born, rng.randint(0, 999))
            while code in codes:
                code = make_old_form(born, rng.randint(0, 999))
            codes.add(code)
            client_id = tables["client"].new_id()
            worker = staff.workers[index % len(staff.workers)]
            tables["client"].add_named(
                {
                    "id": client_id,
                    "created_at": gen.now,
                    "updated_at": gen.now,
                    "municipality": municipality.pk,
                    "target_group": group,
                    "status": "active",
                    "first_name": first,
                    "last_name": last,
                    "personal_code": code,
                    "date_of_birth": born,
                    "start_date": start,
                    "disability_group": DisabilityGroup.CHILD
                    if child
                    else rng.choice([DisabilityGroup.I, DisabilityGroup.II]),
                    "disability_valid_until": end + dt.timedelta(days=365),
                    "legal_capacity": LegalCapacity.MINOR if child else LegalCapacity.FULL,
                    "address": f"{rng.choice(STREETS)} {rng.randint(1, 60)}, "
                    f"{municipality.admin_centre}",
                    "phone": f"2{rng.randint(0, 9_999_999):07d}",
                    "email": "",
                    "languages": "latviešu",
                    "notes": "",
                }
            )
            member_id = tables["circle"].new_id()
            tables["circle"].add(
                (
                    member_id,
                    gen.now,
                    gen.now,
                    client_id,
                    rng.choice(FEMALE_FIRST),
                    FEMALE_LAST[family],
                    CircleRelation.PARENT if child else CircleRelation.RELATIVE,
                    "",
                    "",
                )
            )
            tables["assignment"].add(
                (
                    tables["assignment"].new_id(),
                    gen.now,
                    gen.now,
                    client_id,
                    worker.pk,
                    start,
                    None,
                )
            )
            plan_id = tables["plan"].new_id()
            tables["plan"].add((plan_id, gen.now, gen.now, client_id, worker.pk))
            version_id = tables["version"].new_id()
            signed = start - dt.timedelta(days=rng.randint(3, 20))
            tables["version"].add(
                (
                    version_id,
                    gen.now,
                    gen.now,
                    plan_id,
                    1,
                    None,
                    PlanStatus.ACTIVE,
                    start,
                    end,
                    3,
                    "",
                    None,
                    signed,
                    SignMethod.PAPER,
                    aware(signed),
                    worker.pk,
                    aware(signed, 11),
                    None,
                    "",
                    Decimal("0.00"),
                    "",
                    None,
                    None,
                    "{}",
                    worker.pk,
                )
            )
            # 1–4 distinct services, each from a provider of the municipality offering it.
            candidates = [s for s in services_for[group] if s.pk in offers]
            chosen = rng.sample(candidates, min(len(candidates), rng.randint(1, 4)))
            by_provider: dict[int, list[tuple[Line, dict[str, Any]]]] = {}
            for priority, service in enumerate(chosen, start=1):
                provider_id, price, minutes = rng.choice(offers[service.pk])
                units = (
                    round_money(Decimal(minutes) / 60)
                    if service.unit == ServiceUnit.HOUR and minutes
                    else Decimal("1.00")
                )
                source = (
                    FundingSource.STATE
                    if not service.ib_fundable
                    else rng.choices(SOURCES, SOURCE_WEIGHTS)[0]
                )
                recipient = member_id if circle_service(service.code) else None
                line = Line(
                    id=tables["line"].new_id(),
                    key=uuid.UUID(int=rng.getrandbits(128), version=4),
                    client_id=client_id,
                    municipality_id=municipality.pk,
                    target_group=group,
                    letter_id=0,
                    provider_id=provider_id,
                    service_type_id=service.pk,
                    recipient_id=recipient,
                    funding_source=source,
                    unit_price=price,
                    units=units,
                    minutes=minutes,
                    held_amount=round_money(units * price),
                    no_show_amount=round_money(units * price * NO_SHOW_SHARE / 100),
                    first_month=first_month,
                    last_month=last_month,
                    rate=(2.0 if service.unit == ServiceUnit.DAY else 1.0) * rng.uniform(0.5, 2.0),
                    time_slot=priority - 1,
                )
                by_provider.setdefault(provider_id, []).append(
                    (line, {"tariff": tariff_ids[(provider_id, service.pk)], "unit": service})
                )
                country.lines.append(line)
            for provider_id, provider_lines in by_provider.items():
                year = signed.year
                sequence = counters.get((municipality.pk, year), 0) + 1
                counters[(municipality.pk, year)] = sequence
                letter_id = tables["letter"].new_id()
                for line, _extra in provider_lines:
                    line.letter_id = letter_id
                # Letters are written after the session counts fix each line's
                # monthly quantity (see plans.set_quantities).
                gen.letters.append(
                    {
                        "letter_id": letter_id,
                        "number": f"GV-{municipality.code.upper()}-{year}-{sequence:04d}",
                        "municipality": municipality,
                        "year": year,
                        "sequence": sequence,
                        "version_id": version_id,
                        "provider_id": provider_id,
                        "issued": aware(signed, 12),
                        "issued_by": worker,
                        "start": start,
                        "end": end,
                        "client_name": f"{first} {last}",
                        "born": born,
                        "provider_lines": provider_lines,
                    }
                )
            made += 1
            if made % 500 == 0:
                gen.progress("klienti", made, gen.total_clients)
    set_quantities(gen)
    write_lines_and_letters(gen, tables)
    for table in tables.values():
        table.flush()
    for (municipality_id, year), last_sequence in counters.items():
        LetterCounter.objects.update_or_create(
            municipality_id=municipality_id,
            year=year,
            defaults={"last_sequence": last_sequence},
        )
    gen.progress("klienti", made, gen.total_clients)
