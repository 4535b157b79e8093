"""Reviews of a plan that was in force: the goals' outcomes and what changed in the person's
life; and the audit of reading a plan's goals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_for_client, diff, snapshot
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    choice_field,
    date_field,
    raise_if_errors,
    text_field,
)

from ..errors import PlanWrongStatus
from ..models import Goal, GoalOutcome, PlanReview, PlanStatus, PlanVersion, SupportPlan
from ..policies import plan_policy
from .inputs import reported

REVIEWABLE = frozenset({PlanStatus.ACTIVE, PlanStatus.SUPERSEDED, PlanStatus.CLOSED})
OUTCOME_FIELDS = ("outcome", "outcome_reviewed_on", "outcome_note")
REVIEW_FLAGS = ("started_paid_work", "moved_to_live_on_own", "widened_support_circle")


def _reviewed_on(
    value: object, errors: dict[str, list[str]], name: str = "reviewed_on"
) -> dt.date | None:
    day = date_field(value, name, errors)
    if day and day > timezone.localdate():
        add_error(errors, name, _("Pārskatīšanas datums nevar būt nākotnē."))
        return None
    return day


@transaction.atomic
def goal_outcome_record(
    *, actor: Actor, goal: Goal, outcome: object, reviewed_on: object, note: object = ""
) -> Goal:
    """The outcome of a goal as judged at review (achieved, partly, not achieved), on a version
    that was in force (active, superseded or closed); a draft has no outcomes yet."""
    goal = Goal.objects.select_related("version__plan__client").get(pk=goal.pk)
    version = goal.version
    plan_policy.require(actor, Action.CHANGE, version)
    if version.status not in REVIEWABLE:
        raise PlanWrongStatus(
            _(
                "Mērķa rezultātu var ierakstīt tikai plānam, kas ir bijis spēkā; "
                "šī versija ir «%(status)s»."
            )
            % {"status": version.get_status_display()}
        )
    errors: dict[str, list[str]] = {}
    before = snapshot(goal, OUTCOME_FIELDS)
    goal.outcome = choice_field(outcome, "outcome", errors, GoalOutcome, required=True)
    goal.outcome_reviewed_on = _reviewed_on(reviewed_on, errors)
    goal.outcome_note = text_field(note, "note", errors, limit=2000)
    raise_if_errors(errors)
    goal.outcome_recorded_by = actor
    goal.save(update_fields=[*OUTCOME_FIELDS, "outcome_recorded_by"])
    audit_for_client(
        actor,
        AuditEventType.PLAN_GOAL_OUTCOME_RECORDED,
        goal,
        version.plan.client,
        {"version": version.pk, "changes": diff(before, snapshot(goal, OUTCOME_FIELDS))},
    )
    return goal


@transaction.atomic
def plan_review_record(
    *,
    actor: Actor,
    plan: SupportPlan,
    reviewed_on: object,
    started_paid_work: object = False,
    moved_to_live_on_own: object = False,
    widened_support_circle: object = False,
    note: object = "",
    outcomes: Mapping[object, Mapping[str, object]] | None = None,
) -> PlanReview:
    """A review of the plan, of its version in force (or the last one that was), with what
    changed in the person's life; `outcomes` ({goal id: {"outcome", "note"}}) records the
    goals' outcomes on the same date in the same transaction."""
    plan_policy.require(actor, Action.CHANGE, plan)
    SupportPlan.objects.select_for_update().filter(pk=plan.pk).first()
    version = (
        plan.versions.filter(status__in=REVIEWABLE)
        .select_related("plan__client")
        .order_by("-number")
        .first()
    )
    if version is None:
        raise PlanWrongStatus(_("Pārskatīt var tikai plānu, kas ir bijis spēkā."))
    errors: dict[str, list[str]] = {}
    day = _reviewed_on(reviewed_on, errors)
    flags: dict[str, bool] = {}
    for name, value in zip(
        REVIEW_FLAGS, (started_paid_work, moved_to_live_on_own, widened_support_circle), strict=True
    ):
        if not isinstance(value, bool):
            add_error(errors, name, _("Jābūt jā vai nē."))
        flags[name] = bool(value)
    text = text_field(note, "note", errors, limit=5000)
    goals = {str(g.pk): g for g in version.goals.all()}
    for goal_id in outcomes or {}:
        if str(goal_id) not in goals:
            add_error(
                errors, "outcomes", _("Mērķis %(id)s nav šajā plāna versijā.") % {"id": goal_id}
            )
    raise_if_errors(errors)
    day = reported(day, "reviewed_on")
    review = PlanReview.objects.create(
        plan=plan, version=version, reviewed_on=day, note=text, recorded_by=actor, **flags
    )
    audit_for_client(
        actor,
        AuditEventType.PLAN_REVIEW_RECORDED,
        review,
        version.plan.client,
        {"version": version.pk, "reviewed_on": day.isoformat(), **flags},
    )
    for goal_id, values in (outcomes or {}).items():
        try:
            goal_outcome_record(
                actor=actor,
                goal=goals[str(goal_id)],
                outcome=values.get("outcome"),
                reviewed_on=day,
                note=values.get("note", ""),
            )
        except ValidationFailed as exc:
            names = {"outcome": f"goal_{goal_id}", "note": f"goal_{goal_id}_note"}
            raise ValidationFailed(
                {names.get(name, name): m for name, m in exc.errors.items()}
            ) from exc
    return review


def plan_view_record(*, actor: Actor, version: PlanVersion, what: str = "plan") -> None:
    """Reading a plan's goals (the person's own words about their life) is an audit event."""
    audit_for_client(
        actor, AuditEventType.PLAN_VIEWED, version, version.plan.client, {"what": what}
    )
