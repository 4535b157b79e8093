"""The assessment and budget section of the client page, drawn by this app so that the people
app need not know about it."""

from typing import Any

from django import template
from django.utils import timezone

from atbalsts.core.policies import Action
from atbalsts.people.models import Client

from .. import selectors
from ..policies import assessment_policy, budget_policy

register = template.Library()


@register.inclusion_tag("assessment/_client_section_body.html", takes_context=True)
def client_assessment_section(context: Any, client: Client) -> dict[str, Any]:
    user = context["request"].user
    show_assessments = assessment_policy.can(user, Action.VIEW, client)
    show_budgets = budget_policy.can(user, Action.VIEW, client)
    periods = []
    if show_budgets:
        listed = list(selectors.budget_period_list(user=user, client=client))
        current = selectors.budgets_current(periods=listed)  # one query for all the periods
        periods = [{"period": p, "budget": current.get(p.pk)} for p in listed]
    latest = selectors.assessment_latest_completed(client=client) if show_assessments else None
    return {
        "client": client,
        "show_assessments": show_assessments,
        "show_budgets": show_budgets,
        "assessments": selectors.assessment_list(user=user, client=client)
        if show_assessments
        else [],
        "due_on": selectors.reassessment_due_on(latest) if latest else None,
        "periods": periods,
        "can_assess": assessment_policy.can(user, Action.CREATE, client),
        "can_budget": budget_policy.can(user, Action.CHANGE, client),
        "request": context["request"],
        "today": timezone.localdate(),
    }
