"""Writes of assessments, budget periods, budgets, overrides and allocation rules.

Each checks permission, enforces the rules of docs/domain.md ("Needs assessment" in "The
cycle", and "Budget rules") and writes its audit event in the same transaction. Assessment
content is special-category data: audit events name the fields that changed, never their
content.

- assessments: create, change, complete and record reading an assessment
- conclusions: the children's team (specialists' conclusions, recommended services)
- budgets: budget periods and the indicative budget
- overrides: proposing and deciding another monthly amount
- grants: the budget as it was granted (history: a decision by a named person, an overrun)
- rules: allocation rules
- inputs, errors: the shared field readers and the refusals
"""

from .assessments import (
    assessment_complete,
    assessment_create,
    assessment_update,
    assessment_view_record,
)
from .budgets import MAX_PERIOD_MONTHS, budget_compute, budget_period_create
from .conclusions import MAX_DOCUMENT_BYTES, validate_document
from .errors import (
    AssessmentCompleted,
    OverridePending,
    PeriodOverlap,
    RuleInUse,
    RuleOverlap,
    SelfApproval,
)
from .grants import budget_grant_record
from .inputs import MAX_MONTHLY_AMOUNT
from .overrides import override_decide, override_propose
from .rules import rule_create, rule_update

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_MONTHLY_AMOUNT",
    "MAX_PERIOD_MONTHS",
    "AssessmentCompleted",
    "OverridePending",
    "PeriodOverlap",
    "RuleInUse",
    "RuleOverlap",
    "SelfApproval",
    "assessment_complete",
    "assessment_create",
    "assessment_update",
    "assessment_view_record",
    "budget_compute",
    "budget_grant_record",
    "budget_period_create",
    "override_decide",
    "override_propose",
    "rule_create",
    "rule_update",
    "validate_document",
]
