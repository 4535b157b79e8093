"""What a session earns (units, price, amount) and whether it may go on an invoice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from atbalsts.catalog.models import ServiceUnit
from atbalsts.core.money import round_money
from atbalsts.plans.selectors import letter_unit_price

from .. import selectors
from ..models import Session, SessionStatus


def price_session(
    session: Session, unit: str, line: dict[str, Any], km: Decimal | None, ticket: Decimal | None
) -> None:
    """Units and amount: hours = minutes / 60; one per session, day or trip; km for km;
    a ticket is its own amount. A no-show without notice earns the rule's share of the price,
    one with notice or a cancellation earns nothing. The price is the letter's (the price
    agreed for the person where it carries one)."""
    price = letter_unit_price(line) or Decimal("0.00")
    session.unit_price = price
    session.ticket_amount = ticket
    if unit == ServiceUnit.HOUR:
        units = round_money(Decimal(session.duration_minutes or 0) / 60)
    elif unit == ServiceUnit.KM:
        units = km if km is not None else Decimal("0")
    else:
        units = Decimal("1")
    session.units = units
    session.no_show_share = None
    amount = ticket if ticket is not None else round_money(units * price)
    if session.status == SessionStatus.NO_SHOW_NO_NOTICE:
        share = selectors.no_show_share_on(
            municipality_id=session.client.municipality_id, day=session.date
        )
        session.no_show_share = share
        amount = round_money(units * price * share / 100)
    elif session.status in (SessionStatus.NO_SHOW_NOTICE, SessionStatus.CANCELLED):
        amount = Decimal("0.00")
    session.amount = amount


def is_invoiceable(session: Session) -> bool:
    """Paid, and no exception left for the social worker to confirm."""
    if session.status not in selectors.PAID_STATUSES:
        return False
    return not (session.duration_pending or session.evidence_pending)
