"""The support-plan section of the client page, drawn by this app so that the people app need
not know about it."""

from typing import Any

from django import template

from atbalsts.core.policies import Action
from atbalsts.people.models import Client

from .. import selectors
from ..policies import plan_policy

register = template.Library()


@register.inclusion_tag("plans/_client_section_body.html", takes_context=True)
def client_plans_section(context: Any, client: Client) -> dict[str, Any]:
    user = context["request"].user
    show = plan_policy.can(user, Action.VIEW, client)
    rows = []
    if show:
        for plan in selectors.plan_list(user=user, client=client):
            version = selectors.version_current(plan=plan)
            if version is not None:
                rows.append({"plan": plan, "version": version})
    return {
        "client": client,
        "show": show,
        "rows": rows,
        "can_create": plan_policy.can(user, Action.CREATE, client),
        "request": context["request"],
    }
