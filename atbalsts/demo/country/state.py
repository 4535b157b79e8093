"""The generator's state: the shape of the country being made and the rules it follows."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from atbalsts.assessment.dates import add_months
from atbalsts.catalog.models import ServiceType
from atbalsts.people.models import Municipality
from atbalsts.plans.models import FundingSource

# (provider, unit price, session minutes) of a service, per service type id
Offers = dict[int, list[tuple[int, Decimal, int | None]]]

Progress = Callable[[str, int, int], None]

YEARS = 3
NO_SHOW_SHARE = Decimal("50.00")
# Whole minutes that are whole cents of an hour, so units = minutes / 60 is exact.
HOUR_MINUTES = (30, 45, 60, 90, 120)
SESSION_TIMES = (dt.time(9, 0), dt.time(11, 0), dt.time(14, 0), dt.time(16, 0))
# The municipal, state and DI project budgets pay: the country has no needs assessments, so no
# individual budget periods to charge.
SOURCES = (FundingSource.MUNICIPAL, FundingSource.DI_PROJECT, FundingSource.STATE)
SOURCE_WEIGHTS = (5, 3, 2)
# Services a support-circle member receives rather than the client.
CIRCLE_CODES = ("dabiskajam", "natural-support-circle", "for-parents")
PAID_SHARE = 0.7  # approved invoices of earlier months that are already paid


def circle_service(code: str) -> bool:
    return any(part in code for part in CIRCLE_CODES)


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


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


class Generator:
    """What the steps share: the arguments, the random stream they draw from in turn (the
    order of the draws makes the country), and what each step leaves for the next."""

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
        # letters waiting for their lines' quantities (see plans.py)
        self.letters: list[dict[str, Any]] = []
        # set by the providers step
        self.services: dict[int, ServiceType] = {}
        self.municipalities: list[Municipality] = []
        self.offers: dict[int, Offers] = {}
        # set by the plans step: sessions per unit of a line's rate and month
        self.scale = 0.0
        self.elapsed = 0.0
