"""Writes to support plans: drafts, goals, lines, agreement, activation, new versions,
extension, reviews and guarantee letters. Each checks permission, enforces the rules, and
audits in the same transaction. Every change of a draft passes the revision it was read at."""

from .agreement import (
    MAX_OVERRUN_ALLOWANCE,
    overrun_approve,
    version_activate,
    version_agree,
    version_close,
)
from .drafts import MAX_PLAN_MONTHS
from .goal_picks import goals_add_many
from .goals import GOAL_FIELDS, goal_add, goal_remove, goal_update
from .letters import letter_download_record, letters_issue
from .lines import (
    LINE_AUDIT_FIELDS,
    LINE_FIELDS,
    MAX_PRIORITY,
    MAX_SESSION_MINUTES,
    line_add,
    line_price_approve,
    line_remove,
    line_update,
)
from .reviews import (
    OUTCOME_FIELDS,
    REVIEWABLE,
    goal_outcome_record,
    plan_review_record,
    plan_view_record,
)
from .versions import VERSION_FIELDS, plan_create, version_extend, version_new, version_update

__all__ = [
    "GOAL_FIELDS",
    "LINE_AUDIT_FIELDS",
    "LINE_FIELDS",
    "MAX_OVERRUN_ALLOWANCE",
    "MAX_PLAN_MONTHS",
    "MAX_PRIORITY",
    "MAX_SESSION_MINUTES",
    "OUTCOME_FIELDS",
    "REVIEWABLE",
    "VERSION_FIELDS",
    "goal_add",
    "goal_outcome_record",
    "goal_remove",
    "goal_update",
    "goals_add_many",
    "letter_download_record",
    "letters_issue",
    "line_add",
    "line_price_approve",
    "line_remove",
    "line_update",
    "overrun_approve",
    "plan_create",
    "plan_review_record",
    "plan_view_record",
    "version_activate",
    "version_agree",
    "version_close",
    "version_extend",
    "version_new",
    "version_update",
]
