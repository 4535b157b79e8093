"""Several goals of a draft in one step, e.g. those picked from the needs assessment's dreams
and goals: all are added or none, and a refused row is named by its number."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_for_client
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.policies import Action

from ..models import Goal, PlanVersion
from ..policies import plan_policy
from .drafts import bump_revision, lock_draft
from .goals import _clean_goal

MAX_GOALS_AT_ONCE = 30


@transaction.atomic
def goals_add_many(
    *,
    actor: Actor,
    version: PlanVersion,
    revision: object,
    rows: Sequence[Mapping[str, object]],
) -> list[Goal]:
    """Add each row as a goal of the draft, in order, at one revision.

    A refused row raises ValidationFailed keyed `<row index>.<field>` (0-based, so a formset
    can show it on its form), each message starting with the row's number ("2. mērķis: …");
    nothing is written then."""
    plan_policy.require(actor, Action.CHANGE, version)
    version = lock_draft(version, revision)
    if not rows:
        raise ValidationFailed({"__all__": [_("Izvēlieties vismaz vienu mērķi.")]})
    if len(rows) > MAX_GOALS_AT_ONCE:
        raise ValidationFailed(
            {
                "__all__": [
                    _("Vienā reizē var pievienot ne vairāk kā %(n)s mērķus.")
                    % {"n": MAX_GOALS_AT_ONCE}
                ]
            }
        )
    errors: dict[str, list[str]] = {}
    goals = []
    position = version.goals.count()
    for index, row in enumerate(rows):
        goal = Goal(version=version, position=position + index + 1)
        try:
            _clean_goal(version, goal, row)
        except ValidationFailed as exc:
            for field, messages in exc.errors.items():
                errors[f"{index}.{field}"] = [
                    _("%(n)s. mērķis: %(message)s") % {"n": index + 1, "message": message}
                    for message in messages
                ]
            continue
        goals.append(goal)
    if errors:
        raise ValidationFailed(errors)
    for goal in goals:
        goal.save()
        audit_for_client(
            actor,
            AuditEventType.PLAN_GOAL_ADDED,
            goal,
            version.plan.client,
            {"version": version.pk, "term": goal.term, "domain": goal.domain},
        )
    bump_revision(version)
    return goals
