"""Reads of billing: invoices through the billing policy, the budget periods an amount falls
in, and the budget ledger (planned, committed, spent, remaining and the forecast)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from atbalsts.assessment.models import BudgetPeriod
from atbalsts.assessment.selectors import budget_current, budgets_current
from atbalsts.core.collation import latvian
from atbalsts.core.dates import month_end, month_start, span
from atbalsts.core.money import format_money, round_money
from atbalsts.delivery.models import Session, SessionStatus
from atbalsts.people.models import Client
from atbalsts.people.selectors import my_active_cases
from atbalsts.plans.models import (
    FundingSource,
    GuaranteeLetter,
    LetterStatus,
    PlanStatus,
    PlanVersion,
)
from atbalsts.plans.selectors import line_monthly_amounts
from atbalsts.plans.selectors.pauses import paused_money_shares
from atbalsts.plans.spread import month_starts

from .cofinancing import split_by_shares, split_for
from .credit_left import LineLeft, lines_left
from .letter_money import letter_line_monthly
from .models import (
    CreditNote,
    CreditNoteStatus,
    Invoice,
    InvoicedSession,
    InvoiceStatus,
    MonthlySpend,
)
from .policies import BillingAction, billing_policy
from .programme_models import CoFinancing

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

ZERO = Decimal("0.00")
DEFAULT_UNDERUSE_SHARE = "0.25"


def underuse_share() -> Decimal:
    """The share of a period's budget left unused at the current pace that earns a warning."""
    return Decimal(str(getattr(settings, "BILLING_UNDERUSE_SHARE", DEFAULT_UNDERUSE_SHARE)))


def period_label(period: BudgetPeriod | None) -> str:
    """A budget period as a message names it: 01.01.2026–30.06.2026."""
    if period is None:
        return _("bez budžeta perioda")
    return span(period.start, period.end)


# --- invoices --------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceFilters:
    status: str = ""
    month: dt.date | None = None
    provider_id: int | None = None
    municipality_id: int | None = None


def invoice_list(*, user: Viewer, filters: InvoiceFilters | None = None) -> QuerySet[Invoice]:
    filters = filters or InvoiceFilters()
    qs = billing_policy.visible(user, Invoice.objects.select_related("provider", "municipality"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.month:
        qs = qs.filter(month=month_start(filters.month))
    if filters.provider_id:
        qs = qs.filter(provider_id=filters.provider_id)
    if filters.municipality_id:
        qs = qs.filter(municipality_id=filters.municipality_id)
    return qs.order_by("-month", "provider__name", "-id")


def invoice_provider_ids(*, user: Viewer) -> QuerySet[Any]:
    """The providers of the invoices the user may see (a subquery of ids): the invoice list's
    provider filter offers these, not every provider of the register — hundreds nationally,
    each an <option> drawn on every view of the list (docs/performance.md, "Load test")."""
    return billing_policy.visible(user, Invoice.objects.all()).values("provider_id").order_by()


def invoice_get(*, user: Viewer, pk: Any) -> Invoice:
    qs = Invoice.objects.select_related(
        "provider",
        "municipality",
        "submitted_by",
        "entered_by",
        "confirmed_by",
        "approved_by",
        "rejected_by",
        "paid_recorded_by",
    )
    return billing_policy.get_visible(user, qs, pk=pk)


def invoice_lines(invoice: Invoice) -> Any:
    return invoice.lines.select_related("client", "letter", "service_type", "recipient").order_by(
        "position", "id"
    )


@dataclass
class LinePart:
    """One part of an invoice line's recorded sessions whose sum reads on its face: the
    sessions held (units × price), the no-shows without notice paid at their share
    (units × price × share %), or tickets (their amounts)."""

    kind: str  # "held", "no_show" or "ticket"
    units: Decimal
    unit_price: Decimal
    amount: Decimal
    share: Decimal | None = None


@dataclass
class LineSessions:
    """The recorded sessions behind an invoice line and the parts their amount is made of."""

    sessions: list[Session] = field(default_factory=list)
    parts: list[LinePart] = field(default_factory=list)

    @property
    def needs_parts(self) -> bool:
        """More than one part, or a part that is not plain units × price."""
        return len(self.parts) > 1 or any(p.kind != "held" for p in self.parts)


def invoice_line_sessions(invoice: Invoice) -> dict[int, LineSessions]:
    """Per line of the invoice (one query): its sessions by day, and its amount in parts."""
    links = (
        InvoicedSession.objects.filter(line__invoice=invoice)
        .select_related("session")
        .order_by("session__date", "session__start_time", "session_id")
    )
    result: dict[int, LineSessions] = {}
    parts: dict[tuple[int, str, Decimal, Decimal | None], LinePart] = {}
    for link in links:
        session = link.session
        entry = result.setdefault(link.line_id, LineSessions())
        entry.sessions.append(session)
        if session.ticket_amount is not None:
            kind, share = "ticket", None
        elif session.status == SessionStatus.NO_SHOW_NO_NOTICE:
            kind, share = "no_show", session.no_show_share
        else:
            kind, share = "held", None
        key = (link.line_id, kind, session.unit_price, share)
        part = parts.get(key)
        if part is None:
            part = parts[key] = LinePart(kind, ZERO, session.unit_price, ZERO, share)
            entry.parts.append(part)
        part.units += session.units
        part.amount += session.amount
    return result


def invoices_waiting(*, user: Viewer) -> dict[str, int]:
    """How many visible invoices wait for content confirmation and for payment approval."""
    qs = billing_policy.visible(user, Invoice.objects.all())
    return {
        "to_confirm": qs.filter(status=InvoiceStatus.SUBMITTED).count()
        if billing_policy.can(user, BillingAction.CONFIRM)
        else 0,
        "to_approve": qs.filter(status=InvoiceStatus.CONFIRMED).count()
        if billing_policy.can(user, BillingAction.APPROVE)
        else 0,
    }


# --- budget periods --------------------------------------------------------------------------


def client_periods(client_id: int) -> list[BudgetPeriod]:
    return list(BudgetPeriod.objects.filter(client_id=client_id).order_by("start", "id"))


def period_of(periods: Sequence[BudgetPeriod], day: dt.date) -> BudgetPeriod | None:
    """The period an amount of the month of `day` belongs to: the one holding `day`, else
    the one holding the month's last day."""
    for candidate in (day, month_end(day)):
        for period in periods:
            if period.start <= candidate <= period.end:
                return period
    return None


def period_months(period: BudgetPeriod) -> list[dt.date]:
    return month_starts(month_start(period.start), period.months)


def period_limit(period: BudgetPeriod) -> Decimal | None:
    """The indicative budget of the period (as granted, with an overrun approved for the
    period) plus the overrun the head approved in the plan in force; None when no budget has
    been computed for the period."""
    budget = budget_current(period=period)
    if budget is None:
        return None
    allowance = (
        PlanVersion.objects.filter(
            plan__client_id=period.client_id,
            status=PlanStatus.ACTIVE,
            start__lte=period.end,
            end__gte=period.start,
        )
        .order_by("-overrun_allowance")
        .values_list("overrun_allowance", flat=True)
        .first()
    )
    return budget.limit + (allowance or ZERO)  # the granted amount and its approved overrun


def budget_spent_by_period(client_id: int, periods: Sequence[BudgetPeriod]) -> dict[Any, Decimal]:
    """Individual-budget money approved for payment, per period id (None: outside periods)."""
    spent: dict[Any, Decimal] = {}
    rows = MonthlySpend.objects.filter(
        client_id=client_id, funding_source=FundingSource.INDIVIDUAL_BUDGET
    ).values_list("month", "amount")
    for month, amount in rows:
        period = period_of(periods, month)
        key = period.pk if period else None
        spent[key] = spent.get(key, ZERO) + amount
    return spent


# --- the budget ledger -----------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """Where the current pace leads: the average monthly spend of the months so far."""

    pace: Decimal
    months_elapsed: int
    months_left: int
    projected: Decimal
    runs_out_in: int | None  # months from now until the money runs out, if it does
    unused: Decimal  # what stays unused at the end of the period at this pace

    @property
    def runs_out_early(self) -> bool:
        return self.runs_out_in is not None and self.runs_out_in < self.months_left


@dataclass
class LedgerRow:
    source: str
    planned: Decimal = ZERO
    committed: Decimal = ZERO
    spent: Decimal = ZERO
    budget: Decimal | None = None  # the indicative budget (the individual budget only)
    forecast: Forecast | None = None
    # The spent money by co-financing payer, where the source is split (billing.cofinancing).
    payers: dict[str, Decimal] = field(default_factory=dict)

    @property
    def source_label(self) -> str:
        return str(FundingSource(self.source).label)

    @property
    def is_budget(self) -> bool:
        return self.source == FundingSource.INDIVIDUAL_BUDGET

    @property
    def reference(self) -> Decimal | None:
        """What the spending is measured against: the budget, or for other sources the plan."""
        return self.budget if self.is_budget else self.planned

    @property
    def remaining(self) -> Decimal | None:
        reference = self.reference
        return None if reference is None else reference - self.spent


@dataclass
class LedgerPeriod:
    period: BudgetPeriod | None
    rows: list[LedgerRow] = field(default_factory=list)
    is_current: bool = False

    @property
    def label(self) -> str:
        return period_label(self.period)

    def row(self, source: str) -> LedgerRow:
        for row in self.rows:
            if row.source == source:
                return row
        row = LedgerRow(source)
        self.rows.append(row)
        return row

    @property
    def budget_row(self) -> LedgerRow | None:
        return next((r for r in self.rows if r.is_budget), None)


@dataclass
class Ledger:
    client: Client
    today: dt.date
    periods: list[LedgerPeriod]

    def warnings(self) -> list[str]:
        """Budget running out before the period ends, or a large part of it left unused."""
        result = []
        for entry in self.periods:
            row = entry.budget_row
            if not entry.is_current or row is None or row.forecast is None or not row.budget:
                continue
            forecast = row.forecast
            if forecast.runs_out_early:
                result.append(
                    _(
                        "Pie pašreizējā tēriņu tempa (%(pace)s mēnesī) individuālais budžets "
                        "periodā %(period)s beigsies pēc %(months)s mēn., pirms perioda beigām."
                    )
                    % {
                        "pace": format_money(forecast.pace),
                        "period": entry.label,
                        "months": forecast.runs_out_in,
                    }
                )
            elif forecast.unused >= round_money(row.budget * underuse_share()):
                result.append(
                    _(
                        "Pie pašreizējā tēriņu tempa (%(pace)s mēnesī) periodā %(period)s "
                        "paliks neizmantoti %(unused)s no individuālā budžeta %(budget)s."
                    )
                    % {
                        "pace": format_money(forecast.pace),
                        "period": entry.label,
                        "unused": format_money(forecast.unused),
                        "budget": format_money(row.budget),
                    }
                )
        return result


def _forecast(
    row: LedgerRow,
    period: BudgetPeriod,
    today: dt.date,
    paused: dict[dt.date, Decimal] | None = None,
) -> Forecast | None:
    """The pace of spending so far carried to the period's end. A month's paused share of the
    planned money (`paused`: a hospital stay, a holiday) counts neither as a month of spending
    nor as one left to spend in."""
    reference = row.reference
    if reference is None or reference <= 0:
        return None
    months = period_months(period)
    this_month = month_start(today)
    elapsed = len(months) if today > period.end else sum(1 for m in months if m < this_month)
    if elapsed == 0:
        return None
    paused = paused or {}
    weights = {m: 1 - paused.get(m, ZERO) for m in months}
    spent_in = sum((weights[m] for m in months[:elapsed]), ZERO)
    if spent_in <= 0:
        return None
    pace = row.spent / spent_in
    left = len(months) - elapsed
    projected = round_money(row.spent + pace * sum((weights[m] for m in months[elapsed:]), ZERO))
    runs_out_in: int | None = None
    if projected > reference:
        remaining = reference - row.spent
        runs_out_in = 0 if remaining <= 0 else int((remaining / pace).to_integral_value(ROUND_DOWN))
    return Forecast(
        pace=round_money(pace),
        months_elapsed=elapsed,
        months_left=left,
        projected=projected,
        runs_out_in=runs_out_in,
        unused=max(round_money(reference - projected), ZERO),
    )


def budget_ledger(*, user: Viewer, client: Client, today: dt.date) -> Ledger:
    """The client's money per budget period and funding source: planned (the plan in force),
    committed (guarantee letters in force), spent (approved invoices), remaining, and the
    forecast at the current pace. Amounts are split by month exactly as the plan splits them,
    so every column adds up to its source to the cent."""
    return budget_ledgers(user=user, clients=[client], today=today)[client.pk]


def budget_ledgers(*, user: Viewer, clients: Sequence[Client], today: dt.date) -> dict[int, Ledger]:
    """`budget_ledger` of many clients (client id → ledger) in eight queries, however many
    (two read the co-financing splits that share out the spent money)."""
    for client in clients:
        billing_policy.require(user, BillingAction.VIEW_LEDGER, client)
    ids = [c.pk for c in clients]
    all_periods: dict[int, list[BudgetPeriod]] = {pk: [] for pk in ids}
    for period in BudgetPeriod.objects.filter(client_id__in=ids).order_by("start", "id"):
        all_periods[period.client_id].append(period)
    ledgers: dict[int, dict[Any, LedgerPeriod]] = {
        pk: {p.pk: LedgerPeriod(p, is_current=p.start <= today <= p.end) for p in periods}
        for pk, periods in all_periods.items()
    }

    def entry_for(client_id: int, day: dt.date) -> LedgerPeriod:
        period = period_of(all_periods[client_id], day)
        key = period.pk if period else None
        entries = ledgers[client_id]
        if key not in entries:
            entries[key] = LedgerPeriod(None)
        return entries[key]

    versions = (
        PlanVersion.objects.filter(plan__client_id__in=ids, status=PlanStatus.ACTIVE)
        .select_related("plan")
        .prefetch_related("lines")
    )
    for version in versions:
        for line in version.lines.all():
            for day, amount in line_monthly_amounts(line):
                entry_for(version.plan.client_id, day).row(line.funding_source).planned += amount
    letters = GuaranteeLetter.objects.filter(
        version__plan__client_id__in=ids, status=LetterStatus.ISSUED
    ).values_list("version__plan__client_id", "lines")
    for client_id, letter_lines in letters:
        for letter_line in letter_lines:
            for day, amount in letter_line_monthly(letter_line):
                entry_for(client_id, day).row(letter_line["funding_source"]).committed += amount
    splits = list(CoFinancing.objects.prefetch_related("shares"))  # a small reference table
    for client_id, municipality_id, month, source, amount in MonthlySpend.objects.filter(
        client_id__in=ids
    ).values_list("client_id", "municipality_id", "month", "funding_source", "amount"):
        row = entry_for(client_id, month).row(source)
        row.spent += amount
        split = split_for(splits, source, municipality_id, month) if amount else None
        if split is not None:
            shares = [(share.payer, share.percent) for share in split.shares.all()]
            for payer, part in split_by_shares(amount, shares):
                row.payers[payer] = row.payers.get(payer, ZERO) + part
    limits = budgets_current(periods=[p for periods in all_periods.values() for p in periods])
    paused = paused_money_shares(versions)  # the versions' lines were read above
    order = list(FundingSource.values)
    result = {}
    for client in clients:
        periods, entries = all_periods[client.pk], ledgers[client.pk]
        for period in periods:
            budget_row = entries[period.pk].row(FundingSource.INDIVIDUAL_BUDGET)
            limit = limits.get(period.pk)
            budget_row.budget = limit.period_amount if limit is not None else None
            for row in entries[period.pk].rows:
                row.forecast = _forecast(row, period, today, paused.get((client.pk, row.source)))
        listed = []
        for period in periods:
            listed.append(entries.pop(period.pk))
        listed.extend(entries.values())  # money in months outside every budget period
        for entry in listed:
            entry.rows.sort(key=lambda r: order.index(r.source))
        result[client.pk] = Ledger(client=client, today=today, periods=listed)
    return result


def ledger_warnings(*, user: Viewer, today: dt.date, limit: int = 50) -> list[dict[str, Any]]:
    """Budget warnings for the social worker's own active cases (six queries and the cases')."""
    clients = [
        client
        for client in my_active_cases(user=user).order_by(
            latvian("last_name"), latvian("first_name")
        )[:limit]
        if billing_policy.can(user, BillingAction.VIEW_LEDGER, client)
    ]
    ledgers = budget_ledgers(user=user, clients=clients, today=today)
    return [
        {"client": client, "text": text}
        for client in clients
        for text in ledgers[client.pk].warnings()
    ]


# --- credit notes ----------------------------------------------------------------------------


def credit_notes_of(*, user: Viewer, invoice: Invoice) -> QuerySet[CreditNote]:
    """The credit notes of an invoice the user sees, newest first."""
    billing_policy.require(user, BillingAction.VIEW, invoice)
    qs = CreditNote.objects.filter(invoice=invoice).select_related(
        "invoice", "created_by", "decided_by"
    )
    return billing_policy.visible_credit_notes(user, qs).prefetch_related(
        "lines__invoice_line__service_type", "lines__invoice_line__client"
    )


def credit_note_get(*, user: Viewer, pk: Any) -> CreditNote:
    """One credit note the user sees; otherwise 404, as if it did not exist."""
    qs = CreditNote.objects.select_related(
        "invoice", "invoice__provider", "municipality", "created_by", "decided_by"
    )
    try:
        return billing_policy.visible_credit_notes(user, qs).get(pk=pk)
    except (CreditNote.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404() from exc


def credit_lines_left(*, user: Viewer, invoice: Invoice) -> dict[int, LineLeft]:
    """What of each line of the invoice may still be credited (for the credit note form)."""
    billing_policy.require(user, BillingAction.VIEW, invoice)
    return lines_left(invoice)


def credit_notes_waiting(*, user: Viewer) -> QuerySet[CreditNote]:
    """Credit notes waiting for a decision that the user may decide (not their own)."""
    if not billing_policy.can(user, BillingAction.CREDIT_DECIDE):
        return CreditNote.objects.none()
    qs = CreditNote.objects.filter(status=CreditNoteStatus.PROPOSED).exclude(created_by=user.pk)
    return billing_policy.visible_credit_notes(user, qs.select_related("invoice", "created_by"))
