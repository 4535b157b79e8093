"""The programme's money in the demo: the individual budget co-financed by the ESF+ (85 %)
and the state (15 %), an envelope per municipality and target group for this year, and one
credit note for a session the provider invoiced by mistake.

Each envelope is what the letters in force commit for the year, with a margin of 15 % rounded
up to a thousand euros; Balvi's adults were allotted only 95 % of it, so the page shows what
a warning looks like. The credit note gives back the first session of the oldest paid
invoice of Balvi: the social worker proposes it and the accountant approves it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_CEILING, Decimal
from typing import Any

from atbalsts.billing import services as billing_services
from atbalsts.billing.models import CreditNote, InvoicedSession, InvoiceStatus
from atbalsts.billing.programme_models import CoFinancing, Envelope
from atbalsts.people.models import Municipality, TargetGroup
from atbalsts.plans.models import FundingSource
from atbalsts.reporting.selectors.programme import envelope_statuses

IB = FundingSource.INDIVIDUAL_BUDGET
MARGIN = Decimal("1.15")
TIGHT = Decimal("0.95")
THOUSAND = Decimal(1000)


def _rounded_up(amount: Decimal) -> Decimal:
    return (amount / THOUSAND).to_integral_value(rounding=ROUND_CEILING) * THOUSAND


def ensure(*, users: dict[str, Any], today: dt.date, log: Callable[[str], None]) -> None:
    ministry = users["analitike"]
    if not CoFinancing.objects.exists():
        billing_services.co_financing_set(
            actor=ministry,
            funding_source=IB,
            valid_from=dt.date(today.year - 1, 1, 1),
            shares=[
                {"payer": "Eiropas Sociālais fonds Plus", "percent": "85"},
                {"payer": "Valsts budžets", "percent": "15"},
            ],
        )
        log("Individuālais budžets: ESF+ 85 %, valsts 15 %")
    if not Envelope.objects.filter(year=today.year).exists():
        _envelopes(ministry, today)
        log(f"Programmas piešķīrumi {today.year}. gadam")
    if not CreditNote.objects.exists():
        link = (
            InvoicedSession.objects.filter(
                line__invoice__municipality__code="balvi",
                line__invoice__status=InvoiceStatus.PAID,
            )
            .select_related("line__invoice")
            .order_by("line__invoice__month", "line__invoice_id", "session__date", "session_id")
            .first()
        )
        if link is None:
            return
        note = billing_services.credit_note_propose(
            actor=users["socdarbiniece"],
            invoice=link.line.invoice,
            reason="Sniedzējs nodarbību ierakstīja divreiz; otrā reizē tā nenotika.",
            lines=[{"line": link.line_id, "sessions": [link.session_id]}],
        )
        billing_services.credit_note_approve(actor=users["gramatvede"], note=note)
        log(f"Kredītrēķins {note.number} rēķinam {link.line.invoice.number}")


def _envelopes(ministry: Any, today: dt.date) -> None:
    """Each envelope opened at 0 to read what the letters commit for it, then allotted."""
    keys = [
        (municipality, group)
        for municipality in Municipality.objects.filter(code__in=("balvi", "tukums"))
        for group in TargetGroup.values
    ]
    for municipality, group in keys:
        billing_services.envelope_set(
            actor=ministry,
            municipality=municipality,
            target_group=group,
            year=today.year,
            funding_source=IB,
            amount=Decimal(0),
        )
    forecasts = {
        (s.envelope.municipality_id, s.envelope.target_group): s.forecast
        for s in envelope_statuses(user=ministry, year=today.year, today=today)
    }
    for municipality, group in keys:
        forecast = forecasts.get((municipality.pk, group), Decimal(0))
        share = TIGHT if (municipality.code, group) == ("balvi", "adult_grt") else MARGIN
        billing_services.envelope_set(
            actor=ministry,
            municipality=municipality,
            target_group=group,
            year=today.year,
            funding_source=IB,
            amount=_rounded_up(forecast * share) if forecast else THOUSAND,
            note="Vēstulēs apņemtais ar rezervi",
        )
