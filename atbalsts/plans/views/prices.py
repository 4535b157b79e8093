"""The head's approval of a price agreed for the person above the tariff (a draft's line)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.money import format_money
from atbalsts.core.policies import Action
from atbalsts.core.views import require

from .. import services
from ..models import PlanLine
from ..policies import plan_policy
from .pages import confirm_action, visible_version


@login_required
def line_price_approve(request: AuthedHttpRequest, pk: int, line_pk: int) -> HttpResponse:
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.DECIDE, version))
    line = get_object_or_404(PlanLine, pk=line_pk, version=version)
    question = _(
        "Apstiprināt pakalpojumam „%(service)s” norunāto cenu %(price)s (tarifā %(list)s)? "
        "Pamatojums: %(reason)s"
    ) % {
        "service": line.service_type.name_lv,
        "price": format_money(line.agreed_unit_price) if line.agreed_unit_price else "—",
        "list": format_money(line.list_price) if line.list_price is not None else "—",
        "reason": line.agreed_price_reason,
    }
    return confirm_action(
        request,
        version,
        lambda: (
            services.line_price_approve(
                actor=request.user, line=line, revision=version.revision
            ).version
        ),
        _("Apstiprināt norunāto cenu"),
        question,
        _("Apstiprināt cenu"),
        _("Norunātā cena apstiprināta."),
    )
