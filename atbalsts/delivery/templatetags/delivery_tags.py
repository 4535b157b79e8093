"""The delivery section of the client page (no-shows, sessions waiting for a decision), drawn
by this app so that the people app need not know about it."""

from typing import Any

from django import template

from atbalsts.core.policies import Action
from atbalsts.people.models import Client

from .. import selectors
from ..models import SessionStatus
from ..policies import delivery_policy, may_decide_remote_quality
from ..selectors_cancellations import cancellation_list

register = template.Library()


@register.inclusion_tag("delivery/_client_section_body.html", takes_context=True)
def client_delivery_section(context: Any, client: Client) -> dict[str, Any]:
    user = context["request"].user
    show = delivery_policy.can(user, Action.VIEW, client)
    no_shows = list(selectors.no_shows_for_client(user=user, client=client)[:10]) if show else []
    counts = {"notice": 0, "no_notice": 0}
    if show:
        shows = selectors.no_shows_for_client(user=user, client=client)
        counts["notice"] = shows.filter(status=SessionStatus.NO_SHOW_NOTICE).count()
        counts["no_notice"] = shows.filter(status=SessionStatus.NO_SHOW_NO_NOTICE).count()
    return {
        "client": client,
        "show": show,
        "no_shows": no_shows,
        "counts": counts,
        "awaiting": selectors.sessions_awaiting_decision(user=user).filter(client=client).count()
        if show
        else 0,
        "request": context["request"],
        # issue 16: the remote-quality decision and the cancellations of the person
        "can_decide_remote": may_decide_remote_quality(user, client),
        "cancellations": cancellation_list(user=user, client_id=client.pk).count() if show else 0,
    }
