"""Reads of plans and letters, and the plan's arithmetic: budget fit per period, the child's
weekly load, the comparison of two versions and the extension schedule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from atbalsts.assessment.models import BudgetPeriod
from atbalsts.assessment.selectors import budget_current
from atbalsts.catalog.models import ServiceUnit
from atbalsts.core.dates import dmy
from atbalsts.core.money import format_money, round_money
from atbalsts.core.policies import role_of
from atbalsts.core.roles import Role
from atbalsts.people.models import CaseAssignment, Client, TargetGroup

from .models import (
    FundingSource,
    Goal,
    GuaranteeLetter,
    LetterStatus,
    PlanLine,
    PlanStatus,
    PlanVersion,
    SupportPlan,
)
from .policies import plan_policy
from .spread import month_starts, months_between, split_total, spread_evenly, weekly

DEFAULT_CHILD_MAX_WEEKLY_SESSIONS = 6
DEFAULT_CHILD_MAX_WEEKLY_HOURS = 6
DEFAULT_MAX_MONTHLY_QUANTITY = 500

EXTENSION_KEY = "extension"
WHOLE_PLAN_KEY = "whole_plan"


def child_max_weekly_sessions() -> Decimal:
    return Decimal(
        str(getattr(settings, "PLAN_CHILD_MAX_WEEKLY_SESSIONS", DEFAULT_CHILD_MAX_WEEKLY_SESSIONS))
    )


def child_max_weekly_hours() -> Decimal:
    return Decimal(
        str(getattr(settings, "PLAN_CHILD_MAX_WEEKLY_HOURS", DEFAULT_CHILD_MAX_WEEKLY_HOURS))
    )


def max_monthly_quantity() -> Decimal:
    return Decimal(
        str(getattr(settings, "PLAN_MAX_MONTHLY_QUANTITY", DEFAULT_MAX_MONTHLY_QUANTITY))
    )


# --- plans, versions, letters ------------------------------------------------------------------


def plan_list(*, user: Any, client: Client) -> QuerySet[SupportPlan]:
    return plan_policy.visible(user, SupportPlan.objects.filter(client=client)).order_by(
        "-created_at", "-id"
    )


def plan_get(*, user: Any, pk: Any) -> SupportPlan:
    qs = SupportPlan.objects.select_related("client", "client__municipality")
    return plan_policy.get_visible(user, qs, pk=pk)


def version_get(*, user: Any, pk: Any) -> PlanVersion:
    qs = PlanVersion.objects.select_related(
        "plan",
        "plan__client",
        "plan__client__municipality",
        "signed_by_representative",
        "overrun_approved_by",
        "supersedes",
    )
    try:
        return plan_policy.visible_versions(user, qs).get(pk=pk)
    except (PlanVersion.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404() from exc


def version_list(*, plan: SupportPlan) -> QuerySet[PlanVersion]:
    return plan.versions.order_by("-number")


def version_current(*, plan: SupportPlan) -> PlanVersion | None:
    """The version in force, else the newest agreed one, else the draft, else the newest."""
    versions = plan.versions.order_by("-number")
    for status in (PlanStatus.ACTIVE, PlanStatus.AGREED, PlanStatus.DRAFT):
        found = versions.filter(status=status).first()
        if found is not None:
            return found
    return versions.first()


def version_lines(version: PlanVersion) -> QuerySet[PlanLine]:
    return version.lines.select_related(
        "service_type", "provider", "goal", "recipient", "tariff"
    ).order_by("priority", "id")


def letter_list(*, user: Any, plan: SupportPlan | None = None) -> QuerySet[GuaranteeLetter]:
    qs = GuaranteeLetter.objects.select_related("provider", "version", "version__plan")
    if plan is not None:
        qs = qs.filter(version__plan=plan)
    return plan_policy.visible_letters(user, qs).order_by("-issued_at", "-id")


def letter_get(*, user: Any, pk: Any) -> GuaranteeLetter:
    qs = GuaranteeLetter.objects.select_related(
        "provider", "version", "version__plan", "version__plan__client", "replaced_by"
    )
    try:
        return plan_policy.visible_letters(user, qs).get(pk=pk)
    except (GuaranteeLetter.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404() from exc


def letters_in_force(*, version: PlanVersion) -> QuerySet[GuaranteeLetter]:
    return version.letters.filter(status=LetterStatus.ISSUED).select_related("provider")


def social_worker_of(client: Client, day: dt.date) -> Any:
    """The social worker holding the client's case on `day` (None if nobody does)."""
    assignment = (
        CaseAssignment.objects.filter(client=client, start_date__lte=day)
        .exclude(end_date__lt=day)
        .select_related("social_worker")
        .order_by("-start_date", "-id")
        .first()
    )
    return assignment.social_worker if assignment else None


# --- budget fit ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodBudget:
    key: Any
    label: str
    start: dt.date | None
    end: dt.date | None
    budget: Decimal | None  # None: no indicative budget computed for the period


@dataclass
class PeriodFit:
    period: PeriodBudget
    planned: Decimal = Decimal("0.00")
    allowance: Decimal = Decimal("0.00")

    @property
    def limit(self) -> Decimal:
        return (self.period.budget or Decimal("0.00")) + self.allowance

    @property
    def over(self) -> Decimal:
        return max(self.planned - self.limit, Decimal("0.00"))

    @property
    def over_budget(self) -> Decimal:
        """How much the plan passes the indicative budget itself (before any allowance)."""
        return max(self.planned - (self.period.budget or Decimal("0.00")), Decimal("0.00"))

    @property
    def fits(self) -> bool:
        return self.planned <= self.limit

    @property
    def remaining(self) -> Decimal:
        return (self.period.budget or Decimal("0.00")) - self.planned


def budget_periods(client: Client) -> list[PeriodBudget]:
    """The client's budget periods with the indicative budget that applies to each."""
    result = []
    for period in BudgetPeriod.objects.filter(client=client).order_by("start"):
        budget = budget_current(period=period)
        result.append(
            PeriodBudget(
                key=period.pk,
                label=_("%(start)s–%(end)s") % {"start": dmy(period.start), "end": dmy(period.end)},
                start=period.start,
                end=period.end,
                budget=budget.period_amount if budget is not None else None,
            )
        )
    return result


def _extension_from(version: PlanVersion) -> dt.date | None:
    raw = (version.extension or {}).get("from")
    return dt.date.fromisoformat(raw) if raw else None


def _month_key(day: dt.date, periods: Sequence[PeriodBudget], ext_from: dt.date | None) -> Any:
    if ext_from is not None and day >= ext_from:
        return EXTENSION_KEY
    for period in periods:
        if period.start and period.end and period.start <= day <= period.end:
            return period.key
    return None


def line_shares(
    line: PlanLine, periods: Sequence[PeriodBudget], ext_from: dt.date | None = None
) -> dict[Any, Decimal]:
    """The line's total split over the budget periods by the months it falls in."""
    keys = [_month_key(d, periods, ext_from) for d in month_starts(line.start, line.months)]
    return split_total(line.total, keys)


def line_monthly_amounts(line: PlanLine) -> list[tuple[dt.date, Decimal]]:
    """The line's total month by month (adding up to the total to the cent)."""
    starts = month_starts(line.start, line.months)
    shares = split_total(line.total, list(range(len(starts))))
    return [(d, shares[i]) for i, d in enumerate(starts)]


def version_budget_fit(
    version: PlanVersion, lines: Iterable[PlanLine] | None = None
) -> list[PeriodFit]:
    """The individual-budget part of the version in each budget period it touches, against
    the indicative budget of that period (or, after an extension, the re-spread remainder)."""
    client = version.plan.client
    periods = budget_periods(client)
    ext_from = _extension_from(version)
    if ext_from is not None:
        periods = [p for p in periods if p.start is not None and p.start < ext_from]
    fits: dict[Any, PeriodFit] = {}
    for period in periods:
        if (
            period.start
            and period.end
            and period.start <= version.end
            and period.end >= version.start
        ):
            fits[period.key] = PeriodFit(period, allowance=version.overrun_allowance)
    if ext_from is not None:
        ext = version.extension
        fits[EXTENSION_KEY] = PeriodFit(
            PeriodBudget(
                key=EXTENSION_KEY,
                label=_("pagarinājums %(start)s–%(end)s")
                % {"start": dmy(ext_from), "end": dmy(version.end)},
                start=ext_from,
                end=version.end,
                budget=Decimal(ext["remaining"]),
            ),
            allowance=version.overrun_allowance,
        )
    for line in version.lines.all() if lines is None else lines:
        if line.funding_source != FundingSource.INDIVIDUAL_BUDGET:
            continue
        for key, amount in line_shares(line, periods, ext_from).items():
            if key not in fits:
                label = (
                    _("bez budžeta perioda")
                    if key is None
                    else next((p.label for p in periods if p.key == key), str(key))
                )
                period = next(
                    (p for p in periods if p.key == key),
                    PeriodBudget(key=key, label=label, start=None, end=None, budget=None),
                )
                fits[key] = PeriodFit(period, allowance=version.overrun_allowance)
            fits[key].planned += amount
    if ext_from is not None:
        # Months before the re-spread stay within their periods; the whole plan must also
        # stay within the total the extension kept, so earlier months cannot grow unseen.
        whole = PeriodFit(
            PeriodBudget(
                key=WHOLE_PLAN_KEY,
                label=_("viss plāns %(start)s–%(end)s")
                % {"start": dmy(version.start), "end": dmy(version.end)},
                start=version.start,
                end=version.end,
                budget=Decimal(version.extension["total"]),
            ),
            allowance=version.overrun_allowance,
        )
        whole.planned = sum((f.planned for f in fits.values()), Decimal("0.00"))
        fits[WHOLE_PLAN_KEY] = whole
    order = {p.key: i for i, p in enumerate(periods)}
    order[EXTENSION_KEY] = len(order)
    order[WHOLE_PLAN_KEY] = len(order)
    return sorted(fits.values(), key=lambda f: order.get(f.period.key, len(order) + 1))


def version_budget_total(version: PlanVersion) -> Decimal:
    return sum(
        (
            line.total
            for line in version.lines.filter(funding_source=FundingSource.INDIVIDUAL_BUDGET)
        ),
        Decimal("0.00"),
    )


def version_totals_by_source(version: PlanVersion) -> list[tuple[str, Decimal]]:
    totals: dict[str, Decimal] = {}
    for line in version.lines.all():
        totals[line.funding_source] = totals.get(line.funding_source, Decimal("0.00")) + line.total
    labels = dict(FundingSource.choices)
    return [(str(labels[s]), totals[s]) for s in FundingSource.values if s in totals]


# --- a child's weekly load -------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyLoad:
    month: dt.date
    sessions: Decimal
    hours: Decimal


def _session_and_hours(line: PlanLine) -> tuple[Decimal, Decimal]:
    unit = line.service_type.unit
    if unit == ServiceUnit.HOUR:
        minutes = Decimal(line.session_minutes or 60)
        return line.quantity * 60 / minutes, line.quantity
    if unit == ServiceUnit.SESSION:
        hours = line.quantity * Decimal(line.session_minutes or 0) / 60
        return line.quantity, hours
    return Decimal(0), Decimal(0)  # kilometres, trips, days, courses are not sessions


def weekly_load(version: PlanVersion) -> list[WeeklyLoad]:
    """Sessions and hours a week in each month of the plan (monthly quantity × 12 / 52)."""
    # Services for the family (a psychologist for the parents) do not load the child.
    lines = list(version.lines.filter(recipient__isnull=True).select_related("service_type"))
    result = []
    for month in month_starts(version.start, months_between(version.start, version.end)):
        sessions = hours = Decimal(0)
        for line in lines:
            if line.start < _next_month(month) and line.end >= month:
                s, h = _session_and_hours(line)
                sessions += s
                hours += h
        result.append(WeeklyLoad(month, weekly(sessions), weekly(hours)))
    return result


def _next_month(day: dt.date) -> dt.date:
    return month_starts(day, 2)[1]


def _one_decimal(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}".replace(".", ",")


def version_warnings(version: PlanVersion) -> list[str]:
    """Warnings that do not stop the plan: a child's weekly sessions or hours over the limit."""
    if version.plan.client.target_group != TargetGroup.CHILD_FT:
        return []
    loads = weekly_load(version)
    if not loads:
        return []
    warnings = []
    max_sessions, max_hours = child_max_weekly_sessions(), child_max_weekly_hours()
    peak_sessions = max(loads, key=lambda x: x.sessions)
    peak_hours = max(loads, key=lambda x: x.hours)
    if peak_sessions.sessions > max_sessions:
        warnings.append(
            _(
                "Bērnam plānotas %(n)s nodarbības nedēļā (%(month)s), vairāk nekā ieteicamās "
                "%(max)s. Pārāk daudz pakalpojumu vienlaikus var bērnu pārslogot."
            )
            % {
                "n": _one_decimal(peak_sessions.sessions),
                "month": peak_sessions.month.strftime("%m.%Y"),
                "max": max_sessions,
            }
        )
    if peak_hours.hours > max_hours:
        warnings.append(
            _(
                "Bērnam plānotas %(n)s nodarbību stundas nedēļā (%(month)s), vairāk nekā "
                "ieteicamās %(max)s. Pārāk daudz pakalpojumu vienlaikus var bērnu pārslogot."
            )
            % {
                "n": _one_decimal(peak_hours.hours),
                "month": peak_hours.month.strftime("%m.%Y"),
                "max": max_hours,
            }
        )
    return warnings


def budget_problems(version: PlanVersion) -> list[str]:
    """Why the version's individual-budget part does not fit, one sentence per period."""
    problems = []
    for fit in version_budget_fit(version):
        if fit.fits:
            continue
        problems.append(budget_problem_text(fit))
    return problems


def budget_problem_text(fit: PeriodFit) -> str:
    if fit.period.key is None:
        return _(
            "No individuālā budžeta plānoti %(planned)s mēnešos, kuriem nav budžeta perioda. "
            "Vispirms izveidojiet budžeta periodu vai izvēlieties citu finansējuma avotu."
        ) % {"planned": format_money(fit.planned)}
    if fit.period.budget is None:
        return _(
            "Periodam %(period)s indikatīvais budžets vēl nav aprēķināts, bet no tā plānoti "
            "%(planned)s."
        ) % {"period": fit.period.label, "planned": format_money(fit.planned)}
    return _(
        "Periodā %(period)s no individuālā budžeta plānoti %(planned)s, bet indikatīvais "
        "budžets ir %(budget)s%(allowance)s — pārsniegums %(over)s. Samaziniet pakalpojumus, "
        "izvēlieties citu finansējuma avotu vai lūdziet vadītāju apstiprināt pārsniegumu."
    ) % {
        "period": fit.period.label,
        "planned": format_money(fit.planned),
        "budget": format_money(fit.period.budget),
        "allowance": (
            _(" (ar apstiprināto pārsniegumu %(amount)s)") % {"amount": format_money(fit.allowance)}
            if fit.allowance
            else ""
        ),
        "over": format_money(fit.over),
    }


# --- extension -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtensionPlan:
    start: dt.date
    from_date: dt.date
    old_end: dt.date
    new_end: dt.date
    total: Decimal  # the whole individual budget of the plan: stays the same
    used: Decimal  # planned in the months before `from_date`
    remaining: Decimal
    schedule: list[tuple[dt.date, Decimal]]

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.from_date.isoformat(),
            "previous_end": self.old_end.isoformat(),
            "total": str(self.total),
            "used": str(self.used),
            "remaining": str(self.remaining),
            "months": len(self.schedule),
            "schedule": [{"month": d.isoformat(), "amount": str(a)} for d, a in self.schedule],
        }


def plan_budget_total(version: PlanVersion) -> Decimal:
    """The plan's whole individual budget: after an extension, what the extension kept;
    otherwise the indicative budgets of the periods the version overlaps."""
    if version.extension:
        return Decimal(version.extension["total"])
    total = Decimal("0.00")
    for period in budget_periods(version.plan.client):
        if (
            period.start
            and period.end
            and period.start <= version.end
            and period.end >= version.start
        ):
            total += period.budget or Decimal("0.00")
    return total


def extension_calculate(
    version: PlanVersion, *, new_end: dt.date, from_date: dt.date
) -> ExtensionPlan:
    """The same total budget to the cent: what is left after the months before `from_date`
    is spread evenly over the months from `from_date` to the new end."""
    total = plan_budget_total(version)
    used = Decimal("0.00")
    for line in version.lines.filter(funding_source=FundingSource.INDIVIDUAL_BUDGET):
        used += sum((a for d, a in line_monthly_amounts(line) if d < from_date), Decimal("0.00"))
    remaining = round_money(total - used)
    months = months_between(from_date, new_end)
    amounts = spread_evenly(remaining, months)
    return ExtensionPlan(
        start=version.start,
        from_date=from_date,
        old_end=version.end,
        new_end=new_end,
        total=total,
        used=used,
        remaining=remaining,
        schedule=list(zip(month_starts(from_date, months), amounts, strict=True)),
    )


# --- comparing two versions ------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class ItemChange:
    kind: str  # added, removed, changed
    label: str
    changes: list[FieldChange] = field(default_factory=list)
    money_before: Decimal = Decimal("0.00")
    money_after: Decimal = Decimal("0.00")

    @property
    def difference(self) -> Decimal:
        return self.money_after - self.money_before


@dataclass(frozen=True)
class PeriodTotals:
    label: str
    before: Decimal
    after: Decimal

    @property
    def difference(self) -> Decimal:
        return self.after - self.before


@dataclass
class Comparison:
    old: PlanVersion
    new: PlanVersion
    goals: list[ItemChange]
    lines: list[ItemChange]
    periods: list[PeriodTotals]
    total_before: Decimal
    total_after: Decimal
    budget_before: Decimal
    budget_after: Decimal

    @property
    def total_difference(self) -> Decimal:
        return self.total_after - self.total_before

    @property
    def budget_difference(self) -> Decimal:
        return self.budget_after - self.budget_before


GOAL_FIELDS = ("term", "domain", "decision_domain", "text", "progress_measure")
LINE_FIELDS = (
    "service_type",
    "provider",
    "unit_price",
    "quantity",
    "start",
    "months",
    "session_minutes",
    "funding_source",
    "priority",
    "recipient",
    "total",
)


def _display(obj: Any, name: str) -> str:
    value = getattr(obj, name)
    getter = getattr(obj, f"get_{name}_display", None)
    if getter is not None and value:
        return str(getter())
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return dmy(value)
    if isinstance(value, Decimal):
        return f"{value}".replace(".", ",")
    return str(value)


def _field_changes(old: Any, new: Any, names: Sequence[str]) -> list[FieldChange]:
    changes = []
    for name in names:
        before, after = _display(old, name), _display(new, name)
        if before != after:
            label = str(type(new)._meta.get_field(name).verbose_name)
            changes.append(FieldChange(label, before, after))
    return changes


def _line_label(line: PlanLine) -> str:
    return f"{line.service_type.name_lv} — {line.provider.name}"


def version_compare(old: PlanVersion, new: PlanVersion, *, show_goals: bool = True) -> Comparison:
    """What changed from `old` to `new`: goals and lines added, removed or changed (matched by
    the key a copied item keeps), with the money of each and the budget totals per period."""
    goals: list[ItemChange] = []
    if show_goals:
        old_goals = {g.key: g for g in old.goals.all()}
        new_goals = {g.key: g for g in new.goals.all()}
        for key, goal in new_goals.items():
            if key not in old_goals:
                goals.append(ItemChange("added", goal.text))
            else:
                changes = _field_changes(old_goals[key], goal, GOAL_FIELDS)
                if changes:
                    goals.append(ItemChange("changed", goal.text, changes))
        goals += [ItemChange("removed", g.text) for k, g in old_goals.items() if k not in new_goals]
    old_lines = {line.key: line for line in version_lines(old)}
    new_lines = {line.key: line for line in version_lines(new)}
    lines: list[ItemChange] = []
    for key, line in new_lines.items():
        if key not in old_lines:
            lines.append(ItemChange("added", _line_label(line), money_after=line.total))
        else:
            previous = old_lines[key]
            changes = _field_changes(previous, line, LINE_FIELDS)
            if changes:
                lines.append(
                    ItemChange(
                        "changed",
                        _line_label(line),
                        changes,
                        money_before=previous.total,
                        money_after=line.total,
                    )
                )
    lines += [
        ItemChange("removed", _line_label(line), money_before=line.total)
        for k, line in old_lines.items()
        if k not in new_lines
    ]
    before = {f.period.label: f.planned for f in version_budget_fit(old)}
    after = {f.period.label: f.planned for f in version_budget_fit(new)}
    labels = list(dict.fromkeys([*before, *after]))
    periods = [
        PeriodTotals(label, before.get(label, Decimal("0.00")), after.get(label, Decimal("0.00")))
        for label in labels
    ]
    return Comparison(
        old=old,
        new=new,
        goals=goals,
        lines=lines,
        periods=periods,
        total_before=sum((line.total for line in old_lines.values()), Decimal("0.00")),
        total_after=sum((line.total for line in new_lines.values()), Decimal("0.00")),
        budget_before=version_budget_total(old),
        budget_after=version_budget_total(new),
    )


def goal_get(*, user: Any, pk: Any) -> Goal:
    qs = Goal.objects.select_related("version", "version__plan", "version__plan__client")
    try:
        return qs.filter(
            version__in=plan_policy.visible_versions(user, PlanVersion.objects.all())
        ).get(pk=pk)
    except (Goal.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404() from exc


def line_get(*, user: Any, pk: Any) -> PlanLine:
    qs = PlanLine.objects.select_related(
        "version", "version__plan", "version__plan__client", "service_type", "provider"
    )
    try:
        return qs.filter(
            version__in=plan_policy.visible_versions(user, PlanVersion.objects.all())
        ).get(pk=pk)
    except (PlanLine.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404() from exc


def versions_awaiting(*, user: Any) -> QuerySet[PlanVersion]:
    """Drafts to finish and agreed versions to put in force, for the start page: a social
    worker's own active cases, the head's whole municipality."""
    qs = plan_policy.visible_versions(
        user,
        PlanVersion.objects.filter(status__in=[PlanStatus.DRAFT, PlanStatus.AGREED]),
    ).select_related("plan__client")
    if role_of(user) == Role.SOCIAL_WORKER:
        qs = qs.filter(
            plan__client__assignments__social_worker=user,
            plan__client__assignments__end_date__isnull=True,
        )
    return qs.order_by("status", "updated_at", "id").distinct()
