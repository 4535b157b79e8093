"""Reads for reports: the pilot report (DOMAIN.md §7) over the monthly spend ledger, its
evaluation (outcomes at review, the budget actually needed per band), the pseudonymised
extract for research, and the head of social service's caseload.

The pilot report is computed in the database with a fixed number of queries whatever the data
size: three aggregates over the roll-ups billing keeps next to the ledger (money per service,
source and month; people per service; clients and their months — docs/performance.md) and
one to name the services. Python only arranges the aggregated rows. The evaluation
adds two queries for the outcomes and two for the budget needed; the extract streams one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, models
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from atbalsts.assessment.dates import add_months
from atbalsts.assessment.models import IndicativeBudget, LifeDomain, domains_for
from atbalsts.assessment.selectors import reassessments_due
from atbalsts.billing.ledger import month_bit
from atbalsts.billing.models import ClientMonths, MonthlySpend, ServiceMonths, SpendSummary
from atbalsts.catalog.models import ServiceType
from atbalsts.core.money import round_money
from atbalsts.core.policies import Action, municipality_scope
from atbalsts.people.models import (
    CaseAssignment,
    Consent,
    ConsentPurpose,
    Municipality,
    TargetGroup,
)
from atbalsts.people.pseudonyms import client_pseudonym
from atbalsts.plans.models import FundingSource, Goal, GoalOutcome, PlanReview, PlanStatus

from .policies import report_policy

ZERO = Decimal("0.00")
PLANS_EXPIRING_WITHIN_DAYS = 60

# The Latvian alphabet, so that "Ģimenes asistents" sorts after "Grupu…" and before "Individuālā…"
# on every database (SQLite and PostgreSQL collate differently, and neither in Latvian).
_LATVIAN_ORDER = "aābcčdeēfgģhiījkķlļmnņoqprsštuūvwxyzž"
_RANK = {ch: 1000 + i for i, ch in enumerate(_LATVIAN_ORDER)}


def latvian_sort_key(text: str) -> tuple[tuple[int, ...], str]:
    """Sort key in Latvian alphabetical order (case-insensitive, then by the exact text)."""
    return tuple(
        _RANK.get(ch, ord(ch) if ch < "\x80" else 100_000 + ord(ch)) for ch in text.lower()
    ), text


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_in(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    """The first days of the calendar months from the month of `date_from` to that of `date_to`."""
    months = []
    month = month_start(date_from)
    while month <= date_to:
        months.append(month)
        month = add_months(month, 1)
    return months


# --- the pilot report ------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceSpend:
    funding_source: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class ServiceSpend:
    service_type_id: int
    code: str
    name: str
    persons: int
    amount: Decimal


@dataclass(frozen=True)
class MonthSpend:
    month: dt.date
    amount: Decimal


@dataclass(frozen=True)
class PilotReport:
    """The figures the pilots reported, for some municipalities, a target group and a period.

    `municipalities` is empty for the national report (every municipality).
    """

    municipalities: list[Municipality]
    target_group: str | None
    date_from: dt.date
    date_to: dt.date
    total: Decimal = ZERO
    by_source: list[SourceSpend] = field(default_factory=list)
    clients: int = 0
    client_months: int = 0
    services: list[ServiceSpend] = field(default_factory=list)
    monthly: list[MonthSpend] = field(default_factory=list)
    # Filled by `pilot_report_evaluated` (the page, the exports, the API and the command).
    outcomes: OutcomesReport | None = None
    budget_needed: list[BandNeed] | None = None

    @property
    def national(self) -> bool:
        return not self.municipalities

    @property
    def is_empty(self) -> bool:
        return self.clients == 0

    @property
    def average_per_person_month(self) -> Decimal | None:
        """Total ÷ the sum of months each client received services, rounded once to the cent."""
        if not self.client_months:
            return None
        return round_money(self.total / self.client_months)

    @property
    def average_months(self) -> Decimal | None:
        """The sum of months received ÷ the number of clients, to two decimals (half up)."""
        if not self.clients:
            return None
        return (Decimal(self.client_months) / self.clients).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    @property
    def target_group_label(self) -> str:
        if not self.target_group:
            return ""
        return str(TargetGroup(self.target_group).label)


def _sum(value: Decimal | None) -> Decimal:
    """A database sum of cent amounts, back to exact cents. PostgreSQL adds `numeric` exactly;
    SQLite adds them as binary floats (5601.18000000001), and the sum of whole cents rounded
    to the cent is the exact sum. Not a business rounding: the figures stay exact."""
    return round_money(value or 0)


def spend_rows(
    *,
    user: Any,
    municipalities: Sequence[Municipality | int] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
) -> QuerySet[MonthlySpend]:
    """The ledger rows a report counts: in the user's scope, the municipalities, the target
    group and the calendar months the period touches, with money on them."""
    report_policy.require_municipalities(user, municipalities)
    qs = report_policy.visible(user, MonthlySpend.objects.all())
    if municipalities:
        ids = [m if isinstance(m, int) else m.pk for m in municipalities]
        qs = qs.filter(municipality_id__in=ids)
    if target_group:
        qs = qs.filter(target_group=target_group)
    return (
        qs.filter(month__gte=month_start(date_from), month__lte=date_to)
        .exclude(amount=0)
        .order_by()
    )


def _named(user: Any, municipalities: Sequence[Municipality] | None) -> list[Municipality]:
    """The municipalities a report covers: those asked for, else the user's own; none for the
    whole country."""
    if municipalities:
        return list(municipalities)
    if municipality_scope(user):
        return [user.municipality]
    return []


def _rollup(
    user: Any,
    model: type[models.Model],
    municipalities: Sequence[Municipality] | None,
    target_group: str | None,
) -> QuerySet[Any]:
    qs = report_policy.visible(user, model._default_manager.all())
    if municipalities:
        qs = qs.filter(municipality_id__in=[m.pk for m in municipalities])
    if target_group:
        qs = qs.filter(target_group=target_group)
    return qs.order_by()


def period_masks(date_from: dt.date, date_to: dt.date) -> dict[int, int]:
    """The calendar months a period touches, as year → 12-bit mask (bit 0 = January)."""
    masks: dict[int, int] = {}
    for month in months_in(date_from, date_to):
        masks[month.year] = masks.get(month.year, 0) | month_bit(month)
    return masks


def _in_period(masks: dict[int, int]) -> Case:
    """A row's months that fall in the period: its mask AND the period's mask for its year."""
    return Case(
        *(When(year=year, then=F("months").bitand(mask)) for year, mask in masks.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def _months_counted() -> Any:
    """Per group of rows of one client and year: the number of months set in any of them — a
    bitwise OR of the masks, then its bits counted. PostgreSQL has the OR as an aggregate
    (BIT_OR, computed once however often the expression names it); elsewhere it is one MAX per
    bit. Both run in CI; the PostgreSQL one keeps a national report's grouping small."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.aggregates import BitOr

        either = BitOr("in_period")
        return sum((either.bitrightshift(bit).bitand(1) for bit in range(12)), Value(0))
    return sum((Max(F("in_period").bitrightshift(bit).bitand(1)) for bit in range(12)), Value(0))


def pilot_report(
    *,
    user: Any,
    municipalities: Sequence[Municipality] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
) -> PilotReport:
    """The pilot report from the roll-ups billing keeps next to the ledger (billing.ledger):
    three aggregate queries and one naming the services, whatever the data size (three when
    there is no money; plus one to name a municipal user's municipality if it is not loaded
    yet). `municipalities=None` is everything the user may see: the own municipality, or the
    whole country for national roles. Raises NotPermitted for a municipality outside the
    user's scope."""
    report_policy.require_municipalities(user, municipalities)
    masks = period_masks(date_from, date_to)
    labels = dict(FundingSource.choices)
    order = {value: i for i, value in enumerate(FundingSource.values)}
    by_source: dict[str, Decimal] = {}
    by_service: dict[int, Decimal] = {}
    names: dict[int, tuple[str, str]] = {}
    per_month: dict[dt.date, Decimal] = {}
    # Grouped by ids only: naming the services in the grouping made PostgreSQL hash wide text
    # keys (a national report's money query took 270 ms instead of 45); a fourth small query
    # names them.
    money = (
        _rollup(user, SpendSummary, municipalities, target_group)
        .filter(month__gte=month_start(date_from), month__lte=date_to)
        .exclude(amount=0)
        .values("funding_source", "service_type_id", "month")
        .annotate(total=Sum("amount"))
    )
    for row in money:
        amount = _sum(row["total"])
        service_id = row["service_type_id"]
        by_source[row["funding_source"]] = by_source.get(row["funding_source"], ZERO) + amount
        by_service[service_id] = by_service.get(service_id, ZERO) + amount
        per_month[row["month"]] = per_month.get(row["month"], ZERO) + amount
    if by_service:
        names = {
            pk: (code, name)
            for pk, code, name in ServiceType.objects.filter(pk__in=by_service).values_list(
                "pk", "code", "name_lv"
            )
        }
    persons: dict[int, int] = {}
    people: dict[str, Any] = {}
    if masks:
        persons = dict(
            _rollup(user, ServiceMonths, municipalities, target_group)
            .filter(year__in=masks)
            .annotate(in_period=_in_period(masks))
            .exclude(in_period=0)
            .values("service_type_id")
            .annotate(persons=Count("person", distinct=True))
            .values_list("service_type_id", "persons")
        )
        people = (
            _rollup(user, ClientMonths, municipalities, target_group)
            .filter(year__in=masks)
            .annotate(in_period=_in_period(masks))
            .exclude(in_period=0)
            .values("client_id", "year")
            .annotate(months=_months_counted())
            .aggregate(clients=Count("client_id", distinct=True), client_months=Sum("months"))
        )
    sources = sorted(
        (SourceSpend(s, str(labels.get(s, "")), a) for s, a in by_source.items()),
        key=lambda s: order.get(s.funding_source, len(order)),
    )
    services = sorted(
        (
            ServiceSpend(pk, names[pk][0], names[pk][1], persons.get(pk, 0), amount)
            for pk, amount in by_service.items()
        ),
        key=lambda s: (-s.persons, -s.amount, latvian_sort_key(s.name)),
    )
    return PilotReport(
        municipalities=_named(user, municipalities),
        target_group=target_group or None,
        date_from=date_from,
        date_to=date_to,
        total=sum((s.amount for s in sources), ZERO),
        by_source=sources,
        clients=people.get("clients") or 0,
        client_months=people.get("client_months") or 0,
        services=services,
        monthly=[MonthSpend(m, per_month.get(m, ZERO)) for m in months_in(date_from, date_to)],
    )


# --- outcomes: goals at review, and what changed in the person's life -------------------------


@dataclass(frozen=True)
class DomainOutcomes:
    domain: str
    label: str
    achieved: int = 0
    partly: int = 0
    not_achieved: int = 0

    @property
    def total(self) -> int:
        return self.achieved + self.partly + self.not_achieved


@dataclass(frozen=True)
class OutcomesReport:
    domains: list[DomainOutcomes]
    reviewed_clients: int = 0
    started_paid_work: int = 0
    moved_to_live_on_own: int = 0
    widened_support_circle: int = 0

    @property
    def goals_total(self) -> int:
        return sum(d.total for d in self.domains)


def _ids(municipalities: Sequence[Municipality | int] | None) -> list[int]:
    return [m if isinstance(m, int) else m.pk for m in municipalities or ()]


def outcomes_report(
    *,
    user: Any,
    municipalities: Sequence[Municipality | int] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
) -> OutcomesReport:
    """Goals achieved / partly / not per life domain, judged at reviews in the period (a goal
    carried into later versions counts once, with its latest outcome), and the number of
    people who, at a review in the period, had started paid work, moved to live on their own,
    widened their support circle (each person once). Two queries whatever the data size."""
    report_policy.require_municipalities(user, municipalities)
    ids = _ids(municipalities)
    goals = report_policy.scoped(
        user,
        Goal.objects.exclude(outcome="").filter(
            outcome_reviewed_on__gte=date_from, outcome_reviewed_on__lte=date_to
        ),
        "version__plan__client__municipality_id",
    )
    reviews = report_policy.scoped(
        user,
        PlanReview.objects.filter(reviewed_on__gte=date_from, reviewed_on__lte=date_to),
        "plan__client__municipality_id",
    )
    if ids:
        goals = goals.filter(version__plan__client__municipality_id__in=ids)
        reviews = reviews.filter(plan__client__municipality_id__in=ids)
    if target_group:
        goals = goals.filter(version__plan__client__target_group=target_group)
        reviews = reviews.filter(plan__client__target_group=target_group)
    latest: dict[tuple[int, Any], tuple[str, str]] = {}
    for plan_id, key, domain, outcome in goals.order_by(
        "outcome_reviewed_on", "version__number", "id"
    ).values_list("version__plan_id", "key", "domain", "outcome"):
        latest[(plan_id, key)] = (domain, outcome)
    counts: dict[str, dict[str, int]] = {}
    for domain, outcome in latest.values():
        per = counts.setdefault(domain, {})
        per[outcome] = per.get(outcome, 0) + 1
    order = list(domains_for(target_group)) if target_group else list(LifeDomain)
    order += [LifeDomain(d) for d in counts if LifeDomain(d) not in order]
    shown = [d for d in order if target_group or d.value in counts]
    people = reviews.aggregate(
        clients=Count("plan__client_id", distinct=True),
        work=Count("plan__client_id", distinct=True, filter=Q(started_paid_work=True)),
        own=Count("plan__client_id", distinct=True, filter=Q(moved_to_live_on_own=True)),
        circle=Count("plan__client_id", distinct=True, filter=Q(widened_support_circle=True)),
    )
    return OutcomesReport(
        domains=[
            DomainOutcomes(
                domain=d.value,
                label=str(d.label),
                achieved=counts.get(d.value, {}).get(GoalOutcome.ACHIEVED, 0),
                partly=counts.get(d.value, {}).get(GoalOutcome.PARTLY, 0),
                not_achieved=counts.get(d.value, {}).get(GoalOutcome.NOT_ACHIEVED, 0),
            )
            for d in shown
        ],
        reviewed_clients=people["clients"] or 0,
        started_paid_work=people["work"] or 0,
        moved_to_live_on_own=people["own"] or 0,
        widened_support_circle=people["circle"] or 0,
    )


# --- the budget actually needed per assessment band --------------------------------------------


@dataclass(frozen=True)
class BandNeed:
    """Clients of a target group whose indicative budget in force was in one band, and what
    they actually spent a month (all funding sources). `band_code` "" is: no budget."""

    target_group: str
    band_code: str
    band_monthly: Decimal | None
    clients: int
    average: Decimal
    maximum: Decimal

    @property
    def target_group_label(self) -> str:
        return str(TargetGroup(self.target_group).label)


def _band_of(budget: dict[str, Any]) -> tuple[str, Decimal]:
    band = (budget["explanation"] or {}).get("band") or {}
    amount = band.get("monthly_amount", budget["computed_monthly_amount"])
    return budget["band_code"], round_money(Decimal(str(amount)))


def budget_needed_by_band(
    *,
    user: Any,
    municipalities: Sequence[Municipality | int] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
) -> list[BandNeed]:
    """Per target group and band: each client's actual monthly spend (their total in the
    period ÷ the months they received services, as in the pilot report), averaged and the
    maximum over the band's clients, rounded once to the cent. A client's band is that of the
    current indicative budget of their latest budget period overlapping the report period.
    Two queries whatever the data size."""
    rows = spend_rows(
        user=user,
        municipalities=municipalities,
        target_group=target_group,
        date_from=date_from,
        date_to=date_to,
    )
    budgets = report_policy.scoped(
        user,
        IndicativeBudget.objects.filter(
            is_current=True, period__start__lte=date_to, period__end__gte=date_from
        ),
        "period__client__municipality_id",
    )
    ids = _ids(municipalities)
    if ids:
        budgets = budgets.filter(period__client__municipality_id__in=ids)
    if target_group:
        budgets = budgets.filter(period__client__target_group=target_group)
    bands: dict[int, tuple[str, Decimal]] = {}
    for budget in budgets.order_by("period__start", "id").values(
        "period__client_id", "band_code", "explanation", "computed_monthly_amount"
    ):
        bands[budget["period__client_id"]] = _band_of(budget)
    groups: dict[tuple[str, str, Decimal | None], list[Decimal]] = {}
    for r in rows.values("client_id", "target_group").annotate(
        amount=Sum("amount"), months=Count("month", distinct=True)
    ):
        code, monthly = bands.get(r["client_id"], ("", None))
        per_month = _sum(r["amount"]) / r["months"]
        groups.setdefault((r["target_group"], code, monthly), []).append(per_month)
    result = [
        BandNeed(
            target_group=group,
            band_code=code,
            band_monthly=monthly,
            clients=len(values),
            average=round_money(sum(values, Decimal(0)) / len(values)),
            maximum=round_money(max(values)),
        )
        for (group, code, monthly), values in groups.items()
    ]
    return sorted(
        result,
        key=lambda b: (b.target_group, b.band_monthly is None, b.band_monthly or 0, b.band_code),
    )


def pilot_report_evaluated(
    *,
    user: Any,
    municipalities: Sequence[Municipality] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
) -> PilotReport:
    """The pilot report with its evaluation: outcomes and the budget actually needed per band
    (4 + 2 + 2 queries whatever the data size)."""
    params: dict[str, Any] = {
        "user": user,
        "municipalities": municipalities,
        "target_group": target_group,
        "date_from": date_from,
        "date_to": date_to,
    }
    return replace(
        pilot_report(**params),
        outcomes=outcomes_report(**params),
        budget_needed=budget_needed_by_band(**params),
    )


# --- the pseudonymised extract for research ------------------------------------------------------

EXTRACT_HEADER = (
    "pseudonym",
    "month",
    "municipality",
    "target_group",
    "birth_year",
    "disability_group",
    "band",
    "service_type",
    "funding_source",
    "spent_eur",
)


def _consenting(day: dt.date) -> QuerySet[Any]:
    """Clients whose consent to the use of their data in pseudonymised evaluation is in force
    on `day` (given by then and not revoked by then)."""
    return (
        Consent.objects.filter(purpose=ConsentPurpose.PSEUDONYMISED_EVALUATION, given_on__lte=day)
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
        .values("client_id")
    )


@dataclass(frozen=True)
class ExtractCoverage:
    clients: int  # clients with approved spend in the period
    consenting: int  # of them, those whose data the extract may hold

    @property
    def left_out(self) -> int:
        return self.clients - self.consenting


def extract_coverage(
    *,
    user: Any,
    municipalities: Sequence[Municipality] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
    day: dt.date,
) -> ExtractCoverage:
    """How many of the report's clients the research extract will hold: one query over the
    client roll-up, whatever the data size."""
    report_policy.require_municipalities(user, municipalities)
    masks = period_masks(date_from, date_to)
    if not masks:
        return ExtractCoverage(0, 0)
    counts = (
        _rollup(user, ClientMonths, municipalities, target_group)
        .filter(year__in=masks)
        .annotate(in_period=_in_period(masks))
        .exclude(in_period=0)
        .aggregate(
            clients=Count("client_id", distinct=True),
            consenting=Count("client_id", distinct=True, filter=Q(client_id__in=_consenting(day))),
        )
    )
    return ExtractCoverage(counts["clients"] or 0, counts["consenting"] or 0)


def research_extract(
    *,
    user: Any,
    municipalities: Sequence[Municipality | int] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
    day: dt.date | None = None,
) -> Iterator[tuple[str, ...]]:
    """One row per client × month × service × funding source with the money spent, and the
    client only as a stable pseudonym (HMAC under a key the municipality keeps): no name,
    personal code, address nor free text. Only clients whose consent to pseudonymised
    evaluation is in force today (`day`) are in it. Streams the ledger with `iterator()`, so
    memory does not grow with the rows; the bands are read first (one row per budget)."""
    rows = spend_rows(
        user=user,
        municipalities=municipalities,
        target_group=target_group,
        date_from=date_from,
        date_to=date_to,
    ).filter(client_id__in=_consenting(day or timezone.localdate()))
    budgets = report_policy.scoped(
        user,
        IndicativeBudget.objects.filter(
            is_current=True, period__start__lte=date_to, period__end__gte=month_start(date_from)
        ),
        "period__client__municipality_id",
    )
    ids = _ids(municipalities)
    if ids:
        budgets = budgets.filter(period__client__municipality_id__in=ids)
    periods: dict[int, list[tuple[dt.date, dt.date, str]]] = {}
    for client_id, start, end, code in budgets.order_by("period__start").values_list(
        "period__client_id", "period__start", "period__end", "band_code"
    ):
        periods.setdefault(client_id, []).append((month_start(start), end, code))

    def band(client_id: int, month: dt.date) -> str:
        found = ""
        for start, end, code in periods.get(client_id, ()):
            if start <= month <= end:
                found = code
        return found

    def generate() -> Iterator[tuple[str, ...]]:
        yield EXTRACT_HEADER
        for r in (
            rows.values(
                "client_id",
                "month",
                "service_type__code",
                "funding_source",
                "target_group",
                "municipality__code",
                "client__date_of_birth",
                "client__disability_group",
            )
            .annotate(amount=Sum("amount"))
            .order_by("client_id", "month", "service_type__code", "funding_source")
            .iterator(chunk_size=2000)
        ):
            yield (
                client_pseudonym(r["client_id"]),
                f"{r['month']:%Y-%m}",
                r["municipality__code"],
                r["target_group"],
                str(r["client__date_of_birth"].year),
                r["client__disability_group"],
                band(r["client_id"], r["month"]),
                r["service_type__code"],
                r["funding_source"],
                f"{_sum(r['amount']):.2f}",
            )

    return generate()


# --- the caseload ----------------------------------------------------------------------------


@dataclass
class WorkerLoad:
    municipality: str
    worker_id: int | None  # None: clients whose case nobody holds
    worker_name: str
    active_cases: int = 0
    reassessments_due: int = 0
    reassessments_overdue: int = 0
    plans_expiring: int = 0


@dataclass(frozen=True)
class Caseload:
    day: dt.date
    rows: list[WorkerLoad]
    plans_until: dt.date

    @property
    def totals(self) -> list[WorkerLoad]:
        """One row per municipality with the sums of its workers."""
        result: dict[str, WorkerLoad] = {}
        for row in self.rows:
            total = result.setdefault(row.municipality, WorkerLoad(row.municipality, None, ""))
            total.active_cases += row.active_cases
            total.reassessments_due += row.reassessments_due
            total.reassessments_overdue += row.reassessments_overdue
            total.plans_expiring += row.plans_expiring
        return list(result.values())


def _open_on(day: dt.date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def caseload(*, user: Any, day: dt.date, municipality: Municipality | None = None) -> Caseload:
    """Active cases per social worker (case assignments open on `day`), the re-assessments due
    within 30 days or overdue, and the active plans that end within 60 days, per worker."""
    report_policy.require(user, Action.VIEW_NOTES, municipality)
    until = day + dt.timedelta(days=PLANS_EXPIRING_WITHIN_DAYS)
    assignments = report_policy.scoped(
        user, CaseAssignment.objects.filter(_open_on(day)), "client__municipality_id"
    )
    if municipality is not None:
        assignments = assignments.filter(client__municipality=municipality)
    expiring = Q(
        client__support_plans__versions__status=PlanStatus.ACTIVE,
        client__support_plans__versions__end__gte=day,
        client__support_plans__versions__end__lte=until,
    )
    rows: dict[tuple[str, int | None], WorkerLoad] = {}
    for r in (
        assignments.values(
            "client__municipality__name",
            "social_worker_id",
            "social_worker__first_name",
            "social_worker__last_name",
            "social_worker__username",
        )
        .annotate(
            active=Count("client_id", distinct=True),
            expiring=Count("client_id", distinct=True, filter=expiring),
        )
        .order_by("client__municipality__name", "social_worker__last_name", "social_worker_id")
    ):
        name = f"{r['social_worker__first_name']} {r['social_worker__last_name']}".strip()
        key = (r["client__municipality__name"], r["social_worker_id"])
        rows[key] = WorkerLoad(
            municipality=key[0],
            worker_id=key[1],
            worker_name=name or r["social_worker__username"],
            active_cases=r["active"],
            plans_expiring=r["expiring"],
        )
    due = reassessments_due(user=user, today=day)
    items = [(item, False) for item in due.due] + [(item, True) for item in due.overdue]
    if municipality is not None:
        items = [(i, o) for i, o in items if i.client.municipality_id == municipality.pk]
    holders = dict(
        assignments.filter(client_id__in=[i.client.pk for i, _ in items]).values_list(
            "client_id", "social_worker_id"
        )
    )
    names = dict(
        Municipality.objects.filter(
            pk__in={i.client.municipality_id for i, _ in items}
        ).values_list("pk", "name")
    )
    for item, overdue in items:
        key = (names[item.client.municipality_id], holders.get(item.client.pk))
        if key not in rows:
            rows[key] = WorkerLoad(key[0], key[1], "")
        if overdue:
            rows[key].reassessments_overdue += 1
        else:
            rows[key].reassessments_due += 1
    ordered = sorted(
        rows.values(),
        key=lambda r: (latvian_sort_key(r.municipality), r.worker_id is None, r.worker_name),
    )
    return Caseload(day=day, rows=ordered, plans_until=until)
