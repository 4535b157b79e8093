"""The budget ledger section of the client page, drawn by this app so that the people app
need not know about it."""

from typing import Any

from django import template
from django.utils import timezone

from atbalsts.people.models import Client

from .. import selectors
from ..policies import BillingAction, billing_policy

register = template.Library()


@register.inclusion_tag("billing/_client_ledger.html", takes_context=True)
def client_budget_ledger(context: Any, client: Client) -> dict[str, Any]:
    user = context["request"].user
    if not billing_policy.can(user, BillingAction.VIEW_LEDGER, client):
        return {"show": False}
    today = timezone.localdate()
    ledger = selectors.budget_ledger(user=user, client=client, today=today)
    return {"show": True, "ledger": ledger, "warnings": ledger.warnings(), "today": today}
