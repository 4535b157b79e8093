"""Invoices made through the billing services, on top of the delivery factories."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from atbalsts.assessment import services as assessment_services
from atbalsts.assessment.selectors import budget_current
from atbalsts.billing import services
from atbalsts.billing.models import Invoice
from atbalsts.delivery.tests.factories import LAST_MONTH, DeliveryWorld, make_session
from atbalsts.plans.models import GuaranteeLetter

_serial = itertools.count(1)


def invoice_number() -> str:
    return f"R-{next(_serial):05d}"


def record_sessions(letter: GuaranteeLetter, days: list[int], **data: Any) -> list[Any]:
    """Sessions on these days of LAST_MONTH at 10:00 (held, signed by the client)."""
    return [make_session(letter, date=LAST_MONTH + dt.timedelta(days=d - 1), **data) for d in days]


def submit(world: DeliveryWorld, *, month: dt.date = LAST_MONTH, **kwargs: Any) -> Invoice:
    values = {
        "actor": world.staff,
        "provider": world.provider,
        "municipality": world.municipality,
        "month": month,
        "number": invoice_number(),
        **kwargs,
    }
    return services.invoice_submit(**values)


def confirm(world: DeliveryWorld, invoice: Invoice) -> Invoice:
    return services.invoice_confirm(actor=world.worker, invoice=invoice)


def approved(world: DeliveryWorld, invoice: Invoice, accountant: Any) -> Invoice:
    return services.invoice_approve(actor=accountant, invoice=confirm(world, invoice))


def lower_budget(world: DeliveryWorld, *, monthly: str) -> None:
    """The head approves a lower monthly amount for every budget period of the client."""
    for period in world.periods:
        budget = budget_current(period=period)
        override = assessment_services.override_propose(
            actor=world.worker, budget=budget, monthly_amount=monthly, reason="Tests: mazāk."
        )
        assessment_services.override_decide(actor=world.head, override=override, approve=True)
