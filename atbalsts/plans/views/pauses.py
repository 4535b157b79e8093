"""The pauses of a plan's lines: listed, added and their end moved by the social worker."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atbalsts.core.errors import DomainError
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.views import form_page, require

from .. import selectors
from ..pause_forms import PauseEndForm, PauseForm
from ..pause_models import PlanLinePause
from ..policies import plan_policy
from ..selectors.pauses import plan_pauses
from ..services.pauses import line_pause, line_pause_end


@login_required
def pauses(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    version = selectors.version_current(plan=plan)
    if version is None:  # pragma: no cover - a plan is created with its first version
        raise Http404()
    can_change = plan_policy.can(request.user, Action.CHANGE, plan)
    lines = list(selectors.version_lines(version))
    form = PauseForm(request.POST or None, lines=lines)
    if request.method == "POST":
        require(can_change)
    return form_page(
        request,
        form,
        template="plans/pauses.html",
        context={
            "title": _("Pakalpojumu pārtraukumi"),
            "plan": plan,
            "version": version,
            "pauses": plan_pauses(plan_id=plan.pk),
            "can_change": can_change,
            "end_form": PauseEndForm(),
        },
        save=lambda data: line_pause(actor=request.user, plan=plan, data=data),
        success_message=_("Pārtraukums reģistrēts."),
        success_url=lambda _obj: reverse("plans:pauses", args=[plan.pk]),
    )


@login_required
@require_POST
def pause_end(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    pause = get_object_or_404(PlanLinePause, pk=pk)
    plan = selectors.plan_get(user=request.user, pk=pause.plan_id)
    require(plan_policy.can(request.user, Action.CHANGE, plan))
    form = PauseEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Norādiet datumu formā DD.MM.GGGG."))
    else:
        try:
            line_pause_end(actor=request.user, pause=pause, end=form.cleaned_data["end"])
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Pārtraukuma beigas mainītas."))
    return redirect("plans:pauses", plan.pk)
