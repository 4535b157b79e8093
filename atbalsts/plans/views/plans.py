"""Pages of a client's plans and of a version: the list, a new plan, a version with its
budget fit, its period, the comparison with another version and the easy-to-read summary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from atbalsts.assessment.dates import add_months
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.views import require
from atbalsts.people import selectors as people_selectors

from .. import documents, selectors, services
from ..forms import PlanForm, VersionForm
from ..models import PlanVersion
from ..policies import plan_policy
from .pages import draft_context, plan_form_page, version_body, version_context, visible_version


@login_required
def plan_list(request: AuthedHttpRequest, client_pk: int) -> HttpResponse:
    client = people_selectors.client_get(user=request.user, pk=client_pk)
    require(plan_policy.can(request.user, Action.VIEW, client))
    plans = [
        {"plan": plan, "versions": list(selectors.version_list(plan=plan))}
        for plan in selectors.plan_list(user=request.user, client=client)
    ]
    return render(
        request,
        "plans/plan_list.html",
        {
            "client": client,
            "plans": plans,
            "can_create": plan_policy.can(request.user, Action.CREATE, client),
        },
    )


@login_required
def plan_create(request: AuthedHttpRequest, client_pk: int) -> HttpResponse:
    client = people_selectors.client_get(user=request.user, pk=client_pk)
    require(plan_policy.can(request.user, Action.CREATE, client))
    start = client.start_date
    form = PlanForm(
        request.POST or None,
        initial={"start": start, "end": add_months(start, 12) - dt.timedelta(days=1)},
    )
    return plan_form_page(
        request,
        form,
        {
            "client": client,
            "title": _("Jauns atbalsta plāns"),
            "back_url": client.get_absolute_url(),
        },
        lambda data: services.plan_create(actor=request.user, client=client, **data),
        _("Plāna melnraksts izveidots. Pievienojiet mērķus un pakalpojumus."),
        lambda version: version.get_absolute_url(),
    )


@login_required
def plan_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    version = selectors.version_current(plan=plan)
    if version is None:  # pragma: no cover - a plan is created with its first version
        raise Http404()
    return redirect(version.get_absolute_url())


# --- a version -------------------------------------------------------------------------------


@login_required
def version_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The version's page; htmx asks for its body alone (the "cancel" of an in-place form)."""
    version = visible_version(request, pk)
    if request.htmx:
        return version_body(request, version)
    if plan_policy.can(request.user, Action.VIEW_NOTES, version):
        services.plan_view_record(actor=request.user, version=version)
    return render(request, "plans/version_detail.html", version_context(request, version))


@login_required
def version_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    form = VersionForm(
        request.POST or None,
        initial={
            "start": version.start,
            "end": version.end,
            "notes": version.notes,
            "revision": version.revision,
        },
    )

    def save(data: dict[str, Any]) -> PlanVersion:
        revision = data.pop("revision")
        return services.version_update(
            actor=request.user, version=version, revision=revision, data=data
        )

    return plan_form_page(
        request,
        form,
        draft_context(version, _("Plāna periods un piezīmes")),
        save,
        _("Plāns saglabāts."),
        lambda v: v.get_absolute_url(),
    )


@login_required
def version_compare(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = visible_version(request, pk)
    old, new = selectors.versions_compared(
        user=request.user,
        version=version,
        other_pk=request.GET.get("with") or (version.supersedes_id or ""),
    )
    show_goals = plan_policy.can(request.user, Action.VIEW_NOTES, version)
    return render(
        request,
        "plans/compare.html",
        {
            "client": version.plan.client,
            "version": version,
            "comparison": selectors.version_compare(old, new, show_goals=show_goals),
            "show_goals": show_goals,
        },
    )


# --- the easy-to-read summary ----------------------------------------------------------------


def _spent_from_budget(version: PlanVersion) -> Decimal:
    """What the individual budget has actually paid (invoices approved for payment) in the
    budget periods the plan overlaps. Only billing knows it: its selector is read here, where
    the page is put together, as the client's card puts billing's ledger beside people's data
    (imported late: billing itself imports plans)."""
    from atbalsts.billing.selectors import budget_spent_by_period, client_periods

    client_id = version.plan.client_id
    periods = [
        p for p in client_periods(client_id) if p.start <= version.end and p.end >= version.start
    ]
    spent = budget_spent_by_period(client_id, periods)
    return sum((spent.get(p.pk, Decimal("0.00")) for p in periods), Decimal("0.00"))


@login_required
def summary(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.VIEW_NOTES, version))
    services.plan_view_record(actor=request.user, version=version, what="summary")
    context = documents.summary_context(version, spent=_spent_from_budget(version))
    return render(request, "plans/summary.html", context)


@login_required
def summary_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.VIEW_NOTES, version))
    services.plan_view_record(actor=request.user, version=version, what="summary_pdf")
    data = documents.summary_pdf(version, spent=_spent_from_budget(version))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plans-{version.plan_id}.pdf"'
    return response


@login_required
def plan_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The whole plan on A4 to sign: the person or the representative, and the social worker."""
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.VIEW_NOTES, version))
    services.plan_view_record(actor=request.user, version=version, what="plan_pdf")
    response = HttpResponse(documents.plan_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="atbalsta-plans-{version.plan_id}-{version.number}.pdf"'
    )
    return response
