"""Writes of billing: a provider submits a monthly invoice from the recorded sessions, or a
social worker enters a paper one; every line is reconciled against the sessions, the
guarantee letter and the budget; the social worker confirms the content, the accountant (a
different person) approves payment, records it as paid, or rejects; and the accounting export.

Approval locks the affected clients' budget periods in a fixed order and re-checks the
remaining budget inside the lock, so two approvals racing for the last euros cannot both pass;
it adds the approved money to MonthlySpend and the report roll-ups (billing.ledger) in the
same transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atbalsts.assessment.models import BudgetPeriod
from atbalsts.catalog.models import Provider
from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.dates import recorded_at
from atbalsts.core.money import format_money, parse_money, round_money
from atbalsts.core.validation import add_error, raise_if_errors
from atbalsts.delivery import selectors as delivery_selectors
from atbalsts.delivery import services as delivery_services
from atbalsts.delivery.models import Session
from atbalsts.people.models import Municipality
from atbalsts.plans.models import FundingSource, GuaranteeLetter

from .. import ledger
from ..errors import (
    BudgetOverspent,
    InvoiceHasDifferences,
    InvoiceWrongStatus,
    MonthAlreadyInvoiced,
    NothingToInvoice,
    SamePerson,
)
from ..models import (
    Invoice,
    InvoicedSession,
    InvoiceLine,
    InvoiceSource,
    InvoiceStatus,
)
from ..policies import BillingAction, billing_policy
from ..selectors import (
    ZERO,
    budget_spent_by_period,
    client_periods,
    month_end,
    period_label,
    period_limit,
    period_of,
)
from .exports import EXPORT_COLUMNS, XLSX_TYPE, export_rows, invoice_export
from .inputs import (
    MAX_QUANTITY,
    NUMBER_MAX,
    REASON_MAX,
    REFERENCE_MAX,
    month_field,
    parse_month,
)

__all__ = [
    "EXPORT_COLUMNS",
    "MAX_QUANTITY",
    "NUMBER_MAX",
    "REASON_MAX",
    "REFERENCE_MAX",
    "XLSX_TYPE",
    "export_rows",
    "invoice_approve",
    "invoice_confirm",
    "invoice_enter_paper",
    "invoice_export",
    "invoice_pay",
    "invoice_recheck",
    "invoice_reject",
    "invoice_submit",
    "parse_month",
]

# --- input helpers ---------------------------------------------------------------------------


def _text(
    value: Any, name: str, errors: dict[str, list[str]], *, limit: int, required: bool = True
) -> str:
    text = value.strip() if isinstance(value, str) else ("" if value is None else str(value))
    if required and not text:
        add_error(errors, name, _("Obligāts lauks."))
    elif len(text) > limit:
        add_error(errors, name, _("Ne vairāk kā %(n)s zīmes.") % {"n": limit})
    return text


def _decimal(
    value: Any, name: str, errors: dict[str, list[str]], *, money: bool, required: bool = True
) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            add_error(errors, name, _("Obligāts lauks."))
        return None
    if isinstance(value, float):
        value = str(value)
    try:
        if isinstance(value, Decimal | int):
            number = Decimal(value)
        elif money:
            number = parse_money(str(value))
        else:
            number = Decimal(str(value).strip().replace(",", "."))
    except (ValueError, InvalidOperation):
        add_error(errors, name, _("Jābūt skaitlim, piemēram, 12,50."))
        return None
    if not number.is_finite() or number < 0 or number > MAX_QUANTITY:
        add_error(errors, name, _("Jābūt skaitlim no 0 līdz %(max)s.") % {"max": MAX_QUANTITY})
        return None
    if number != number.quantize(Decimal("0.01")):
        add_error(errors, name, _("Ne vairāk kā divas zīmes aiz komata."))
        return None
    return number


def _letter_line(letter: GuaranteeLetter, line_key: Any) -> dict[str, Any] | None:
    wanted = str(line_key)
    return next((dict(line) for line in letter.lines if line.get("key") == wanted), None)


def _check_month_free(provider: Provider, municipality: Municipality, month: dt.date) -> None:
    taken = Invoice.objects.filter(provider=provider, municipality=municipality, month=month)
    if taken.exclude(status=InvoiceStatus.REJECTED).exists():
        raise MonthAlreadyInvoiced(field="month")


def _create_invoice(**fields: Any) -> Invoice:
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


def _audit(actor: Any, event: AuditEventType, invoice: Invoice, **extra: Any) -> None:
    audit_record(
        actor=actor,
        event_type=event,
        subject=invoice,
        municipality_id=invoice.municipality_id,
        extra_data={
            "number": invoice.number,
            "provider": invoice.provider_id,
            "month": invoice.month.isoformat(),
            "total": str(invoice.total),
            "clients": sorted({line.client_id for line in invoice.lines.all()}),
            **extra,
        },
    )


# --- reconciliation --------------------------------------------------------------------------


def _difference(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def _letter_differences(
    invoice: Invoice, line: InvoiceLine, quantities: Mapping[tuple[int, str], Decimal]
) -> list[dict[str, str]]:
    letter = line.letter
    found = _letter_line(letter, line.line_key)
    if found is None or letter.provider_id != invoice.provider_id:
        return [
            _difference(
                "not_in_letter",
                _("Garantijas vēstulē %(letter)s šī sniedzēja pakalpojumam nav šādas rindas.")
                % {"letter": letter.number},
            )
        ]
    result = []
    if found.get("service_type_id") != line.service_type_id:
        result.append(
            _difference(
                "service_mismatch",
                _("Pakalpojums neatbilst garantijas vēstulē norādītajam (%(service)s).")
                % {"service": found.get("service", "")},
            )
        )
    letter_price = found.get("unit_price")
    if letter_price is None:
        result.append(
            _difference(
                "no_letter_price", _("Garantijas vēstulē šim pakalpojumam nav noteiktas cenas.")
            )
        )
    elif line.unit_price > Decimal(letter_price):
        result.append(
            _difference(
                "price_above_letter",
                _(
                    "Vienības cena %(price)s ir augstāka par garantijas vēstulē (tarifā) "
                    "noteikto %(letter_price)s."
                )
                % {
                    "price": format_money(line.unit_price),
                    "letter_price": format_money(Decimal(letter_price)),
                },
            )
        )
    start, end = dt.date.fromisoformat(found["start"]), dt.date.fromisoformat(found["end"])
    if month_end(invoice.month) < start or invoice.month > end:
        result.append(
            _difference(
                "outside_period",
                _("Rēķina mēnesis ir ārpus garantijas vēstules perioda (%(start)s–%(end)s).")
                % {"start": start.strftime("%d.%m.%Y"), "end": end.strftime("%d.%m.%Y")},
            )
        )
    if line.pk:
        outside = Session.objects.filter(invoiced__line=line).exclude(
            date__gte=start, date__lte=end
        )
        count = outside.count()
        if count:
            result.append(
                _difference(
                    "sessions_outside_period",
                    _(
                        "%(n)s nodarbība(-s) notikusi(-šas) ārpus garantijas vēstules perioda "
                        "(%(start)s–%(end)s)."
                    )
                    % {
                        "n": count,
                        "start": start.strftime("%d.%m.%Y"),
                        "end": end.strftime("%d.%m.%Y"),
                    },
                )
            )
    granted = Decimal(found["quantity"])
    billed = quantities.get((letter.pk, str(line.line_key)), ZERO)
    if billed > granted:
        result.append(
            _difference(
                "over_quantity",
                _(
                    "Rēķinā par šo vēstules rindu ir %(billed)s vienības, bet mēnesī piešķirtas "
                    "%(granted)s."
                )
                % {"billed": _number(billed), "granted": _number(granted)},
            )
        )
    return result


def _session_differences(line: InvoiceLine) -> list[dict[str, str]]:
    if line.sessions == 0:
        return [
            _difference(
                "no_sessions",
                _("Šai rindai nav reģistrētu nodarbību; sniedzējam tās jāreģistrē."),
            )
        ]
    result = []
    if line.quantity != line.recorded_quantity:
        result.append(
            _difference(
                "quantity_mismatch",
                _("Daudzums %(billed)s nesakrīt ar reģistrētajām nodarbībām (%(recorded)s).")
                % {"billed": _number(line.quantity), "recorded": _number(line.recorded_quantity)},
            )
        )
    if line.amount != line.recorded_amount:
        result.append(
            _difference(
                "amount_mismatch",
                _("Summa %(billed)s nesakrīt ar reģistrēto nodarbību summu %(recorded)s.")
                % {
                    "billed": format_money(line.amount),
                    "recorded": format_money(line.recorded_amount),
                },
            )
        )
    return result


def _budget_problems(invoice: Invoice, lines: Sequence[InvoiceLine]) -> dict[int, tuple[str, str]]:
    """For individual-budget lines that do not fit: line id → (code, why). Reads MonthlySpend,
    so inside an approval it must run after the clients' budget periods are locked."""
    by_client: dict[int, list[InvoiceLine]] = {}
    for line in lines:
        if line.funding_source == FundingSource.INDIVIDUAL_BUDGET:
            by_client.setdefault(line.client_id, []).append(line)
    problems: dict[int, tuple[str, str]] = {}
    for client_id, client_lines in sorted(by_client.items()):
        periods = client_periods(client_id)
        period = period_of(periods, invoice.month)
        amount = sum((line.amount for line in client_lines), ZERO)
        if period is None:
            code = "no_budget_period"
            text = _(
                "Klientam mēnesim %(month)s nav budžeta perioda, tāpēc no individuālā budžeta "
                "apmaksāt nevar."
            ) % {"month": invoice.month.strftime("%m.%Y")}
        else:
            limit = period_limit(period)
            spent = budget_spent_by_period(client_id, periods).get(period.pk, ZERO)
            if limit is None:
                code = "no_budget"
                text = _("Periodam %(period)s indikatīvais budžets nav aprēķināts.") % {
                    "period": period_label(period)
                }
            elif spent + amount <= limit:
                continue
            else:
                code = "budget_exceeded"
                text = _(
                    "Individuālais budžets periodā %(period)s tiktu pārsniegts par %(over)s: "
                    "budžets %(limit)s, jau apstiprināts %(spent)s, šajā rēķinā %(amount)s "
                    "(atlikums %(remaining)s)."
                ) % {
                    "period": period_label(period),
                    "over": format_money(spent + amount - limit),
                    "limit": format_money(limit),
                    "spent": format_money(spent),
                    "amount": format_money(amount),
                    "remaining": format_money(limit - spent),
                }
        for line in client_lines:
            problems[line.pk] = (code, text)
    return problems


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def _reconcile(invoice: Invoice) -> int:
    """Compare every line with the sessions, the letter and the budget; store the result on
    the lines and the invoice; return how many differences there are."""
    lines = list(invoice.lines.select_related("letter"))
    quantities: dict[tuple[int, str], Decimal] = {}
    for line in lines:
        key = (line.letter_id, str(line.line_key))
        quantities[key] = quantities.get(key, ZERO) + line.quantity
    budget = _budget_problems(invoice, lines)
    count = 0
    for line in lines:
        differences = _letter_differences(invoice, line, quantities) + _session_differences(line)
        if line.pk in budget:
            differences.append(_difference(*budget[line.pk]))
        line.differences = differences
        count += len(differences)
    InvoiceLine.objects.bulk_update(lines, ["differences"])
    invoice.total = sum((line.amount for line in lines), ZERO)
    invoice.difference_count = count
    invoice.save(update_fields=["total", "difference_count", "updated_at"])
    return count


# --- submitting and entering -----------------------------------------------------------------


@transaction.atomic
def invoice_submit(
    *, actor: Any, provider: Provider, municipality: Municipality, month: Any, number: Any
) -> Invoice:
    """The provider's invoice for a month: the recorded, invoiceable sessions not yet invoiced,
    one line per letter line, recipient and price."""
    billing_policy.require(actor, BillingAction.SUBMIT, provider)
    errors: dict[str, list[str]] = {}
    number = _text(number, "number", errors, limit=NUMBER_MAX)
    first = month_field(month, errors)
    raise_if_errors(errors)
    _check_month_free(provider, municipality, first)
    sessions = list(
        delivery_selectors.sessions_for_invoice(
            provider=provider, municipality=municipality, month=first
        ).filter(is_invoiceable=True, invoiced__isnull=True)
    )
    if not sessions:
        raise NothingToInvoice(field="month")
    invoice = _create_invoice(
        municipality=municipality,
        provider=provider,
        month=first,
        number=number,
        source=InvoiceSource.PROVIDER,
        status=InvoiceStatus.SUBMITTED,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    groups: dict[tuple[Any, ...], list[Session]] = {}
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
    count = _reconcile(invoice)
    _audit(
        actor,
        AuditEventType.BILLING_INVOICE_SUBMITTED,
        invoice,
        sessions=len(sessions),
        differences=count,
    )
    return invoice


def _paper_line(
    index: int,
    data: Mapping[str, Any],
    provider: Provider,
    municipality: Municipality,
    errors: dict[str, list[str]],
) -> dict[str, Any] | None:
    prefix = f"lines.{index}"
    unknown = set(data) - {"letter", "line_key", "quantity", "unit_price", "amount"}
    for name in sorted(unknown):
        add_error(errors, f"{prefix}.{name}", _("Nezināms lauks."))
    letter = data.get("letter")
    if not isinstance(letter, GuaranteeLetter):
        letter = GuaranteeLetter.objects.filter(pk=letter).first() if letter else None
    if (
        letter is None
        or letter.provider_id != provider.pk
        or letter.municipality_id != municipality.pk
    ):
        add_error(
            errors,
            f"{prefix}.letter",
            _("Izvēlieties šī sniedzēja garantijas vēstuli šajā pašvaldībā."),
        )
        return None
    try:
        key = uuid.UUID(str(data.get("line_key")))
    except ValueError:
        key = None
    found = _letter_line(letter, key) if key else None
    if found is None:
        add_error(errors, f"{prefix}.line_key", _("Garantijas vēstulē nav šādas rindas."))
        return None
    quantity = _decimal(data.get("quantity"), f"{prefix}.quantity", errors, money=False)
    price = _decimal(data.get("unit_price"), f"{prefix}.unit_price", errors, money=True)
    amount = _decimal(data.get("amount"), f"{prefix}.amount", errors, money=True, required=False)
    if quantity is not None and quantity == 0:
        add_error(errors, f"{prefix}.quantity", _("Daudzumam jābūt lielākam par nulli."))
    if quantity is None or price is None:
        return None
    plan_line = delivery_selectors.plan_line_of(letter, key)
    return {
        "letter": letter,
        "line_key": key,
        "found": found,
        "recipient_id": plan_line.recipient_id if plan_line else None,
        "quantity": quantity,
        "unit_price": price,
        "amount": amount if amount is not None else round_money(quantity * price),
    }


@transaction.atomic
def invoice_enter_paper(
    *,
    actor: Any,
    municipality: Municipality,
    provider: Provider,
    month: Any,
    number: Any,
    lines: Sequence[Mapping[str, Any]],
    on: dt.date | None = None,
) -> Invoice:
    """A paper invoice typed in by a social worker: each line names a letter line, the
    quantity, the unit price and (optionally) the amount; the recorded sessions of that
    letter line in the month are attached and everything is reconciled the same way.
    `on`: the day it was received (default now; an import of history names a past day, not
    before the invoice's month)."""
    billing_policy.require(actor, BillingAction.ENTER_PAPER, municipality)
    errors: dict[str, list[str]] = {}
    number = _text(number, "number", errors, limit=NUMBER_MAX)
    first = month_field(month, errors)
    if not lines:
        add_error(errors, "lines", _("Ievadiet vismaz vienu rēķina rindu."))
    cleaned = [_paper_line(i, data, provider, municipality, errors) for i, data in enumerate(lines)]
    raise_if_errors(errors)
    submitted_at = recorded_at(on, field="submitted_on", not_before=first)
    _check_month_free(provider, municipality, first)
    invoice = _create_invoice(
        municipality=municipality,
        provider=provider,
        month=first,
        number=number,
        source=InvoiceSource.PAPER,
        status=InvoiceStatus.SUBMITTED,
        entered_by=actor,
        submitted_at=submitted_at,
    )
    available = list(
        delivery_selectors.sessions_for_invoice(
            provider=provider, municipality=municipality, month=first
        ).filter(is_invoiceable=True, invoiced__isnull=True)
    )
    items = [item for item in cleaned if item is not None]
    for position, item in enumerate(items, start=1):
        letter = item["letter"]
        matching = [
            s
            for s in available
            if s.letter_id == letter.pk
            and s.line_key == item["line_key"]
            and s.recipient_id == item["recipient_id"]
        ]
        available = [s for s in available if s not in matching]
        line = InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            client_id=letter.version.plan.client_id,
            letter=letter,
            line_key=item["line_key"],
            service_type_id=item["found"]["service_type_id"],
            recipient_id=item["recipient_id"],
            funding_source=item["found"]["funding_source"],
            quantity=item["quantity"],
            unit_price=item["unit_price"],
            amount=item["amount"],
            recorded_quantity=sum((s.units for s in matching), ZERO),
            recorded_amount=sum((s.amount for s in matching), ZERO),
            sessions=len(matching),
        )
        _link_sessions(line, matching)
    count = _reconcile(invoice)
    _audit(actor, AuditEventType.BILLING_INVOICE_ENTERED, invoice, differences=count)
    return invoice


# --- the workflow ----------------------------------------------------------------------------


def _locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


def _differences_text(invoice: Invoice) -> str:
    reasons = []
    for line in invoice.lines.select_related("service_type").order_by("position", "id"):
        for difference in line.differences:
            reasons.append(f"{line.position}. {line.service_type}: {difference['message']}")
    shown = " ".join(reasons[:5])
    more = len(reasons) - 5
    if more > 0:
        shown += " " + _("…un vēl %(n)s.") % {"n": more}
    return _(
        "Rēķinā ir %(n)s neatbilstība(-s), tāpēc saturu apstiprināt nevar: %(reasons)s "
        "Noraidiet rēķinu ar pamatojumu vai, kad trūkstošais ir reģistrēts, pārbaudiet to "
        "vēlreiz."
    ) % {"n": len(reasons), "reasons": shown}


@transaction.atomic
def invoice_recheck(*, actor: Any, invoice: Invoice) -> Invoice:
    """Reconcile again (after sessions were recorded or a budget changed) and store it."""
    billing_policy.require(actor, BillingAction.CONFIRM, invoice)
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.SUBMITTED:
        raise InvoiceWrongStatus(_("Pārbaudīt vēlreiz var tikai iesniegtu rēķinu."))
    count = _reconcile(invoice)
    _audit(actor, AuditEventType.BILLING_INVOICE_RECHECKED, invoice, differences=count)
    return invoice


@transaction.atomic
def invoice_confirm(*, actor: Any, invoice: Invoice, on: dt.date | None = None) -> Invoice:
    """The social worker confirms the content: only an invoice without differences. `on`: the
    day it is recorded (default now; not before the invoice was submitted)."""
    billing_policy.require(actor, BillingAction.CONFIRM, invoice)
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.SUBMITTED:
        raise InvoiceWrongStatus(
            _("Saturu var apstiprināt tikai iesniegtam rēķinam; šis ir «%(status)s».")
            % {"status": invoice.get_status_display()}
        )
    if _reconcile(invoice):
        raise InvoiceHasDifferences(_differences_text(invoice))
    confirmed_at = recorded_at(on, field="confirmed_on", not_before=invoice.submitted_at)
    invoice.status = InvoiceStatus.CONFIRMED
    invoice.confirmed_by = actor
    invoice.confirmed_at = confirmed_at
    invoice.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    _audit(actor, AuditEventType.BILLING_INVOICE_CONFIRMED, invoice)
    return invoice


def _add_spend(invoice: Invoice, line: InvoiceLine) -> None:
    """Add an approved line to the ledger and the report roll-ups (billing.ledger)."""
    ledger.add_spend(
        municipality_id=invoice.municipality_id,
        target_group=line.client.target_group,
        client_id=line.client_id,
        recipient_id=line.recipient_id or 0,
        service_type_id=line.service_type_id,
        funding_source=line.funding_source,
        month=invoice.month,
        amount=line.amount,
        units=line.quantity,
        sessions=line.sessions,
    )


@transaction.atomic
def invoice_approve(*, actor: Any, invoice: Invoice, on: dt.date | None = None) -> Invoice:
    """The accountant approves payment: never the person who confirmed the content, and never
    beyond the client's individual budget (checked under the budget periods' row locks).
    `on`: the day it is recorded (default now; not before the content was confirmed)."""
    billing_policy.require(actor, BillingAction.APPROVE, invoice)
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.CONFIRMED:
        raise InvoiceWrongStatus(
            _("Apmaksu var apstiprināt tikai rēķinam ar apstiprinātu saturu; šis ir «%(status)s».")
            % {"status": invoice.get_status_display()}
        )
    if invoice.confirmed_by_id == actor.pk:
        raise SamePerson()
    approved_at = recorded_at(on, field="approved_on", not_before=invoice.confirmed_at)
    lines = list(invoice.lines.select_related("client").order_by("position", "id"))
    client_ids = sorted({line.client_id for line in lines})
    # Lock every affected client's budget periods, always in client order, so that two
    # approvals touching the same clients queue up instead of deadlocking.
    list(
        BudgetPeriod.objects.select_for_update()
        .filter(client_id__in=client_ids)
        .order_by("client_id", "start", "id")
        .values_list("pk", flat=True)
    )
    problems = _budget_problems(invoice, lines)
    if problems:
        raise BudgetOverspent(" ".join(dict.fromkeys(text for _code, text in problems.values())))
    for line in lines:
        _add_spend(invoice, line)
    invoice.status = InvoiceStatus.APPROVED
    invoice.approved_by = actor
    invoice.approved_at = approved_at
    invoice.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    _audit(actor, AuditEventType.BILLING_INVOICE_APPROVED, invoice)
    return invoice


@transaction.atomic
def invoice_reject(*, actor: Any, invoice: Invoice, reason: Any) -> Invoice:
    """Reject a submitted or confirmed invoice with a reason; its sessions are freed for a
    corrected invoice of the same month."""
    billing_policy.require(actor, BillingAction.REJECT, invoice)
    invoice = _locked(invoice)
    if invoice.status not in (InvoiceStatus.SUBMITTED, InvoiceStatus.CONFIRMED):
        raise InvoiceWrongStatus(
            _("Noraidīt var tikai iesniegtu vai saturā apstiprinātu rēķinu; šis ir «%(status)s».")
            % {"status": invoice.get_status_display()}
        )
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", errors, limit=REASON_MAX)
    raise_if_errors(errors)
    freed = list(
        InvoicedSession.objects.filter(line__invoice=invoice).values_list("session_id", flat=True)
    )
    InvoicedSession.objects.filter(line__invoice=invoice).delete()
    delivery_services.sessions_mark_invoiced(session_ids=freed, invoiced=False)
    invoice.status = InvoiceStatus.REJECTED
    invoice.rejected_by = actor
    invoice.rejected_at = timezone.now()
    invoice.rejection_reason = reason
    invoice.save(
        update_fields=["status", "rejected_by", "rejected_at", "rejection_reason", "updated_at"]
    )
    _audit(actor, AuditEventType.BILLING_INVOICE_REJECTED, invoice, reason=reason)
    return invoice


@transaction.atomic
def invoice_pay(*, actor: Any, invoice: Invoice, paid_on: Any, payment_reference: Any) -> Invoice:
    """Record that an approved invoice was paid: the date and the payment order."""
    billing_policy.require(actor, BillingAction.PAY, invoice)
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.APPROVED:
        raise InvoiceWrongStatus(
            _("Apmaksātu var atzīmēt tikai rēķinu ar apstiprinātu apmaksu; šis ir «%(status)s».")
            % {"status": invoice.get_status_display()}
        )
    errors: dict[str, list[str]] = {}
    reference = _text(payment_reference, "payment_reference", errors, limit=REFERENCE_MAX)
    day: dt.date | None = None
    if isinstance(paid_on, dt.date) and not isinstance(paid_on, dt.datetime):
        day = paid_on
    else:
        try:
            day = dt.date.fromisoformat(str(paid_on or "").strip())
        except ValueError:
            add_error(errors, "paid_on", _("Datumam jābūt formā GGGG-MM-DD."))
    if day is not None:
        if day > timezone.localdate():
            add_error(errors, "paid_on", _("Apmaksas datums nevar būt nākotnē."))
        elif invoice.approved_at and day < timezone.localdate(invoice.approved_at):
            add_error(
                errors, "paid_on", _("Apmaksas datums nevar būt pirms apmaksas apstiprināšanas.")
            )
    raise_if_errors(errors)
    invoice.status = InvoiceStatus.PAID
    invoice.paid_on = day
    invoice.payment_reference = reference
    invoice.paid_recorded_by = actor
    invoice.save(
        update_fields=["status", "paid_on", "payment_reference", "paid_recorded_by", "updated_at"]
    )
    _audit(
        actor,
        AuditEventType.BILLING_INVOICE_PAID,
        invoice,
        paid_on=day.isoformat() if day else None,
        payment_reference=reference,
    )
    return invoice
