"""Goals of a draft taken from the needs assessment: the person's dreams and goals (an adult's
own words, or a child's team's common goals) as a pick list, several added in one step."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from atbalsts.assessment.selectors import assessment_latest_completed
from atbalsts.core.errors import DomainError
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.views import require

from .. import services
from ..forms import GoalPickFormSet, GoalPicksForm
from ..models import PlanVersion
from ..policies import plan_policy
from .pages import SLOTS, draft_context, into_slot, version_body, visible_version


def goals_to_pick(version: PlanVersion) -> list[str]:
    """The latest completed assessment's dreams and goals not yet among the draft's goals."""
    assessment = assessment_latest_completed(client=version.plan.client)
    if assessment is None:
        return []
    offered = assessment.common_goals if assessment.is_child else assessment.own_goals
    taken = {text.strip().casefold() for text in version.goals.values_list("text", flat=True)}
    return [
        text.strip()
        for text in offered
        if isinstance(text, str) and text.strip() and text.strip().casefold() not in taken
    ]


def _show_row_errors(formset: Any, picks: GoalPicksForm, exc: DomainError, rows: list[int]) -> None:
    """The service names a row by its place among the ticked rows: show it on that form."""
    for key, messages_ in exc.field_errors.items():
        index, _dot, field = key.partition(".")
        if index.isdigit() and int(index) < len(rows):
            form = formset.forms[rows[int(index)]]
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
        else:
            for message in messages_:
                picks.add_error(None if key not in picks.fields else key, message)


@login_required
def goal_picks(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    require(plan_policy.can(request.user, Action.VIEW_NOTES, version))
    texts = goals_to_pick(version)
    picks = GoalPicksForm(request.POST or None, initial={"revision": version.revision})
    formset = GoalPickFormSet(
        request.POST or None,
        initial=[{"text": text} for text in texts],
        form_kwargs={"version": version},
        prefix="goals",
    )
    context: dict[str, Any] = {
        **draft_context(version, _("Mērķi no izvērtējuma")),
        "picks": picks,
        "formset": formset,
        "slot": "goal-editor",
        "other_slots": [s for s in SLOTS if s != "goal-editor"],
        "form_url": request.path,
    }
    template = "plans/_goal_picks.html" if request.htmx else "plans/goal_picks.html"
    if request.method != "POST":
        return render(request, template, context)
    if picks.is_valid() and formset.is_valid():
        rows = [i for i, form in enumerate(formset.forms) if form.cleaned_data.get("take")]
        data = [
            {
                "text": formset.forms[i].cleaned_data["text"],
                "domain": formset.forms[i].cleaned_data["domain"],
                "term": formset.forms[i].cleaned_data["term"],
            }
            for i in rows
        ]
        try:
            services.goals_add_many(
                actor=request.user,
                version=version,
                revision=picks.cleaned_data["revision"],
                rows=data,
            )
        except DomainError as exc:
            _show_row_errors(formset, picks, exc, rows)
        else:
            done = _("Mērķi pievienoti: %(n)s.") % {"n": len(rows)}
            if request.htmx:
                return version_body(request, version, saved=done, section="goal-editor")
            messages.success(request, done)
            return redirect(version.get_absolute_url())
    response = render(request, template, context, status=400)
    return into_slot(response, "goal-editor") if request.htmx else response
