"""API for needs assessments, budget periods, indicative budgets and overrides: the same
services, rules and policies as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from atbalsts.api.schemas import StrictSchema
from atbalsts.assessment import selectors, services
from atbalsts.assessment.models import (
    AllocationRule,
    BudgetOverride,
    BudgetPeriod,
    IndicativeBudget,
    LifeDomain,
    NeedsAssessment,
    SpecialistRole,
)
from atbalsts.assessment.policies import assessment_policy
from atbalsts.core.errors import DomainError
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.people import selectors as people_selectors

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

router = Router(tags=["assessment"])

Goal = Annotated[str, Field(max_length=500)]


class ConclusionIn(StrictSchema):
    role: SpecialistRole
    text: str = Field(max_length=10000)


class RecommendedServiceIn(StrictSchema):
    priority: int = Field(ge=1, le=99)
    service_name: str = Field(max_length=200)
    intensity: str = Field(max_length=200)
    parents_rank: int | None = Field(None, ge=1, le=99)
    service_type_id: int | None = Field(
        None, ge=1, description="catalog.ServiceType id; linked to the catalogue later"
    )


class AssessmentIn(StrictSchema):
    """Adults: own_goals, anamnesis, family_description. Children: common_goals, conclusions,
    recommended_services. Both: assessed_on and scores (0–4 per domain of the target group)."""

    assessed_on: dt.date
    scores: dict[LifeDomain, int] = Field(default_factory=dict)
    own_goals: list[Goal] | None = Field(None, max_length=30)
    anamnesis: str | None = Field(None, max_length=10000)
    family_description: str | None = Field(None, max_length=5000)
    common_goals: list[Goal] | None = Field(None, max_length=30)
    conclusions: list[ConclusionIn] | None = Field(None, max_length=6)
    recommended_services: list[RecommendedServiceIn] | None = Field(None, max_length=50)


class AssessmentPatch(StrictSchema):
    assessed_on: dt.date | None = None
    scores: dict[LifeDomain, int] | None = None
    own_goals: list[Goal] | None = Field(None, max_length=30)
    anamnesis: str | None = Field(None, max_length=10000)
    family_description: str | None = Field(None, max_length=5000)
    common_goals: list[Goal] | None = Field(None, max_length=30)
    conclusions: list[ConclusionIn] | None = Field(None, max_length=6)
    recommended_services: list[RecommendedServiceIn] | None = Field(None, max_length=50)


class ConclusionOut(Schema):
    id: int
    role: str
    text: str
    has_document: bool


class RecommendedServiceOut(Schema):
    priority: int
    service_name: str
    intensity: str
    parents_rank: int | None
    service_type_id: int | None


class AssessmentOut(Schema):
    id: int
    client_id: int
    target_group: str
    assessed_on: dt.date
    status: str
    social_worker_id: int
    completed_at: dt.datetime | None
    reassessment_due_on: dt.date | None
    scores: dict[str, int | None]
    own_goals: list[str] | None = None
    anamnesis: str | None = None
    family_description: str | None = None
    common_goals: list[str] | None = None
    conclusions: list[ConclusionOut] | None = None
    recommended_services: list[RecommendedServiceOut] | None = None


class PeriodIn(StrictSchema):
    start: dt.date
    months: int = Field(ge=1, le=36)
    end: dt.date | None = Field(None, description="optional; must equal start + months − 1 day")


class BudgetSummary(Schema):
    id: int
    monthly_amount: Decimal
    period_amount: Decimal


class PeriodOut(Schema):
    id: int
    client_id: int
    start: dt.date
    end: dt.date
    months: int
    budget: BudgetSummary | None


class DomainStepOut(Schema):
    domain: str
    intensity: int
    points: int


class BandOut(Schema):
    code: str
    min_points: int
    max_points: int | None
    monthly_amount: Decimal


class OverrideOut(Schema):
    id: int
    budget_id: int
    monthly_amount: Decimal
    reason: str
    status: str
    proposed_by_id: int
    decided_by_id: int | None
    decided_at: dt.datetime | None
    decision_note: str


class BudgetOut(Schema):
    id: int
    period_id: int
    assessment_id: int
    rule_id: int
    is_current: bool
    total_points: int
    band: BandOut
    bands: list[BandOut]
    domains: list[DomainStepOut] | None = Field(
        None, description="null for users who may not read the assessment"
    )
    computed_monthly_amount: Decimal
    computed_period_amount: Decimal
    monthly_amount: Decimal
    period_amount: Decimal
    months: int
    explanation: list[str]
    overrides: list[OverrideOut]


class OverrideIn(StrictSchema):
    monthly_amount: Decimal = Field(max_digits=14, decimal_places=2)
    reason: str = Field(max_length=2000)


class DecisionIn(StrictSchema):
    decision: Literal["approve", "reject"]
    note: str = Field("", max_length=500)


def _assessment_out(assessment: NeedsAssessment) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": assessment.pk,
        "client_id": assessment.client_id,
        "target_group": assessment.target_group,
        "assessed_on": assessment.assessed_on,
        "status": assessment.status,
        "social_worker_id": assessment.social_worker_id,
        "completed_at": assessment.completed_at,
        "reassessment_due_on": selectors.reassessment_due_on(assessment)
        if assessment.is_completed
        else None,
        "scores": {s["domain"]: s["intensity"] for s in selectors.assessment_scores(assessment)},
    }
    if assessment.is_child:
        out["common_goals"] = assessment.common_goals
        out["conclusions"] = [
            {"id": c.pk, "role": c.role, "text": c.text, "has_document": bool(c.document)}
            for c in assessment.conclusions.all()
        ]
        out["recommended_services"] = list(assessment.recommended_services.all())
    else:
        out["own_goals"] = assessment.own_goals
        out["anamnesis"] = assessment.anamnesis
        out["family_description"] = assessment.family_description
    return out


def _period_out(period: BudgetPeriod, budget: Any = ...) -> dict[str, Any]:
    if budget is ...:
        budget = selectors.budget_current(period=period)
    return {
        "id": period.pk,
        "client_id": period.client_id,
        "start": period.start,
        "end": period.end,
        "months": period.months,
        "budget": budget,
    }


def _budget_out(user: Actor, budget: IndicativeBudget) -> dict[str, Any]:
    data = budget.explanation
    text = selectors.budget_explanation(budget)
    show_steps = assessment_policy.can(user, Action.VIEW, budget.period.client)
    lines = [text["rule"], *(text["domains"] if show_steps else [])]
    lines += [text["total"], text["band"], text["monthly"], text["period"]]
    if text["override"]:
        lines.append(text["override"])
    return {
        "id": budget.pk,
        "period_id": budget.period_id,
        "assessment_id": budget.assessment_id,
        "rule_id": budget.rule_id,
        "is_current": budget.is_current,
        "total_points": budget.total_points,
        "band": data["band"],
        "bands": data["bands"],
        "domains": data["domains"] if show_steps else None,
        "computed_monthly_amount": budget.computed_monthly_amount,
        "computed_period_amount": budget.computed_period_amount,
        "monthly_amount": budget.monthly_amount,
        "period_amount": budget.period_amount,
        "months": data["months"],
        "explanation": [str(line) for line in lines],
        "overrides": list(budget.overrides.all()),
    }


# --- assessments -----------------------------------------------------------------------------


@router.get(
    "/clients/{client_id}/assessments",
    response=list[AssessmentOut],
    summary="Klienta vajadzību izvērtējumi",
)
def list_assessments(request: AuthedHttpRequest, client_id: int) -> list[dict[str, Any]]:
    client = people_selectors.client_get(user=request.user, pk=client_id)
    items = list(
        selectors.assessment_list(user=request.user, client=client)
        .select_related("client")
        .prefetch_related("scores", "conclusions", "recommended_services")
    )
    for assessment in items:
        services.assessment_view_record(actor=request.user, assessment=assessment)
    return [_assessment_out(a) for a in items]


@router.post(
    "/clients/{client_id}/assessments",
    response={201: AssessmentOut},
    summary="Sākt vajadzību izvērtējumu",
)
def create_assessment(
    request: AuthedHttpRequest, client_id: int, payload: AssessmentIn
) -> tuple[int, dict[str, Any]]:
    client = people_selectors.client_get(user=request.user, pk=client_id)
    data = payload.model_dump(exclude_unset=True, exclude_none=True, mode="python")
    assessment = services.assessment_create(actor=request.user, client=client, data=data)
    return 201, _assessment_out(assessment)


@router.get("/assessments/{assessment_id}", response=AssessmentOut, summary="Izvērtējums")
def get_assessment(request: AuthedHttpRequest, assessment_id: int) -> dict[str, Any]:
    assessment = selectors.assessment_get(user=request.user, pk=assessment_id)
    services.assessment_view_record(actor=request.user, assessment=assessment)
    return _assessment_out(assessment)


@router.patch(
    "/assessments/{assessment_id}", response=AssessmentOut, summary="Labot izvērtējuma melnrakstu"
)
def update_assessment(
    request: AuthedHttpRequest, assessment_id: int, payload: AssessmentPatch
) -> dict[str, Any]:
    assessment = selectors.assessment_get(user=request.user, pk=assessment_id)
    data = payload.model_dump(exclude_unset=True, mode="python")
    assessment = services.assessment_update(actor=request.user, assessment=assessment, data=data)
    return _assessment_out(assessment)


@router.post(
    "/assessments/{assessment_id}/complete",
    response=AssessmentOut,
    summary="Pabeigt izvērtējumu",
)
def complete_assessment(request: AuthedHttpRequest, assessment_id: int) -> dict[str, Any]:
    assessment = selectors.assessment_get(user=request.user, pk=assessment_id)
    assessment = services.assessment_complete(actor=request.user, assessment=assessment)
    return _assessment_out(assessment)


# --- budget periods and budgets --------------------------------------------------------------


@router.get(
    "/clients/{client_id}/periods", response=list[PeriodOut], summary="Klienta budžeta periodi"
)
def list_periods(request: AuthedHttpRequest, client_id: int) -> list[dict[str, Any]]:
    client = people_selectors.client_get(user=request.user, pk=client_id)
    periods = list(selectors.budget_period_list(user=request.user, client=client))
    budgets = selectors.budgets_current(periods=periods)
    return [_period_out(p, budgets.get(p.pk)) for p in periods]


@router.post(
    "/clients/{client_id}/periods", response={201: PeriodOut}, summary="Izveidot budžeta periodu"
)
def create_period(
    request: AuthedHttpRequest, client_id: int, payload: PeriodIn
) -> tuple[int, dict[str, Any]]:
    client = people_selectors.client_get(user=request.user, pk=client_id)
    period = services.budget_period_create(
        actor=request.user,
        client=client,
        start=payload.start,
        months=payload.months,
        end=payload.end,
    )
    return 201, _period_out(period)


@router.post(
    "/periods/{period_id}/budget",
    response={201: BudgetOut},
    summary="Aprēķināt indikatīvo budžetu",
)
def compute_budget(request: AuthedHttpRequest, period_id: int) -> tuple[int, dict[str, Any]]:
    period = selectors.budget_period_get(user=request.user, pk=period_id)
    budget = services.budget_compute(actor=request.user, period=period)
    return 201, _budget_out(request.user, budget)


@router.get(
    "/periods/{period_id}/budget",
    response=BudgetOut,
    summary="Spēkā esošais budžets ar aprēķina gaitu",
)
def get_period_budget(request: AuthedHttpRequest, period_id: int) -> dict[str, Any]:
    period = selectors.budget_period_get(user=request.user, pk=period_id)
    budget = selectors.budget_current(period=period)
    if budget is None:
        raise DomainError(_("Šim periodam budžets vēl nav aprēķināts."), field="period")
    return _budget_out(request.user, budget)


@router.get("/budgets/{budget_id}", response=BudgetOut, summary="Budžets ar aprēķina gaitu")
def get_budget(request: AuthedHttpRequest, budget_id: int) -> dict[str, Any]:
    return _budget_out(request.user, selectors.budget_get(user=request.user, pk=budget_id))


@router.post(
    "/budgets/{budget_id}/overrides",
    response={201: OverrideOut},
    summary="Ierosināt citu summu mēnesī",
)
def propose_override(
    request: AuthedHttpRequest, budget_id: int, payload: OverrideIn
) -> tuple[int, BudgetOverride]:
    budget = selectors.budget_get(user=request.user, pk=budget_id)
    override = services.override_propose(
        actor=request.user,
        budget=budget,
        monthly_amount=payload.monthly_amount,
        reason=payload.reason,
    )
    return 201, override


@router.post(
    "/overrides/{override_id}/decision",
    response=OverrideOut,
    summary="Apstiprināt vai noraidīt citu summu",
)
def decide_override(
    request: AuthedHttpRequest, override_id: int, payload: DecisionIn
) -> BudgetOverride:
    override = selectors.override_get(user=request.user, pk=override_id)
    return services.override_decide(
        actor=request.user,
        override=override,
        approve=payload.decision == "approve",
        note=payload.note,
    )


# --- allocation rules ------------------------------------------------------------------------


class RuleOut(Schema):
    id: int
    municipality: str | None = Field(None, description="null: the national default")
    target_group: str
    name: str
    valid_from: dt.date
    valid_to: dt.date | None
    points: dict[str, list[int]]
    bands: list[BandOut]


def _rule_out(rule: AllocationRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "municipality": rule.municipality.code if rule.municipality else None,
        "target_group": rule.target_group,
        "name": rule.name,
        "valid_from": rule.valid_from,
        "valid_to": rule.valid_to,
        "points": rule.points,
        "bands": selectors.band_steps(list(rule.bands.all())),
    }


@router.get("/rules", response=list[RuleOut], summary="Budžeta sadales noteikumi")
def list_rules(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    return [_rule_out(r) for r in selectors.rule_list(user=request.user)]


@router.get("/rules/{rule_id}", response=RuleOut, summary="Budžeta sadales noteikums")
def get_rule(request: AuthedHttpRequest, rule_id: int) -> dict[str, Any]:
    return _rule_out(selectors.rule_get(user=request.user, pk=rule_id))
