"""Goals of a draft: adding, changing and removing them, each checked against the client."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.assessment.models import domains_for
from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_for_client, diff, snapshot
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    choice_field,
    int_field,
    raise_if_errors,
    refuse_unknown,
    text_field,
)

from ..models import Goal, GoalTerm, PlanVersion
from ..policies import plan_policy
from .drafts import bump_revision, lock_draft
from .inputs import decision_domain_field

GOAL_FIELDS = ("term", "domain", "decision_domain", "text", "progress_measure", "position")


def _clean_goal(version: PlanVersion, goal: Goal, data: Mapping[str, object]) -> None:
    refuse_unknown(data, GOAL_FIELDS)
    errors: dict[str, list[str]] = {}
    client = version.plan.client
    goal.term = choice_field(data.get("term", goal.term), "term", errors, GoalTerm, required=True)
    domain = data.get("domain", goal.domain)
    allowed = [d.value for d in domains_for(client.target_group)]
    if domain in (None, ""):
        add_error(errors, "domain", _("Obligāts lauks."))
    elif not isinstance(domain, str) or domain not in allowed:
        add_error(errors, "domain", _("Šī dzīves joma neattiecas uz klienta mērķa grupu."))
    else:
        goal.domain = domain
    goal.decision_domain = decision_domain_field(
        data.get("decision_domain", goal.decision_domain), client.target_group, errors
    )
    goal.text = text_field(data.get("text", goal.text), "text", errors, limit=2000, required=True)
    goal.progress_measure = text_field(
        data.get("progress_measure", goal.progress_measure),
        "progress_measure",
        errors,
        limit=2000,
    )
    position = int_field(data.get("position", goal.position), "position", errors, low=1, high=999)
    goal.position = position or goal.position or 1
    raise_if_errors(errors)


@transaction.atomic
def goal_add(
    *, actor: Actor, version: PlanVersion, revision: object, data: Mapping[str, object]
) -> Goal:
    plan_policy.require(actor, Action.CHANGE, version)
    version = lock_draft(version, revision)
    goal = Goal(version=version, position=version.goals.count() + 1)
    _clean_goal(version, goal, data)
    goal.save()
    bump_revision(version)
    audit_for_client(
        actor,
        AuditEventType.PLAN_GOAL_ADDED,
        goal,
        version.plan.client,
        {"version": version.pk, "term": goal.term, "domain": goal.domain},
    )
    return goal


@transaction.atomic
def goal_update(*, actor: Actor, goal: Goal, revision: object, data: Mapping[str, object]) -> Goal:
    plan_policy.require(actor, Action.CHANGE, goal.version)
    version = lock_draft(goal.version, revision)
    goal = Goal.objects.get(pk=goal.pk)
    goal.version = version
    before = snapshot(goal, GOAL_FIELDS)
    _clean_goal(version, goal, data)
    goal.save()
    bump_revision(version)
    audit_for_client(
        actor,
        AuditEventType.PLAN_GOAL_CHANGED,
        goal,
        version.plan.client,
        {"version": version.pk, "changes": diff(before, snapshot(goal, GOAL_FIELDS))},
    )
    return goal


@transaction.atomic
def goal_remove(*, actor: Actor, goal: Goal, revision: object) -> None:
    plan_policy.require(actor, Action.CHANGE, goal.version)
    version = lock_draft(goal.version, revision)
    audit_for_client(
        actor,
        AuditEventType.PLAN_GOAL_REMOVED,
        goal,
        version.plan.client,
        {"version": version.pk, "text": goal.text[:200]},
    )
    goal.delete()
    bump_revision(version)
