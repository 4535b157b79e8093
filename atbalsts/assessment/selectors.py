"""Reads of assessments, rules and budgets; the budget calculation and its explanation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from atbalsts.core.dates import dmy
from atbalsts.core.errors import DomainError
from atbalsts.core.money import format_money, round_money
from atbalsts.core.policies import Action
from atbalsts.people.models import Client, ClientStatus, Municipality, TargetGroup

from .dates import add_months
from .models import (
    AllocationBand,
    AllocationRule,
    AssessmentStatus,
    BudgetOverride,
    BudgetPeriod,
    IndicativeBudget,
    LifeDomain,
    NeedsAssessment,
    OverrideStatus,
    domains_for,
)
from .policies import assessment_policy, budget_policy, rule_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

CHILD_REVIEW_MONTHS = 6
DEFAULT_ADULT_REVIEW_MONTHS = 12
DUE_WITHIN_DAYS = 30


class NoRuleInForce(DomainError):
    code = "no_rule_in_force"


class AssessmentIncomplete(DomainError):
    code = "assessment_incomplete"


# --- assessments -----------------------------------------------------------------------------


def assessment_list(*, user: Viewer, client: Client) -> QuerySet[NeedsAssessment]:
    qs = NeedsAssessment.objects.filter(client=client).select_related("social_worker")
    return assessment_policy.visible(user, qs).order_by("-assessed_on", "-id")


def assessment_get(*, user: Viewer, pk: Any) -> NeedsAssessment:
    """The assessment if the user may read its content; Http404 otherwise."""
    qs = NeedsAssessment.objects.select_related(
        "client", "client__municipality", "social_worker", "completed_by"
    )
    return assessment_policy.get_visible(user, qs, pk=pk)


def assessment_latest_completed(*, client: Client) -> NeedsAssessment | None:
    return (
        NeedsAssessment.objects.filter(client=client, status=AssessmentStatus.COMPLETED)
        .order_by("-assessed_on", "-id")
        .first()
    )


def assessment_scores(assessment: NeedsAssessment) -> list[dict[str, Any]]:
    """Every domain of the assessment's target group with its intensity (None if not set)."""
    scored = {s.domain: s.intensity for s in assessment.scores.all()}
    return [
        {"domain": d.value, "label": d.label, "intensity": scored.get(d.value)}
        for d in domains_for(assessment.target_group)
    ]


# --- re-assessment ---------------------------------------------------------------------------


def review_months(target_group: str) -> int:
    """Children are re-assessed every 6 months; adults at the plan review."""
    if target_group == TargetGroup.CHILD_FT:
        return CHILD_REVIEW_MONTHS
    return int(getattr(settings, "ASSESSMENT_ADULT_REVIEW_MONTHS", DEFAULT_ADULT_REVIEW_MONTHS))


def reassessment_due_on(assessment: NeedsAssessment) -> dt.date:
    return add_months(assessment.assessed_on, review_months(assessment.target_group))


@dataclass(frozen=True)
class ReassessmentItem:
    client: Client
    last_assessed_on: dt.date
    due_on: dt.date
    days: int  # days until due; negative when overdue


@dataclass(frozen=True)
class Reassessments:
    due: list[ReassessmentItem]
    overdue: list[ReassessmentItem]


def reassessments_due(*, user: Viewer, today: dt.date) -> Reassessments:
    """Re-assessments due within 30 days and those already overdue, soonest first.

    A social worker sees their own active cases; the head and others their whole scope."""
    clients = Client.objects.filter(status=ClientStatus.ACTIVE)
    if assessment_policy.works_own_cases(user):
        clients = clients.filter(
            assignments__social_worker=user,
            assignments__start_date__lte=today,
            assignments__end_date__isnull=True,
        )
    assessments = assessment_policy.visible(
        user,
        NeedsAssessment.objects.filter(
            client__in=clients.values("pk"), status=AssessmentStatus.COMPLETED
        ),
    )
    # Anything assessed after this cannot be due yet under the shortest interval.
    horizon = today + dt.timedelta(days=DUE_WITHIN_DAYS)
    earliest_due_cut = add_months(horizon, -min(CHILD_REVIEW_MONTHS, review_months("")))
    # Each client's latest completed assessment (no later one, by date then id), and only
    # those old enough to be due: the database returns the due and overdue, not every one.
    later = assessment_policy.visible(
        user,
        NeedsAssessment.objects.filter(
            client_id=OuterRef("client_id"), status=AssessmentStatus.COMPLETED
        ).filter(
            Q(assessed_on__gt=OuterRef("assessed_on"))
            | Q(assessed_on=OuterRef("assessed_on"), pk__gt=OuterRef("pk"))
        ),
    )
    latest = (
        assessments.exclude(Exists(later))
        .filter(assessed_on__lte=earliest_due_cut + dt.timedelta(days=3))
        .select_related("client")
    )
    due: list[ReassessmentItem] = []
    overdue: list[ReassessmentItem] = []
    for a in latest:
        due_on = reassessment_due_on(a)
        item = ReassessmentItem(a.client, a.assessed_on, due_on, (due_on - today).days)
        if due_on < today:
            overdue.append(item)
        elif due_on <= horizon:
            due.append(item)
    due.sort(key=lambda i: (i.due_on, i.client.pk))
    overdue.sort(key=lambda i: (i.due_on, i.client.pk))
    return Reassessments(due=due, overdue=overdue)


# --- allocation rules ------------------------------------------------------------------------


def rule_list(*, user: Viewer) -> QuerySet[AllocationRule]:
    qs = AllocationRule.objects.select_related("municipality").prefetch_related("bands")
    return rule_policy.visible(user, qs)


def rule_get(*, user: Viewer, pk: Any) -> AllocationRule:
    qs = AllocationRule.objects.select_related("municipality").prefetch_related("bands")
    return rule_policy.get_visible(user, qs, pk=pk)


def rule_in_force(
    *, municipality: Municipality | int, target_group: str, day: dt.date
) -> AllocationRule | None:
    """The municipality's own rule valid on `day`, else the national default."""
    municipality_id = municipality if isinstance(municipality, int) else municipality.pk
    candidates = AllocationRule.objects.filter(
        Q(municipality_id=municipality_id) | Q(municipality__isnull=True),
        target_group=target_group,
        valid_from__lte=day,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    own = candidates.filter(municipality_id=municipality_id).order_by("-valid_from").first()
    return own or candidates.filter(municipality__isnull=True).order_by("-valid_from").first()


# --- the calculation -------------------------------------------------------------------------


@dataclass(frozen=True)
class DomainStep:
    domain: str
    intensity: int
    points: int


@dataclass(frozen=True)
class BandStep:
    code: str
    min_points: int
    max_points: int | None  # None: no upper limit
    monthly_amount: Decimal


@dataclass(frozen=True)
class Calculation:
    rule_id: int
    rule_name: str
    domains: tuple[DomainStep, ...]
    total_points: int
    band: BandStep
    bands: tuple[BandStep, ...]
    months: int
    monthly_amount: Decimal
    period_amount: Decimal

    def as_json(self) -> dict[str, Any]:
        def band(b: BandStep) -> dict[str, Any]:
            return {
                "code": b.code,
                "min_points": b.min_points,
                "max_points": b.max_points,
                "monthly_amount": str(b.monthly_amount),
            }

        return {
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
            "domains": [
                {"domain": d.domain, "intensity": d.intensity, "points": d.points}
                for d in self.domains
            ],
            "total_points": self.total_points,
            "band": band(self.band),
            "bands": [band(b) for b in self.bands],
            "months": self.months,
            "monthly_amount": str(self.monthly_amount),
            "period_amount": str(self.period_amount),
        }


def band_steps(bands: list[AllocationBand]) -> tuple[BandStep, ...]:
    ordered = sorted(bands, key=lambda b: b.min_points)
    steps = []
    for index, b in enumerate(ordered):
        upper = ordered[index + 1].min_points - 1 if index + 1 < len(ordered) else None
        steps.append(BandStep(b.code, b.min_points, upper, b.monthly_amount))
    return tuple(steps)


def budget_calculate(
    *, assessment: NeedsAssessment, rule: AllocationRule, months: int
) -> Calculation:
    """Points per domain → total → band → euros a month → × months, rounded once."""
    if assessment.status != AssessmentStatus.COMPLETED:
        raise AssessmentIncomplete(_("Budžetu aprēķina tikai no pabeigta izvērtējuma."))
    scores = {s.domain: s.intensity for s in assessment.scores.all()}
    steps = []
    for domain in domains_for(assessment.target_group):
        intensity = scores.get(domain.value)
        if intensity is None:
            raise AssessmentIncomplete(
                _("Izvērtējumā nav novērtēta joma «%(domain)s».") % {"domain": domain.label}
            )
        steps.append(DomainStep(domain.value, intensity, rule.points_for(domain.value, intensity)))
    total = sum(step.points for step in steps)
    bands = band_steps(list(rule.bands.all()))
    chosen = [b for b in bands if b.min_points <= total][-1]
    monthly = round_money(chosen.monthly_amount)
    return Calculation(
        rule_id=rule.pk,
        rule_name=rule.name,
        domains=tuple(steps),
        total_points=total,
        band=chosen,
        bands=bands,
        months=months,
        monthly_amount=monthly,
        period_amount=round_money(monthly * months),
    )


# --- budget periods and budgets --------------------------------------------------------------


def budget_period_list(*, user: Viewer, client: Client) -> QuerySet[BudgetPeriod]:
    return budget_policy.visible(user, BudgetPeriod.objects.filter(client=client)).order_by("start")


def budget_period_get(*, user: Viewer, pk: Any) -> BudgetPeriod:
    qs = BudgetPeriod.objects.select_related("client", "client__municipality")
    return budget_policy.get_visible(user, qs, pk=pk)


def budget_current(*, period: BudgetPeriod) -> IndicativeBudget | None:
    """The budget that applies to the period now (plans read this)."""
    return period.budgets.filter(is_current=True).first()


def budgets_current(*, periods: Iterable[BudgetPeriod]) -> dict[int, IndicativeBudget]:
    """`budget_current` of many periods in one query: period id → its current budget."""
    result: dict[int, IndicativeBudget] = {}
    for budget in IndicativeBudget.objects.filter(
        period_id__in=[p.pk for p in periods], is_current=True
    ).order_by("period_id", "-created_at", "-id"):
        result.setdefault(budget.period_id, budget)
    return result


def budget_get(*, user: Viewer, pk: Any) -> IndicativeBudget:
    qs = IndicativeBudget.objects.select_related(
        "period", "period__client", "period__client__municipality", "rule", "assessment"
    )
    try:
        return budget_policy.visible_budgets(user, qs).get(pk=pk)
    except (IndicativeBudget.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404() from exc


def override_get(*, user: Viewer, pk: Any) -> BudgetOverride:
    qs = BudgetOverride.objects.select_related(
        "budget", "budget__period", "budget__period__client", "proposed_by", "decided_by"
    )
    try:
        return budget_policy.visible_overrides(user, qs).get(pk=pk)
    except (BudgetOverride.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404() from exc


def overrides_pending(*, user: Viewer) -> QuerySet[BudgetOverride]:
    """Proposals waiting for the head's decision, for the start page."""
    if not budget_policy.can(user, Action.DECIDE):
        return BudgetOverride.objects.none()
    return budget_policy.visible_overrides(
        user,
        BudgetOverride.objects.filter(status=OverrideStatus.PROPOSED).select_related(
            "budget__period__client"
        ),
    )


def _money(value: Any) -> str:
    return format_money(Decimal(str(value)))


def budget_explanation(budget: IndicativeBudget) -> dict[str, Any]:
    """The calculation in plain Latvian sentences, as stored when the budget was computed."""
    data = budget.explanation
    labels = dict(LifeDomain.choices)
    domain_lines = [
        _("%(domain)s: atbalsta vajadzība %(intensity)s no 4 — par to %(points)s punkti.")
        % {
            "domain": str(labels.get(d["domain"], d["domain"])).capitalize(),
            "intensity": d["intensity"],
            "points": d["points"],
        }
        for d in data["domains"]
    ]
    band = data["band"]
    if band["max_points"] is None:
        band_reason = _(
            "Kopā %(total)s punkti. Grupa %(code)s attiecas uz %(min)s un vairāk punktiem, "
            "tāpēc piemēro grupu %(code)s."
        ) % {"total": data["total_points"], "code": band["code"], "min": band["min_points"]}
    else:
        band_reason = _(
            "Kopā %(total)s punkti. Grupa %(code)s attiecas uz %(min)s līdz %(max)s punktiem, "
            "tāpēc piemēro grupu %(code)s."
        ) % {
            "total": data["total_points"],
            "code": band["code"],
            "min": band["min_points"],
            "max": band["max_points"],
        }
    lines = {
        "rule": _("Aprēķinā izmantots noteikums «%(name)s».") % {"name": data["rule_name"]},
        "domains": domain_lines,
        "total": _("Punkti kopā: %(total)s.") % {"total": data["total_points"]},
        "band": band_reason,
        "monthly": _("Grupai %(code)s budžets ir %(amount)s mēnesī.")
        % {"code": band["code"], "amount": _money(band["monthly_amount"])},
        "period": _("%(amount)s × %(months)s mēneši = %(total)s periodā.")
        % {
            "amount": _money(data["monthly_amount"]),
            "months": data["months"],
            "total": _money(data["period_amount"]),
        },
        "bands": data["bands"],
        "override": None,
    }
    approved = (
        budget.overrides.filter(status=OverrideStatus.APPROVED).order_by("-decided_at").first()
    )
    if approved is not None and budget.is_overridden:
        lines["override"] = _(
            "Sociālā dienesta vadītājs apstiprināja citu summu: %(amount)s mēnesī "
            "(%(total)s periodā). Pamatojums: %(reason)s"
        ) % {
            "amount": _money(budget.monthly_amount),
            "total": _money(budget.period_amount),
            "reason": approved.reason,
        }
    if budget.granted_by_name:
        lines["override"] = _(
            "Piešķirtā summa %(total)s periodā pēc lēmuma %(day)s (lēma: %(name)s). %(reason)s"
        ) % {
            "total": _money(budget.period_amount),
            "name": budget.granted_by_name,
            "day": dmy(budget.granted_on),
            "reason": budget.granted_reason,
        }
    if budget.overrun_amount:
        overrun = _(
            "Apstiprināts pārsniegums %(amount)s periodā pēc lēmuma %(day)s (lēma: %(name)s). "
            "Pamatojums: %(reason)s"
        ) % {
            "amount": _money(budget.overrun_amount),
            "name": budget.overrun_by_name,
            "day": dmy(budget.overrun_on),
            "reason": budget.overrun_reason,
        }
        lines["override"] = f"{lines['override']} {overrun}" if lines["override"] else overrun
    return lines
