"""Pages that change a draft's goals and lines, and the price shown while a line is edited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from atbalsts.catalog.errors import TariffNotValidOnDate
from atbalsts.catalog.models import Provider, ServiceType
from atbalsts.catalog.selectors import price_on
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.validation import id_or_none
from atbalsts.core.views import require

from .. import services
from ..forms import GoalForm, LineForm
from ..models import Goal, PlanLine
from ..policies import plan_policy
from ..provider_notes import annotate_provider_choices
from ..spread import months_between
from .pages import confirm_remove, draft_context, inplace_form_page, visible_version


@login_required
def goal_form(request: AuthedHttpRequest, pk: int, goal_pk: int | None = None) -> HttpResponse:
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    goal = get_object_or_404(Goal, pk=goal_pk, version=version) if goal_pk else None
    initial: dict[str, Any] = {"revision": version.revision}
    if goal is not None:
        initial |= {
            name: getattr(goal, name)
            for name in ("term", "domain", "decision_domain", "text", "progress_measure")
        }
    form = GoalForm(request.POST or None, initial=initial, version=version)

    def save(data: dict[str, Any]) -> Goal:
        revision = data.pop("revision")
        if goal is None:
            return services.goal_add(
                actor=request.user, version=version, revision=revision, data=data
            )
        return services.goal_update(actor=request.user, goal=goal, revision=revision, data=data)

    return inplace_form_page(
        request,
        form,
        draft_context(version, _("Labot mērķi") if goal else _("Jauns mērķis")),
        save,
        _("Mērķis saglabāts."),
        version=version,
        slot="goal-editor",
    )


@login_required
def goal_delete(request: AuthedHttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    goal = get_object_or_404(Goal, pk=goal_pk, version=version)
    return confirm_remove(
        request,
        version,
        lambda revision: services.goal_remove(actor=request.user, goal=goal, revision=revision),
        _("Dzēst mērķi"),
        _("Vai tiešām dzēst mērķi „%(text)s”? Pakalpojumi paliks plānā bez mērķa.")
        % {"text": goal.text[:120]},
        _("Mērķis dzēsts."),
    )


@login_required
def line_form(request: AuthedHttpRequest, pk: int, line_pk: int | None = None) -> HttpResponse:
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    line = get_object_or_404(PlanLine, pk=line_pk, version=version) if line_pk else None
    initial: dict[str, Any] = {
        "revision": version.revision,
        "start": version.start,
        "months": months_between(version.start, version.end),
        "priority": version.lines.count() + 1,
    }
    if line is not None:
        initial |= {
            name: getattr(line, name)
            for name in (
                "service_type",
                "provider",
                "funding_source",
                "start",
                "months",
                "session_minutes",
                "goal",
                "priority",
                "recipient",
                "decision_domain",
                "override_reason",
                "quantity_basis",
                "agreed_price_reason",
            )
        }
        initial["quantity"] = str(line.quantity).replace(".", ",")
        if line.agreed_unit_price is not None:
            initial["agreed_unit_price"] = str(line.agreed_unit_price).replace(".", ",")
    if request.method == "GET" and (service_id := id_or_none(request.GET.get("service_type"))):
        # the page asks again when a service is chosen: the provider list is regrouped for it
        initial["service_type"] = service_id
        if provider_id := id_or_none(request.GET.get("provider")):
            initial["provider"] = provider_id  # a choice already made stays
    form = LineForm(request.POST or None, initial=initial, version=version)
    annotate_provider_choices(form, user=request.user)  # free places, complaints (issue 16)

    def save(data: dict[str, Any]) -> PlanLine:
        revision = data.pop("revision")
        if line is None:
            return services.line_add(
                actor=request.user, version=version, revision=revision, data=data
            )
        return services.line_update(actor=request.user, line=line, revision=revision, data=data)

    context = draft_context(version, _("Labot pakalpojumu") if line else _("Jauns pakalpojums"))
    context["price_url"] = reverse("plans:line_price", args=[version.pk])
    return inplace_form_page(
        request,
        form,
        context,
        save,
        _("Pakalpojums saglabāts."),
        version=version,
        slot="line-editor",
    )


@login_required
def line_price(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """An htmx fragment: the unit price on the chosen start, before the line is saved."""
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    context: dict[str, Any] = {"price": None, "message": ""}
    try:
        service_type = ServiceType.objects.get(pk=request.GET.get("service_type") or 0)
        provider = Provider.objects.filter(pk=request.GET.get("provider") or 0).first()
        start = dt.date.fromisoformat(request.GET.get("start", ""))
    except (ServiceType.DoesNotExist, ValueError, TypeError):
        return render(request, "plans/_price.html", context)
    try:
        context["price"] = price_on(
            provider=provider,
            service_type=service_type,
            day=start,
            municipality=version.plan.client.municipality,
        )
    except TariffNotValidOnDate as exc:
        context["message"] = str(exc.message)
    context["no_budget"] = not service_type.ib_fundable
    return render(request, "plans/_price.html", context)


@login_required
def line_delete(request: AuthedHttpRequest, pk: int, line_pk: int) -> HttpResponse:
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    line = get_object_or_404(PlanLine, pk=line_pk, version=version)
    return confirm_remove(
        request,
        version,
        lambda revision: services.line_remove(actor=request.user, line=line, revision=revision),
        _("Dzēst pakalpojumu"),
        _("Vai tiešām dzēst pakalpojumu „%(line)s” no plāna?") % {"line": line},
        _("Pakalpojums dzēsts."),
        slot="line-editor",
    )
