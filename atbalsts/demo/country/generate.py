"""Making the whole country: the steps in order, then the report roll-ups over the ledger."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.db import connection, transaction

from atbalsts.billing import ledger
from atbalsts.billing.models import (
    ClientMonths,
    Invoice,
    InvoicedSession,
    InvoiceLine,
    MonthlySpend,
    ServiceMonths,
    SpendSummary,
)
from atbalsts.catalog.models import Provider, Tariff
from atbalsts.delivery.models import NoShowRule, Session
from atbalsts.people.models import CaseAssignment, Client, SupportCircleMember
from atbalsts.plans.models import GuaranteeLetter, PlanLine, PlanVersion, SupportPlan

from .bulk import bulk_load, reset_sequences
from .people import write_people
from .providers import write_providers
from .sessions import write_delivery
from .state import Generator, Progress

# Every table the steps write, with the ids they give (see bulk.reset_sequences).
WRITTEN = (
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
)


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
        write_providers(generator)
        write_people(generator)
    with bulk_load([Session, InvoicedSession, Invoice, InvoiceLine, MonthlySpend]):
        write_delivery(generator)
        reset_sequences(WRITTEN)
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
