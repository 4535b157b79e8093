"""Receiving invoices: a provider submits a month's recorded sessions, or a social worker
enters a paper invoice line by line; either is reconciled at once."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atbalsts.catalog.models import Provider
from atbalsts.core.audit import AuditEventType
from atbalsts.core.dates import dmy, month_end, my, recorded_at
from atbalsts.core.money import round_money
from atbalsts.core.validation import add_error, raise_if_errors, text_field
from atbalsts.delivery import selectors as delivery_selectors
from atbalsts.delivery import services as delivery_services
from atbalsts.delivery.models import Session
from atbalsts.people.models import Municipality
from atbalsts.plans.models import GuaranteeLetter, LetterStatus

from ..errors import MonthAlreadyInvoiced, MonthNotEnded, NothingToInvoice
from ..models import Invoice, InvoicedSession, InvoiceLine, InvoiceSource, InvoiceStatus
from ..policies import BillingAction, billing_policy
from ..selectors import ZERO
from .audit import audit_invoice
from .inputs import NUMBER_MAX, line_decimal, month_field
from .reconcile import letter_line, reconcile

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

PAPER_LINE_FIELDS = frozenset({"letter", "line_key", "quantity", "unit_price", "amount"})


def _check_month_free(provider: Provider, municipality: Municipality, month: dt.date) -> None:
    taken = Invoice.objects.filter(provider=provider, municipality=municipality, month=month)
    if taken.exclude(status=InvoiceStatus.REJECTED).exists():
        raise MonthAlreadyInvoiced(field="month")


def _check_month_ended(provider: Provider, municipality: Municipality, month: dt.date) -> None:
    """A monthly invoice is for a month that has ended. Before its end only the last days of
    letters that ended mid-month may be invoiced: every letter of the provider here that
    covers the month has ended before today, so no session of the month can still come (an
    invoice closes the month for the provider)."""
    today = timezone.localdate()
    last = month_end(month)
    if last < today:
        return
    running = (
        GuaranteeLetter.objects.filter(
            provider=provider,
            municipality=municipality,
            status=LetterStatus.ISSUED,
            period_start__lte=last,
            period_end__gte=today,
        )
        .order_by("period_end", "number")
        .first()
    )
    if running is None:
        return
    raise MonthNotEnded(
        _(
            "Mēnesis %(month)s vēl nav beidzies: rēķinu par to var iesniegt no %(day)s. "
            "Agrāk — tikai tad, ja visas sniedzēja garantijas vēstules šajā mēnesī jau "
            "beigušās, bet vēstule %(number)s ir spēkā līdz %(end)s."
        )
        % {
            "month": my(month),
            "day": dmy(last + dt.timedelta(days=1)),
            "number": running.number,
            "end": dmy(running.period_end),
        },
        field="month",
    )


def create_invoice(**fields: Any) -> Invoice:
    """Insert the invoice; a concurrent invoice for the same month trips the unique index."""
    try:
        with transaction.atomic():
            return Invoice.objects.create(**fields)
    except IntegrityError as exc:
        raise MonthAlreadyInvoiced(field="month") from exc


def _link_sessions(line: InvoiceLine, sessions: Sequence[Session]) -> None:
    try:
        with transaction.atomic():
            InvoicedSession.objects.bulk_create(
                [InvoicedSession(session=s, line=line) for s in sessions]
            )
            delivery_services.sessions_mark_invoiced(
                session_ids=[s.pk for s in sessions], invoiced=True
            )
    except IntegrityError as exc:  # another invoice took a session at the same moment
        raise NothingToInvoice(
            _("Dažas nodarbības tikko iekļautas citā rēķinā. Mēģiniet vēlreiz.")
        ) from exc


def _open_sessions(provider: Provider, municipality: Municipality, month: dt.date) -> list[Session]:
    """The provider's recorded, invoiceable sessions of the month not on any invoice yet."""
    return list(
        delivery_selectors.sessions_for_invoice(
            provider=provider, municipality=municipality, month=month
        ).filter(is_invoiceable=True, invoiced__isnull=True)
    )


@transaction.atomic
def invoice_submit(
    *, actor: Actor, provider: Provider, municipality: Municipality, month: object, number: object
) -> Invoice:
    """The provider's invoice for a month: the recorded, invoiceable sessions not yet invoiced,
    one line per letter line, recipient and price."""
    billing_policy.require(actor, BillingAction.SUBMIT, provider)
    errors: dict[str, list[str]] = {}
    number_text = text_field(number, "number", errors, limit=NUMBER_MAX, required=True, coerce=True)
    first = month_field(month, errors)
    raise_if_errors(errors)
    _check_month_ended(provider, municipality, first)
    _check_month_free(provider, municipality, first)
    sessions = _open_sessions(provider, municipality, first)
    if not sessions:
        raise NothingToInvoice(field="month")
    invoice = create_invoice(
        municipality=municipality,
        provider=provider,
        month=first,
        number=number_text,
        source=InvoiceSource.PROVIDER,
        status=InvoiceStatus.SUBMITTED,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    groups: dict[tuple[object, ...], list[Session]] = {}
    for session in sessions:
        key = (session.letter_id, str(session.line_key), session.recipient_id, session.unit_price)
        groups.setdefault(key, []).append(session)
    for position, group in enumerate(groups.values(), start=1):
        first_session = group[0]
        quantity = sum((s.units for s in group), ZERO)
        amount = sum((s.amount for s in group), ZERO)
        line = InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            client_id=first_session.client_id,
            letter_id=first_session.letter_id,
            line_key=first_session.line_key,
            service_type_id=first_session.service_type_id,
            recipient_id=first_session.recipient_id,
            funding_source=first_session.funding_source,
            quantity=quantity,
            unit_price=first_session.unit_price,
            amount=amount,
            recorded_quantity=quantity,
            recorded_amount=amount,
            sessions=len(group),
        )
        _link_sessions(line, group)
    count = reconcile(invoice)
    audit_invoice(
        actor,
        AuditEventType.BILLING_INVOICE_SUBMITTED,
        invoice,
        sessions=len(sessions),
        differences=count,
    )
    return invoice


@dataclass(frozen=True)
class PaperLine:
    """One checked line of a paper invoice."""

    letter: GuaranteeLetter
    line_key: uuid.UUID
    found: dict[str, Any]  # the letter's line (JSON)
    recipient_id: int | None
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


def _paper_letter(
    value: object, provider: Provider, municipality: Municipality
) -> GuaranteeLetter | None:
    letter = value if isinstance(value, GuaranteeLetter) else None
    if letter is None and value and isinstance(value, int | str):
        letter = GuaranteeLetter.objects.filter(pk=value).first()
    if letter is None or letter.provider_id != provider.pk:
        return None
    return letter if letter.municipality_id == municipality.pk else None


def _paper_line(
    index: int,
    data: Mapping[str, object],
    provider: Provider,
    municipality: Municipality,
    errors: dict[str, list[str]],
) -> PaperLine | None:
    prefix = f"lines.{index}"
    for name in sorted(set(data) - PAPER_LINE_FIELDS):
        add_error(errors, f"{prefix}.{name}", _("Nezināms lauks."))
    letter = _paper_letter(data.get("letter"), provider, municipality)
    if letter is None:
        add_error(
            errors,
            f"{prefix}.letter",
            _("Izvēlieties šī sniedzēja garantijas vēstuli šajā pašvaldībā."),
        )
        return None
    try:
        key: uuid.UUID | None = uuid.UUID(str(data.get("line_key")))
    except ValueError:
        key = None
    found = letter_line(letter, key) if key else None
    if key is None or found is None:
        add_error(errors, f"{prefix}.line_key", _("Garantijas vēstulē nav šādas rindas."))
        return None

    quantity = line_decimal(data.get("quantity"), f"{prefix}.quantity", errors, money=False)
    price = line_decimal(data.get("unit_price"), f"{prefix}.unit_price", errors, money=True)
    amount = line_decimal(
        data.get("amount"), f"{prefix}.amount", errors, money=True, required=False
    )
    if quantity is not None and quantity == 0:
        add_error(errors, f"{prefix}.quantity", _("Daudzumam jābūt lielākam par nulli."))
    if quantity is None or price is None:
        return None
    plan_line = delivery_selectors.plan_line_of(letter, key)
    return PaperLine(
        letter=letter,
        line_key=key,
        found=found,
        recipient_id=plan_line.recipient_id if plan_line else None,
        quantity=quantity,
        unit_price=price,
        amount=amount if amount is not None else round_money(quantity * price),
    )


@transaction.atomic
def invoice_enter_paper(
    *,
    actor: Actor,
    municipality: Municipality,
    provider: Provider,
    month: object,
    number: object,
    lines: Sequence[Mapping[str, object]],
    on: dt.date | None = None,
) -> Invoice:
    """A paper invoice typed in by a social worker: each line names a letter line, the
    quantity, the unit price and (optionally) the amount; the recorded sessions of that
    letter line in the month are attached and everything is reconciled the same way.
    `on`: the day it was received (default now; an import of history names a past day, not
    before the invoice's month)."""
    billing_policy.require(actor, BillingAction.ENTER_PAPER, municipality)
    errors: dict[str, list[str]] = {}
    number_text = text_field(number, "number", errors, limit=NUMBER_MAX, required=True, coerce=True)
    first = month_field(month, errors)
    if not lines:
        add_error(errors, "lines", _("Ievadiet vismaz vienu rēķina rindu."))
    cleaned = [_paper_line(i, data, provider, municipality, errors) for i, data in enumerate(lines)]
    raise_if_errors(errors)
    submitted_at = recorded_at(on, field="submitted_on", not_before=first)
    _check_month_ended(provider, municipality, first)
    _check_month_free(provider, municipality, first)
    invoice = create_invoice(
        municipality=municipality,
        provider=provider,
        month=first,
        number=number_text,
        source=InvoiceSource.PAPER,
        status=InvoiceStatus.SUBMITTED,
        entered_by=actor,
        submitted_at=submitted_at,
    )
    available = _open_sessions(provider, municipality, first)
    items = [item for item in cleaned if item is not None]
    for position, item in enumerate(items, start=1):
        letter = item.letter
        matching = [
            s
            for s in available
            if s.letter_id == letter.pk
            and s.line_key == item.line_key
            and s.recipient_id == item.recipient_id
        ]
        available = [s for s in available if s not in matching]
        line = InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            client_id=letter.version.plan.client_id,
            letter=letter,
            line_key=item.line_key,
            service_type_id=item.found["service_type_id"],
            recipient_id=item.recipient_id,
            funding_source=item.found["funding_source"],
            quantity=item.quantity,
            unit_price=item.unit_price,
            amount=item.amount,
            recorded_quantity=sum((s.units for s in matching), ZERO),
            recorded_amount=sum((s.amount for s in matching), ZERO),
            sessions=len(matching),
        )
        _link_sessions(line, matching)
    count = reconcile(invoice)
    audit_invoice(actor, AuditEventType.BILLING_INVOICE_ENTERED, invoice, differences=count)
    return invoice
