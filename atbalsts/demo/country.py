"""A synthetic country for the national-scale benchmark (docs/performance.md): every
municipality with its social service staff, providers and tariffs, clients with an active
support plan and guarantee letters, years of sessions, and the providers' monthly invoices,
approved, with the monthly spend ledger they add up to.

The services are bypassed for speed (rows are written in bulk: COPY on PostgreSQL, batched
inserts elsewhere), so no audit events are written; but every row is one the services would
accept: valid personal codes, tariffs valid for the whole plan, sessions inside their letter's
period and under the planned quantity, session amounts = units × unit price (× the no-show
share) rounded once to the cent, invoice lines = the sum of their sessions, and
`billing.MonthlySpend` = the sum of the approved invoice lines. Lines are paid from the
municipal, state and DI project budgets: the country has no needs assessments, so no
individual budget periods to charge.

Everything follows from `seed`: the same arguments give the same country, row for row.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import io
import json
import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from atbalsts.assessment.dates import add_months, period_end
from atbalsts.billing import ledger
from atbalsts.billing.models import (
    ClientMonths,
    Invoice,
    InvoicedSession,
    InvoiceLine,
    InvoiceSource,
    InvoiceStatus,
    MonthlySpend,
    ServiceMonths,
    SpendSummary,
)
from atbalsts.catalog.models import Provider, ProviderKind, ServiceType, ServiceUnit, Tariff
from atbalsts.core.money import round_money
from atbalsts.core.roles import Role
from atbalsts.delivery.models import NoShowRule, Session, SessionMode, SessionStatus, Signer
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
from atbalsts.plans.models import (
    FundingSource,
    GuaranteeLetter,
    LetterCounter,
    LetterStatus,
    PlanLine,
    PlanStatus,
    PlanVersion,
    SignMethod,
    SupportPlan,
)

Progress = Callable[[str, int, int], None]

YEARS = 3
NO_SHOW_SHARE = Decimal("50.00")
# Whole minutes that are whole cents of an hour, so units = minutes / 60 is exact.
HOUR_MINUTES = (30, 45, 60, 90, 120)
SESSION_TIMES = (dt.time(9, 0), dt.time(11, 0), dt.time(14, 0), dt.time(16, 0))
# The municipal, state and DI project budgets pay; see the module docstring.
SOURCES = (FundingSource.MUNICIPAL, FundingSource.DI_PROJECT, FundingSource.STATE)
SOURCE_WEIGHTS = (5, 3, 2)
# Services a support-circle member receives rather than the client.
CIRCLE_CODES = ("dabiskajam", "natural-support-circle", "for-parents")
PAID_SHARE = 0.7  # approved invoices of earlier months that are already paid


def _circle_service(code: str) -> bool:
    return any(part in code for part in CIRCLE_CODES)


# --- writing rows in bulk ------------------------------------------------------------------


def _pg_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class Table:
    """Rows of one model written in batches: COPY on PostgreSQL, executemany elsewhere.

    Rows are tuples in the order of `fields` (model field names); ids are given by the caller,
    so that related rows can point at them before they are written.
    """

    BATCH = 20_000

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        meta = model._meta
        self.table = meta.db_table
        column_of = {f.name: str(f.column) for f in meta.concrete_fields}
        self.columns = [column_of[name] for name in fields]
        # Fields added to the model later than this generator get their default, so a new
        # column with a default never breaks the generator; one without a default must be
        # added here.
        self.fill: tuple[Any, ...] = ()
        for model_field in meta.concrete_fields:
            if model_field.name in fields or model_field.primary_key:
                continue
            if not (model_field.has_default() or model_field.null):
                raise TypeError(f"{meta.label}.{model_field.name}: no value and no default")
            self.columns.append(str(model_field.column))
            self.fill += (model_field.get_default(),)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self.postgres = connection.vendor == "postgresql"
        self.next_id = (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row + self.fill if self.fill else row)
        if len(self.rows) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if self.postgres:
                buffer = io.StringIO()
                for row in self.rows:
                    buffer.write("\t".join([_pg_text(v) for v in row]))
                    buffer.write("\n")
                with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    copy.write(buffer.getvalue())
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {self.table} ({columns}) VALUES ({marks})",  # noqa: S608
                    [tuple(_sqlite_value(v) for v in row) for row in self.rows],
                )
        self.written += len(self.rows)
        self.rows = []


# --- the shape of the country ----------------------------------------------------------------


@dataclass
class Line:
    """A plan line as the generator needs it to produce sessions and invoices."""

    id: int
    key: uuid.UUID
    client_id: int
    municipality_id: int
    target_group: str
    letter_id: int
    provider_id: int
    service_type_id: int
    recipient_id: int | None
    funding_source: str
    unit_price: Decimal
    units: Decimal
    minutes: int | None
    held_amount: Decimal
    no_show_amount: Decimal
    first_month: int  # month index in the window, inclusive
    last_month: int  # inclusive
    rate: float  # relative sessions per month
    time_slot: int
    quantity: Decimal = Decimal("0")


@dataclass
class Staff:
    workers: list[Any]
    head: Any
    accountant: Any


@dataclass
class Country:
    start: dt.date
    months: list[dt.date]
    lines: list[Line] = field(default_factory=list)
    providers: dict[int, list[int]] = field(default_factory=dict)  # municipality → providers
    staff: dict[int, Staff] = field(default_factory=dict)
    provider_names: dict[int, str] = field(default_factory=dict)


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def _registration_number(rng: random.Random, taken: set[str]) -> str:
    while True:
        number = f"40{rng.randint(0, 999_999_999):09d}"
        if number not in taken:
            taken.add(number)
            return number


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


def _staff(municipality: Municipality, workers: int) -> Staff:
    User = get_user_model()
    code = municipality.code
    people = [
        User(
            username=f"{code}-sd{i + 1}",
            first_name=FEMALE_FIRST[i % len(FEMALE_FIRST)],
            last_name=FEMALE_LAST[(i * 3) % len(FEMALE_LAST)],
            role=Role.SOCIAL_WORKER,
            municipality=municipality,
            password="!",  # noqa: S106 - an unusable password: these users cannot log in
        )
        for i in range(workers)
    ]
    people.append(
        User(
            username=f"{code}-vaditaja",
            first_name="Aija",
            last_name="Vadone",
            role=Role.HEAD,
            municipality=municipality,
            password="!",  # noqa: S106
        )
    )
    people.append(
        User(
            username=f"{code}-gramatvede",
            first_name="Rita",
            last_name="Skaitle",
            role=Role.ACCOUNTANT,
            municipality=municipality,
            password="!",  # noqa: S106
        )
    )
    made = User.objects.bulk_create(people)
    if made[0].pk is None:  # a backend that does not return ids
        made = list(User.objects.filter(username__in=[u.username for u in people]))
        made.sort(key=lambda u: [p.username for p in people].index(u.username))
    return Staff(workers=made[:-2], head=made[-2], accountant=made[-1])


class Generator:
    def __init__(
        self,
        *,
        clients: int,
        sessions: int,
        seed: int,
        start: dt.date,
        progress: Progress,
    ) -> None:
        self.total_clients = clients
        self.total_sessions = sessions
        self.rng = random.Random(seed)
        self.seed = seed
        self.progress = progress
        self.country = Country(
            start=start, months=[add_months(start, i) for i in range(12 * YEARS)]
        )
        self.now = timezone.now()
        self._letters: list[dict[str, Any]] = []

    # -- municipalities, staff, providers and tariffs -----------------------------------------

    def _services(self) -> list[ServiceType]:
        usable = (ServiceUnit.HOUR, ServiceUnit.SESSION, ServiceUnit.DAY)
        return list(
            ServiceType.objects.filter(
                unit__in=usable, retired_at__isnull=True, default_unit_price__isnull=False
            ).order_by("code")
        )

    def base(self) -> None:
        rng = self.rng
        start = self.country.start
        services = self._services()
        self.services = {s.pk: s for s in services}
        municipalities = list(Municipality.objects.order_by("code"))
        self.municipalities = municipalities
        providers = Table(
            Provider,
            [
                "id",
                "created_at",
                "updated_at",
                "municipality",
                "kind",
                "name",
                "registration_number",
                "contact_person",
                "phone",
                "email",
                "address",
                "seat_municipality",
                "iban",
                "active",
                "notes",
            ],
        )
        tariffs = Table(
            Tariff,
            [
                "id",
                "created_at",
                "updated_at",
                "provider",
                "service_type",
                "location",
                "unit_price",
                "session_minutes",
                "remote_allowed",
                "valid_from",
                "valid_to",
            ],
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
        self.offers: dict[int, dict[int, list[tuple[int, Decimal, int | None]]]] = {}
        taken: set[str] = set()
        for index, municipality in enumerate(municipalities):
            staff = _staff(municipality, workers=2 + index % 4)
            self.country.staff[municipality.pk] = staff
            rules.add(
                (
                    rules.new_id(),
                    self.now,
                    self.now,
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
                providers.add(
                    (
                        provider_id,
                        self.now,
                        self.now,
                        municipality.pk,
                        ProviderKind.LEGAL if legal else ProviderKind.NATURAL,
                        name,
                        _registration_number(rng, taken),
                        "",
                        f"6{rng.randint(0, 9_999_999):07d}",
                        "",
                        f"{rng.choice(STREETS)} {rng.randint(1, 60)}, {municipality.admin_centre}",
                        municipality.pk,
                        "",
                        True,
                        "",
                    )
                )
                self.country.provider_names[provider_id] = name
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
                    tariffs.add(
                        (
                            tariffs.new_id(),
                            self.now,
                            self.now,
                            provider_id,
                            service.pk,
                            None,
                            price,
                            minutes,
                            False,
                            start,
                            None,
                        )
                    )
                    offers.setdefault(service.pk, []).append((provider_id, price, minutes))
            self.offers[municipality.pk] = offers
            self.country.providers[municipality.pk] = sorted(
                {p for offer in offers.values() for p, _price, _minutes in offer}
            )
        for table in (providers, tariffs, rules):
            table.flush()

    # -- clients, plans and letters -----------------------------------------------------------

    def people(self) -> None:
        rng = self.rng
        country = self.country
        n_months = len(country.months)
        tables = {
            "client": Table(
                Client,
                [
                    "id",
                    "created_at",
                    "updated_at",
                    "municipality",
                    "target_group",
                    "status",
                    "first_name",
                    "last_name",
                    "personal_code",
                    "date_of_birth",
                    "start_date",
                    "disability_group",
                    "disability_valid_until",
                    "legal_capacity",
                    "address",
                    "phone",
                    "email",
                    "languages",
                    "notes",
                ],
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
                [
                    "id",
                    "version",
                    "key",
                    "service_type",
                    "provider",
                    "registration_status",
                    "override_reason",
                    "tariff",
                    "unit_price",
                    "price_source",
                    "quantity",
                    "start",
                    "months",
                    "end",
                    "session_minutes",
                    "funding_source",
                    "goal",
                    "priority",
                    "recipient",
                    "decision_domain",
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
        per_municipality = _spread(self.total_clients, _weights(rng, self.municipalities))
        services_for = {
            group: [
                s
                for s in self.services.values()
                if (s.for_child_ft if group == TargetGroup.CHILD_FT else s.for_adult_grt)
            ]
            for group in TargetGroup.values
        }
        made = 0
        for municipality, count in zip(self.municipalities, per_municipality, strict=True):
            staff = country.staff[municipality.pk]
            offers = self.offers[municipality.pk]
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
                tables["client"].add(
                    (
                        client_id,
                        self.now,
                        self.now,
                        municipality.pk,
                        group,
                        "active",
                        first,
                        last,
                        code,
                        born,
                        start,
                        DisabilityGroup.CHILD
                        if child
                        else rng.choice([DisabilityGroup.I, DisabilityGroup.II]),
                        end + dt.timedelta(days=365),
                        LegalCapacity.MINOR if child else LegalCapacity.FULL,
                        f"{rng.choice(STREETS)} {rng.randint(1, 60)}, {municipality.admin_centre}",
                        f"2{rng.randint(0, 9_999_999):07d}",
                        "",
                        "latviešu",
                        "",
                    )
                )
                member_id = tables["circle"].new_id()
                tables["circle"].add(
                    (
                        member_id,
                        self.now,
                        self.now,
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
                        self.now,
                        self.now,
                        client_id,
                        worker.pk,
                        start,
                        None,
                    )
                )
                plan_id = tables["plan"].new_id()
                tables["plan"].add((plan_id, self.now, self.now, client_id, worker.pk))
                version_id = tables["version"].new_id()
                signed = start - dt.timedelta(days=rng.randint(3, 20))
                tables["version"].add(
                    (
                        version_id,
                        self.now,
                        self.now,
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
                        _aware(signed),
                        worker.pk,
                        _aware(signed, 11),
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
                    recipient = member_id if _circle_service(service.code) else None
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
                        rate=(2.0 if service.unit == ServiceUnit.DAY else 1.0)
                        * rng.uniform(0.5, 2.0),
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
                    # monthly quantity (see _quantities).
                    self._letters.append(
                        {
                            "letter_id": letter_id,
                            "number": f"GV-{municipality.code.upper()}-{year}-{sequence:04d}",
                            "municipality": municipality,
                            "year": year,
                            "sequence": sequence,
                            "version_id": version_id,
                            "provider_id": provider_id,
                            "issued": _aware(signed, 12),
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
                    self.progress("klienti", made, self.total_clients)
        self._quantities()
        self._write_lines_and_letters(tables)
        for table in tables.values():
            table.flush()
        for (municipality_id, year), last_sequence in counters.items():
            LetterCounter.objects.update_or_create(
                municipality_id=municipality_id,
                year=year,
                defaults={"last_sequence": last_sequence},
            )
        self.progress("klienti", made, self.total_clients)

    def _quantities(self) -> None:
        """Sessions per line and month: the requested total shared over the line-months in
        proportion to each line's rate, cumulatively rounded so the total is exact. The plan
        line's monthly quantity is the most any of its months gets."""
        lines = self.country.lines
        whole = sum(line.rate * (line.last_month - line.first_month + 1) for line in lines)
        self.scale = self.total_sessions / whole if whole else 0.0
        for line in lines:
            most = int(line.rate * self.scale) + 1
            line.quantity = line.units * max(most, 1)

    def _write_lines_and_letters(self, tables: dict[str, Table]) -> None:
        lines_by_id = {line.id: line for line in self.country.lines}
        for letter in self._letters:
            snapshot = []
            total = Decimal("0.00")
            for line, extra in letter["provider_lines"]:
                line = lines_by_id[line.id]
                service: ServiceType = extra["unit"]
                months = line.last_month - line.first_month + 1
                line_total = round_money(line.unit_price * line.quantity * months)
                total += line_total
                tables["line"].add(
                    (
                        line.id,
                        # version id is the letter's
                        letter["version_id"],
                        line.key,
                        line.service_type_id,
                        line.provider_id,
                        "ok",
                        "",
                        extra["tariff"],
                        line.unit_price,
                        "tariff",
                        line.quantity,
                        letter["start"],
                        months,
                        letter["end"],
                        line.minutes,
                        line.funding_source,
                        None,
                        line.time_slot + 1,
                        line.recipient_id,
                        "",
                        line_total,
                    )
                )
                snapshot.append(
                    {
                        "key": str(line.key),
                        "service_type_id": line.service_type_id,
                        "service": service.name_lv,
                        "unit": str(service.get_unit_display()),
                        "quantity": str(line.quantity),
                        "unit_price": str(line.unit_price),
                        "months": months,
                        "start": letter["start"].isoformat(),
                        "end": letter["end"].isoformat(),
                        "session_minutes": line.minutes,
                        "funding_source": line.funding_source,
                        "funding_source_label": str(FundingSource(line.funding_source).label),
                        "recipient": "" if line.recipient_id is None else "dabiskā atbalsta loks",
                        "total": str(line_total),
                    }
                )
            worker = letter["issued_by"]
            tables["letter"].add(
                (
                    letter["letter_id"],
                    self.now,
                    self.now,
                    letter["number"],
                    letter["municipality"].pk,
                    letter["year"],
                    letter["sequence"],
                    letter["version_id"],
                    letter["provider_id"],
                    LetterStatus.ISSUED,
                    letter["issued"],
                    worker.pk,
                    None,
                    None,
                    letter["start"],
                    letter["end"],
                    json.dumps(snapshot, ensure_ascii=False),
                    json.dumps(
                        {
                            "name": letter["client_name"],
                            "date_of_birth": letter["born"].isoformat(),
                        },
                        ensure_ascii=False,
                    ),
                    json.dumps(
                        {"name": worker.get_full_name(), "phone": "", "email": ""},
                        ensure_ascii=False,
                    ),
                    total,
                    Decimal("0.00"),
                )
            )
        self._letters = []

    # -- sessions, invoices and the monthly spend, month by month -----------------------------

    def delivery(self) -> None:
        rng = self.rng
        country = self.country
        lines = sorted(country.lines, key=lambda line: (line.first_month, line.id))
        session_fields = [
            "id",
            "created_at",
            "updated_at",
            "client",
            "letter",
            "line_key",
            "provider",
            "service_type",
            "recipient",
            "funding_source",
            "date",
            "start_time",
            "duration_minutes",
            "expected_minutes",
            "units",
            "unit_price",
            "ticket_amount",
            "amount",
            "no_show_share",
            "status",
            "mode",
            "evidence_protocol",
            "evidence_file",
            "no_evidence_reason",
            "no_evidence_by",
            "signed_by",
            "signer_note",
            "duration_difference_reason",
            "duration_accepted_by",
            "over_quantity",
            "is_invoiceable",
            "invoice_locked",
            "goals_worked_on",
            "techniques",
            "conclusion",
            "confidential",
            "recorded_by",
            "import_key",
        ]
        sessions = Table(Session, session_fields)
        links = Table(InvoicedSession, ["id", "session", "line"])
        invoices = Table(
            Invoice,
            [
                "id",
                "created_at",
                "updated_at",
                "municipality",
                "provider",
                "month",
                "number",
                "source",
                "status",
                "submitted_by",
                "entered_by",
                "submitted_at",
                "confirmed_by",
                "confirmed_at",
                "approved_by",
                "approved_at",
                "paid_on",
                "payment_reference",
                "paid_recorded_by",
                "rejected_by",
                "rejected_at",
                "rejection_reason",
                "total",
                "difference_count",
            ],
        )
        invoice_lines = Table(
            InvoiceLine,
            [
                "id",
                "invoice",
                "position",
                "client",
                "letter",
                "line_key",
                "service_type",
                "recipient",
                "funding_source",
                "quantity",
                "unit_price",
                "amount",
                "recorded_quantity",
                "recorded_amount",
                "sessions",
                "differences",
            ],
        )
        spend = Table(
            MonthlySpend,
            [
                "id",
                "municipality",
                "target_group",
                "client",
                "recipient_id",
                "service_type",
                "funding_source",
                "month",
                "amount",
                "units",
                "sessions",
            ],
        )
        confidential = {pk for pk, s in self.services.items() if s.confidential}
        done = 0
        cumulative = 0.0
        previous = 0
        active: list[Line] = []
        upcoming = iter(lines)
        pending = next(upcoming, None)
        started = time.monotonic()
        for m, month in enumerate(country.months):
            while pending is not None and pending.first_month <= m:
                active.append(pending)
                pending = next(upcoming, None)
            active = [line for line in active if line.last_month >= m]
            days = calendar.monthrange(month.year, month.month)[1]
            slots = [(d, t) for d in range(1, days + 1) for t in range(2)]
            # (municipality, provider) → invoice lines of the month
            invoiced: dict[tuple[int, int], list[tuple[Line, list[int], Decimal, Decimal]]] = {}
            with transaction.atomic():
                for line in sorted(active, key=lambda line: line.id):
                    cumulative += line.rate * self.scale
                    upto = round(cumulative)
                    count = upto - previous
                    previous = upto
                    if count <= 0:
                        continue
                    worker = country.staff[line.municipality_id].workers[0].pk
                    billed = self._invoiced(m, line.municipality_id, line.provider_id)
                    ids: list[int] = []
                    units = Decimal("0.00")
                    amount = Decimal("0.00")
                    for day, half in sorted(rng.sample(slots, min(count, len(slots)))):
                        draw = rng.random()
                        if draw < 0.92:
                            status, value, invoiceable = SessionStatus.HELD, line.held_amount, True
                        elif draw < 0.95:
                            status, value, invoiceable = (
                                SessionStatus.NO_SHOW_NO_NOTICE,
                                line.no_show_amount,
                                True,
                            )
                        elif draw < 0.98:
                            status, value, invoiceable = (
                                SessionStatus.NO_SHOW_NOTICE,
                                Decimal("0.00"),
                                False,
                            )
                        else:
                            status, value, invoiceable = (
                                SessionStatus.CANCELLED,
                                Decimal("0.00"),
                                False,
                            )
                        session_id = sessions.new_id()
                        when = month.replace(day=day)
                        sessions.add(
                            (
                                session_id,
                                self.now,
                                self.now,
                                line.client_id,
                                line.letter_id,
                                line.key,
                                line.provider_id,
                                line.service_type_id,
                                line.recipient_id,
                                line.funding_source,
                                when,
                                SESSION_TIMES[(line.time_slot + 2 * half) % len(SESSION_TIMES)],
                                line.minutes,
                                line.minutes,
                                line.units,
                                line.unit_price,
                                None,
                                value,
                                NO_SHOW_SHARE
                                if status == SessionStatus.NO_SHOW_NO_NOTICE
                                else None,
                                status,
                                SessionMode.IN_PERSON,
                                "",
                                "",
                                "",
                                None,
                                Signer.CLIENT
                                if line.target_group == "adult_grt"
                                else Signer.REPRESENTATIVE,
                                "",
                                "",
                                None,
                                False,
                                invoiceable,
                                invoiceable and billed,
                                "",
                                "",
                                "",
                                line.service_type_id in confidential,
                                worker,
                                None,
                            )
                        )
                        if invoiceable:
                            ids.append(session_id)
                            units += line.units
                            amount += value
                    if ids:
                        invoiced.setdefault((line.municipality_id, line.provider_id), []).append(
                            (line, ids, units, amount)
                        )
                self._invoices(m, month, invoiced, invoices, invoice_lines, links, spend)
                for table in (sessions, invoices, invoice_lines, links, spend):
                    table.flush()
            done = sessions.written
            self.progress("nodarbības", done, self.total_sessions)
        self.elapsed = time.monotonic() - started
        self._reset_sequences()

    def _invoiced(self, m: int, municipality_id: int, provider_id: int) -> bool:
        """Has the provider invoiced the month? Every earlier month yes; the last month, half
        of the providers (decided per provider, whatever order the sessions come in)."""
        if m < len(self.country.months) - 1:
            return True
        return random.Random(f"{self.seed}-{municipality_id}-{provider_id}").random() < 0.5

    def _invoices(
        self,
        m: int,
        month: dt.date,
        invoiced: dict[tuple[int, int], list[tuple[Line, list[int], Decimal, Decimal]]],
        invoices: Table,
        invoice_lines: Table,
        links: Table,
        spend: Table,
    ) -> None:
        """One invoice per provider × municipality × month. Earlier months are approved (most
        of them paid); of the last month half the providers have submitted and the rest not
        yet, so those sessions are not invoiced at all."""
        rng = self.rng
        last_month = m == len(self.country.months) - 1
        closed = add_months(month, 1)
        for (municipality_id, provider_id), items in sorted(invoiced.items()):
            staff = self.country.staff[municipality_id]
            if not self._invoiced(m, municipality_id, provider_id):
                continue
            if last_month:
                status = InvoiceStatus.SUBMITTED
            else:
                status = InvoiceStatus.PAID if rng.random() < PAID_SHARE else InvoiceStatus.APPROVED
            approved = status in (InvoiceStatus.APPROVED, InvoiceStatus.PAID)
            invoice_id = invoices.new_id()
            total = sum((amount for _line, _ids, _units, amount in items), Decimal("0.00"))
            worker = staff.workers[0].pk
            entered = _aware(closed + dt.timedelta(days=rng.randint(1, 5)))
            invoices.add(
                (
                    invoice_id,
                    self.now,
                    self.now,
                    municipality_id,
                    provider_id,
                    month,
                    f"R-{provider_id}-{month:%Y%m}",
                    InvoiceSource.PAPER,
                    status,
                    None,
                    worker,
                    entered,
                    worker if approved else None,
                    entered + dt.timedelta(days=1) if approved else None,
                    staff.accountant.pk if approved else None,
                    entered + dt.timedelta(days=3) if approved else None,
                    (entered + dt.timedelta(days=10)).date()
                    if status == InvoiceStatus.PAID
                    else None,
                    f"MU-{invoice_id}" if status == InvoiceStatus.PAID else "",
                    staff.accountant.pk if status == InvoiceStatus.PAID else None,
                    None,
                    None,
                    "",
                    total,
                    0,
                )
            )
            for position, (line, ids, units, amount) in enumerate(items, start=1):
                line_id = invoice_lines.new_id()
                invoice_lines.add(
                    (
                        line_id,
                        invoice_id,
                        position,
                        line.client_id,
                        line.letter_id,
                        line.key,
                        line.service_type_id,
                        line.recipient_id,
                        line.funding_source,
                        units,
                        line.unit_price,
                        amount,
                        units,
                        amount,
                        len(ids),
                        "[]",
                    )
                )
                for session_id in ids:
                    links.add((links.new_id(), session_id, line_id))
                if approved:
                    spend.add(
                        (
                            spend.new_id(),
                            municipality_id,
                            line.target_group,
                            line.client_id,
                            line.recipient_id or 0,
                            line.service_type_id,
                            line.funding_source,
                            month,
                            amount,
                            units,
                            len(ids),
                        )
                    )

    def _reset_sequences(self) -> None:
        """Ids were given explicitly; move PostgreSQL's sequences past them."""
        if connection.vendor != "postgresql":
            return
        touched = [
            Provider,
            Tariff,
            NoShowRule,
            Client,
            SupportCircleMember,
            CaseAssignment,
            SupportPlan,
            PlanVersion,
            PlanLine,
            GuaranteeLetter,
            Session,
            InvoicedSession,
            Invoice,
            InvoiceLine,
            MonthlySpend,
        ]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), touched):
                cursor.execute(statement)


@contextlib.contextmanager
def _bulk_load(bulk: Sequence[type[models.Model]]) -> Iterator[None]:
    """On PostgreSQL, drop the plain indexes and the foreign keys of the big tables while their
    rows are copied in, and build them again afterwards: one sort per index and one set-based
    check per foreign key instead of millions of index inserts and per-row trigger checks.
    Re-adding a foreign key checks every row, so the database still proves the references.
    Primary and unique keys stay. The schema ends up exactly as the migrations made it.
    Only outside a transaction (the management command): inside one, PostgreSQL refuses to
    alter a table while deferred foreign-key checks on it are still pending."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    tables = [model._meta.db_table for model in bulk]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            ORDER BY i.indexname
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
            ORDER BY c.conname
            """,
            [tables],
        )
        foreign_keys = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in foreign_keys:
                cursor.execute(
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                )
            # VACUUM sets the visibility map and hint bits now rather than on the first reads;
            # it cannot run inside a transaction.
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")


@dataclass(frozen=True)
class Summary:
    clients: int
    sessions: int
    lines: int
    seconds: float


def generate(
    *,
    clients: int,
    sessions: int,
    seed: int,
    start: dt.date,
    progress: Progress | None = None,
) -> Summary:
    """Make the country. The people, plans and letters are written in one transaction, then
    each month's sessions, invoices and spend in a transaction of its own (a transaction per
    month keeps PostgreSQL's deferred foreign-key checks small)."""
    began = time.monotonic()
    generator = Generator(
        clients=clients,
        sessions=sessions,
        seed=seed,
        start=start,
        progress=progress or (lambda what, done, total: None),
    )
    with transaction.atomic():
        generator.base()
        generator.people()
    with _bulk_load([Session, InvoicedSession, Invoice, InvoiceLine, MonthlySpend]):
        generator.delivery()
    # The ledger was written in bulk, not line by line through billing.ledger.add_spend:
    # compute the report roll-ups from it in one pass.
    ledger.rebuild()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        tables = [m._meta.db_table for m in (SpendSummary, ServiceMonths, ClientMonths)]
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
    return Summary(
        clients=clients,
        sessions=Session.objects.count(),
        lines=len(generator.country.lines),
        seconds=time.monotonic() - began,
    )


def is_generated(*, clients: int, sessions: int) -> bool:
    """Is a country of this size already there? (Used by the benchmark to skip regeneration.)"""
    return Client.objects.count() == clients and Session.objects.count() == sessions
