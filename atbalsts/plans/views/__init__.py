"""Pages for support plans, their versions, goals, lines and guarantee letters.

Thin: forms check shape, services decide, selectors read. Every form that changes a draft
carries the revision it was read at, so a stale page is refused rather than merged."""

from .decisions import (
    overrun_approve,
    plan_review,
    version_activate,
    version_agree,
    version_close,
    version_extend,
    version_new,
)
from .drafts import goal_delete, goal_form, line_delete, line_form, line_price
from .letters import letter_detail, letter_list, letter_pdf
from .plans import (
    plan_create,
    plan_detail,
    plan_list,
    plan_pdf,
    summary,
    summary_pdf,
    version_compare,
    version_detail,
    version_edit,
)
from .prices import line_price_approve

__all__ = [
    "goal_delete",
    "goal_form",
    "letter_detail",
    "letter_list",
    "letter_pdf",
    "line_delete",
    "line_form",
    "line_price",
    "line_price_approve",
    "overrun_approve",
    "plan_create",
    "plan_detail",
    "plan_list",
    "plan_pdf",
    "plan_review",
    "summary",
    "summary_pdf",
    "version_activate",
    "version_agree",
    "version_close",
    "version_compare",
    "version_detail",
    "version_edit",
    "version_extend",
    "version_new",
]
