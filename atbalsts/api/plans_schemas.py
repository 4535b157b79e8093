"""The plans API's input and output schemas (the routes are in api/plans.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from atbalsts.api.schemas import StrictSchema
from atbalsts.assessment.models import LifeDomain
from atbalsts.plans.models import (
    DecisionDomain,
    FundingSource,
    GoalOutcome,
    GoalTerm,
    QuantityBasis,
    SignMethod,
)


class PlanIn(StrictSchema):
    start: dt.date
    end: dt.date
    notes: str = Field("", max_length=5000)


class VersionPatch(StrictSchema):
    revision: int = Field(ge=1)
    start: dt.date | None = None
    end: dt.date | None = None
    notes: str | None = Field(None, max_length=5000)


class GoalIn(StrictSchema):
    revision: int = Field(ge=1)
    term: GoalTerm
    domain: LifeDomain
    decision_domain: DecisionDomain | None = None
    text: str = Field(max_length=2000)
    progress_measure: str = Field("", max_length=2000)


class GoalPatch(StrictSchema):
    revision: int = Field(ge=1)
    term: GoalTerm | None = None
    domain: LifeDomain | None = None
    decision_domain: DecisionDomain | None = None
    text: str | None = Field(None, max_length=2000)
    progress_measure: str | None = Field(None, max_length=2000)


class LineIn(StrictSchema):
    revision: int = Field(ge=1)
    service_type_id: int = Field(ge=1)
    provider_id: int = Field(ge=1)
    quantity: Decimal = Field(max_digits=8, decimal_places=2)
    start: dt.date
    months: int | None = Field(None, ge=1, le=36)
    end: dt.date | None = Field(None, description="optional; the last day of whole months")
    session_minutes: int | None = Field(None, ge=1, le=1440)
    funding_source: FundingSource
    goal_id: int | None = Field(None, ge=1)
    priority: int | None = Field(None, ge=1, le=99)
    recipient_id: int | None = Field(None, ge=1, description="a support-circle member")
    decision_domain: DecisionDomain | None = None
    override_reason: str = Field("", max_length=500)
    quantity_basis: QuantityBasis | None = Field(None, description="month (default) or period")
    agreed_unit_price: Decimal | None = Field(
        None, max_digits=14, decimal_places=2, description="a price agreed for the person"
    )
    agreed_price_reason: str = Field("", max_length=500)


class LinePatch(StrictSchema):
    revision: int = Field(ge=1)
    service_type_id: int | None = Field(None, ge=1)
    provider_id: int | None = Field(None, ge=1)
    quantity: Decimal | None = Field(None, max_digits=8, decimal_places=2)
    start: dt.date | None = None
    months: int | None = Field(None, ge=1, le=36)
    end: dt.date | None = None
    session_minutes: int | None = Field(None, ge=1, le=1440)
    funding_source: FundingSource | None = None
    goal_id: int | None = Field(None, ge=1)
    priority: int | None = Field(None, ge=1, le=99)
    recipient_id: int | None = Field(None, ge=1)
    decision_domain: DecisionDomain | None = None
    override_reason: str | None = Field(None, max_length=500)
    quantity_basis: QuantityBasis | None = None
    agreed_unit_price: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    agreed_price_reason: str | None = Field(None, max_length=500)


class PriceApprovalIn(StrictSchema):
    revision: int = Field(ge=1)


class OverrunIn(StrictSchema):
    revision: int = Field(ge=1)
    allowance: Decimal = Field(max_digits=14, decimal_places=2)
    reason: str = Field("", max_length=1000)


class AgreeIn(StrictSchema):
    revision: int = Field(ge=1)
    signed_on: dt.date
    sign_method: SignMethod
    signed_by_representative_id: int | None = Field(None, ge=1)


class ExtendIn(StrictSchema):
    end: dt.date
    from_date: dt.date | None = None


class CloseIn(StrictSchema):
    reason: str = Field(max_length=500)


class OutcomeIn(StrictSchema):
    outcome: GoalOutcome
    reviewed_on: dt.date
    note: str = Field("", max_length=2000)


class GoalOutcomeIn(StrictSchema):
    outcome: GoalOutcome
    note: str = Field("", max_length=2000)


class ReviewIn(StrictSchema):
    reviewed_on: dt.date
    started_paid_work: bool = False
    moved_to_live_on_own: bool = False
    widened_support_circle: bool = False
    note: str = Field("", max_length=5000)
    outcomes: dict[int, GoalOutcomeIn] = Field(default_factory=dict)


class ReviewOut(Schema):
    id: int
    plan_id: int
    version_id: int
    reviewed_on: dt.date
    started_paid_work: bool
    moved_to_live_on_own: bool
    widened_support_circle: bool
    note: str


class GoalOut(Schema):
    id: int
    key: str
    term: str
    domain: str
    decision_domain: str
    text: str
    progress_measure: str
    outcome: str
    outcome_reviewed_on: dt.date | None
    outcome_note: str


class LineOut(Schema):
    id: int
    key: str
    service_type_id: int
    provider_id: int
    registration_status: str
    override_reason: str
    unit_price: Decimal | None
    price_source: str
    quantity: Decimal
    start: dt.date
    months: int
    end: dt.date
    session_minutes: int | None
    funding_source: str
    goal_id: int | None
    priority: int
    recipient_id: int | None
    decision_domain: str
    total: Decimal
    quantity_basis: str
    list_price: Decimal | None
    agreed_unit_price: Decimal | None
    agreed_price_reason: str
    price_approved_at: dt.datetime | None


class PeriodFitOut(Schema):
    label: str
    start: dt.date | None
    end: dt.date | None
    budget: Decimal | None
    allowance: Decimal
    planned: Decimal
    over: Decimal
    fits: bool


class LetterSummary(Schema):
    id: int
    number: str
    provider_id: int
    status: str
    total: Decimal


class VersionOut(Schema):
    id: int
    plan_id: int
    client_id: int
    number: int
    status: str
    revision: int
    start: dt.date
    end: dt.date
    supersedes_id: int | None
    notes: str | None = Field(None, description="null for users who may not read goals")
    signed_on: dt.date | None
    sign_method: str
    signed_by_representative_id: int | None
    overrun_allowance: Decimal
    overrun_reason: str
    extension: dict[str, Any]
    goals: list[GoalOut] | None = Field(None, description="null for users who may not read them")
    lines: list[LineOut]
    budget: list[PeriodFitOut]
    budget_total: Decimal
    problems: list[str]
    warnings: list[str]
    letters: list[LetterSummary]


class PlanOut(Schema):
    id: int
    client_id: int
    versions: list[dict[str, Any]]


class FieldChangeOut(Schema):
    label: str
    before: str
    after: str


class ChangeOut(Schema):
    kind: str
    label: str
    changes: list[FieldChangeOut]
    money_before: Decimal
    money_after: Decimal
    difference: Decimal


class PeriodTotalsOut(Schema):
    label: str
    before: Decimal
    after: Decimal
    difference: Decimal


class ComparisonOut(Schema):
    old_id: int
    new_id: int
    goals: list[ChangeOut] | None
    lines: list[ChangeOut]
    periods: list[PeriodTotalsOut]
    total_before: Decimal
    total_after: Decimal
    budget_before: Decimal
    budget_after: Decimal


class LetterOut(Schema):
    id: int
    number: str
    municipality: str
    year: int
    sequence: int
    version_id: int
    provider_id: int
    status: str
    issued_at: dt.datetime
    replaced_by_id: int | None
    period_start: dt.date
    period_end: dt.date
    lines: list[dict[str, Any]]
    client_identity: dict[str, Any]
    social_worker_contact: dict[str, Any]
    total: Decimal
    budget_total: Decimal
