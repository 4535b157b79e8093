"""Pages for support plans, their versions, goals, lines and guarantee letters.

Thin: forms check shape, services decide, selectors read. Every form that changes a draft
carries the revision it was read at, so a stale page is refused rather than merged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from atbalsts.assessment.dates import add_months
from atbalsts.catalog.errors import TariffNotValidOnDate
from atbalsts.catalog.models import Provider, ServiceType
from atbalsts.catalog.selectors import price_on
from atbalsts.core.errors import DomainError
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.views import form_page, require
from atbalsts.people import selectors as people_selectors

from . import documents, selectors, services
from .forms import (
    AgreeForm,
    CloseForm,
    ExtendForm,
    GoalForm,
    LineForm,
    OverrunForm,
    PlanForm,
    ReviewForm,
    VersionForm,
)
from .models import Goal, PlanLine, PlanStatus, PlanVersion
from .policies import plan_policy
from .spread import month_starts, months_between


def _form_page(
    request: AuthedHttpRequest,
    form: forms.Form,
    context: dict[str, Any],
    save: Callable[[dict[str, Any]], Any],
    success: str,
    next_url: Callable[[Any], str],
) -> HttpResponse:
    return form_page(
        request,
        form,
        template="plans/form.html",
        context=context,
        save=save,
        success_message=success,
        success_url=next_url,
    )


def _version(request: AuthedHttpRequest, pk: int) -> PlanVersion:
    return selectors.version_get(user=request.user, pk=pk)


def _draft_context(version: PlanVersion, title: str) -> dict[str, Any]:
    return {
        "client": version.plan.client,
        "version": version,
        "title": title,
        "back_url": version.get_absolute_url(),
    }


# --- plans -----------------------------------------------------------------------------------


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
    return _form_page(
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
    version = _version(request, pk)
    user = request.user
    show_goals = plan_policy.can(user, Action.VIEW_NOTES, version)
    if show_goals:
        services.plan_view_record(actor=user, version=version)
    can_change = plan_policy.can(user, Action.CHANGE, version)
    draft = version.is_draft
    fits = selectors.version_budget_fit(version)
    context: dict[str, Any] = {
        "version": version,
        "plan": version.plan,
        "client": version.plan.client,
        "show_goals": show_goals,
        "goals": version.goals.all() if show_goals else [],
        "lines": selectors.version_lines(version),
        "fits": fits,
        "problems": [selectors.budget_problem_text(f) for f in fits if not f.fits],
        "warnings": selectors.version_warnings(version),
        "totals": selectors.version_totals_by_source(version),
        "budget_total": selectors.version_budget_total(version),
        "letters": version.letters.select_related("provider", "replaced_by"),
        "versions": selectors.version_list(plan=version.plan),
        "can_edit": can_change and draft,
        "can_decide": plan_policy.can(user, Action.DECIDE, version) and draft,
        "can_activate": can_change and version.status == PlanStatus.AGREED,
        "can_new_version": can_change
        and version.status in (PlanStatus.ACTIVE, PlanStatus.AGREED)
        and not version.plan.versions.filter(status=PlanStatus.DRAFT).exists(),
        "can_extend": can_change and version.status == PlanStatus.ACTIVE,
        "can_close": can_change and version.status == PlanStatus.ACTIVE,
        "can_review": can_change and version.status in services.REVIEWABLE,
        "reviews": version.plan.reviews.all() if show_goals else [],
    }
    if context["can_review"] and show_goals:
        context["review_form"] = ReviewForm(
            goals=list(context["goals"]), initial={"reviewed_on": timezone.localdate()}
        )
    return render(request, "plans/version_detail.html", context)


@login_required
def version_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
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

    return _form_page(
        request,
        form,
        _draft_context(version, _("Plāna periods un piezīmes")),
        save,
        _("Plāns saglabāts."),
        lambda v: v.get_absolute_url(),
    )


# --- goals -----------------------------------------------------------------------------------


@login_required
def goal_form(request: AuthedHttpRequest, pk: int, goal_pk: int | None = None) -> HttpResponse:
    version = _version(request, pk)
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

    return _form_page(
        request,
        form,
        _draft_context(version, _("Labot mērķi") if goal else _("Jauns mērķis")),
        save,
        _("Mērķis saglabāts."),
        lambda _saved: version.get_absolute_url(),
    )


@login_required
def goal_delete(request: AuthedHttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    version = _version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    goal = get_object_or_404(Goal, pk=goal_pk, version=version)
    return _confirm_remove(
        request,
        version,
        lambda revision: services.goal_remove(actor=request.user, goal=goal, revision=revision),
        _("Dzēst mērķi"),
        _("Vai tiešām dzēst mērķi „%(text)s”? Pakalpojumi paliks plānā bez mērķa.")
        % {"text": goal.text[:120]},
        _("Mērķis dzēsts."),
    )


def _confirm_remove(
    request: AuthedHttpRequest,
    version: PlanVersion,
    remove: Callable[[Any], None],
    title: str,
    question: str,
    done: str,
) -> HttpResponse:
    context = {
        "title": title,
        "question": question,
        "cancel_url": version.get_absolute_url(),
        "revision": version.revision,
        "button": _("Jā, dzēst"),
        "danger": True,
    }
    if request.method == "POST":
        try:
            remove(request.POST.get("revision", ""))
        except DomainError as exc:
            context["error"] = str(exc.message)
            return render(request, "plans/confirm.html", context, status=400)
        messages.success(request, done)
        return redirect(version.get_absolute_url())
    return render(request, "plans/confirm.html", context)


# --- lines -----------------------------------------------------------------------------------


@login_required
def line_form(request: AuthedHttpRequest, pk: int, line_pk: int | None = None) -> HttpResponse:
    version = _version(request, pk)
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
            )
        }
        initial["quantity"] = str(line.quantity).replace(".", ",")
    form = LineForm(request.POST or None, initial=initial, version=version)

    def save(data: dict[str, Any]) -> PlanLine:
        revision = data.pop("revision")
        if line is None:
            return services.line_add(
                actor=request.user, version=version, revision=revision, data=data
            )
        return services.line_update(actor=request.user, line=line, revision=revision, data=data)

    context = _draft_context(version, _("Labot pakalpojumu") if line else _("Jauns pakalpojums"))
    context["price_url"] = reverse("plans:line_price", args=[version.pk])
    return _form_page(
        request,
        form,
        context,
        save,
        _("Pakalpojums saglabāts."),
        lambda _saved: version.get_absolute_url(),
    )


@login_required
def line_price(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """An htmx fragment: the unit price on the chosen start, before the line is saved."""
    version = _version(request, pk)
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
    version = _version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    line = get_object_or_404(PlanLine, pk=line_pk, version=version)
    return _confirm_remove(
        request,
        version,
        lambda revision: services.line_remove(actor=request.user, line=line, revision=revision),
        _("Dzēst pakalpojumu"),
        _("Vai tiešām dzēst pakalpojumu „%(line)s” no plāna?") % {"line": line},
        _("Pakalpojums dzēsts."),
    )


# --- decisions and state changes ---------------------------------------------------------------


@login_required
def overrun_approve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    require(plan_policy.can(request.user, Action.DECIDE, version))
    form = OverrunForm(
        request.POST or None,
        initial={
            "revision": version.revision,
            "allowance": str(version.overrun_allowance).replace(".", ","),
            "reason": version.overrun_reason,
        },
    )
    context = _draft_context(version, _("Apstiprināt budžeta pārsniegumu"))
    context["intro"] = _(
        "Ar šo atļaujat individuālā budžeta daļai katrā budžeta periodā pārsniegt indikatīvo "
        "budžetu ne vairāk kā par norādīto summu. Lēmums tiek ierakstīts audita žurnālā."
    )
    return _form_page(
        request,
        form,
        context,
        lambda data: services.overrun_approve(actor=request.user, version=version, **data),
        _("Budžeta pārsniegums apstiprināts."),
        lambda v: v.get_absolute_url(),
    )


@login_required
def version_agree(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    form = AgreeForm(request.POST or None, initial={"revision": version.revision}, version=version)
    context = _draft_context(version, _("Saskaņot un parakstīt plānu"))
    context["intro"] = _(
        "Reģistrējiet, ka persona (vai tās pārstāvis) plānu izlasīja, tam piekrita un to "
        "parakstīja. Pēc tam plānu vairs nevar labot, un sniedzējiem tiek izsniegtas "
        "garantijas vēstules."
    )
    context["confirm"] = True
    return _form_page(
        request,
        form,
        context,
        lambda data: services.version_agree(actor=request.user, version=version, **data),
        _("Plāns saskaņots; garantijas vēstules izsniegtas."),
        lambda v: v.get_absolute_url(),
    )


def _confirm_action(
    request: AuthedHttpRequest,
    version: PlanVersion,
    act: Callable[[], PlanVersion],
    title: str,
    question: str,
    button: str,
    done: str,
) -> HttpResponse:
    context = {
        "title": title,
        "question": question,
        "cancel_url": version.get_absolute_url(),
        "button": button,
    }
    if request.method == "POST":
        try:
            result = act()
        except DomainError as exc:
            context["error"] = str(exc.message)
            return render(request, "plans/confirm.html", context, status=400)
        messages.success(request, done)
        return redirect(result.get_absolute_url())
    return render(request, "plans/confirm.html", context)


@login_required
def version_activate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    return _confirm_action(
        request,
        version,
        lambda: services.version_activate(actor=request.user, version=version),
        _("Ieviest plānu"),
        _("Vai ieviest šo plāna versiju? Iepriekšējā spēkā esošā versija tiks aizstāta."),
        _("Ieviest"),
        _("Plāns stājies spēkā."),
    )


@login_required
def version_new(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    return _confirm_action(
        request,
        version,
        lambda: services.version_new(actor=request.user, version=version),
        _("Jauna plāna versija"),
        _("Izveidot jaunu melnrakstu, nokopējot šīs versijas mērķus un pakalpojumus?"),
        _("Izveidot"),
        _("Jaunā versija izveidota kā melnraksts."),
    )


@login_required
def version_extend(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    today = timezone.localdate()
    starts = month_starts(version.start, months_between(version.start, version.end))[1:]
    from_date = next((d for d in starts if d >= today), starts[-1] if starts else version.start)
    form = ExtendForm(
        request.POST or None,
        initial={"end": add_months(version.end, 3), "from_date": from_date},
    )
    context = _draft_context(version, _("Pagarināt plāna periodu"))
    context["intro"] = _(
        "Plāna kopējais individuālais budžets paliek tāds pats. Budžets, kas vēl nav "
        "izmantots, tiek vienmērīgi sadalīts pa atlikušajiem mēnešiem (centu atlikums — "
        "pēdējā mēnesī). Tiek izveidota jauna plāna versija, kurā pakalpojumus var pielāgot."
    )
    return _form_page(
        request,
        form,
        context,
        lambda data: services.version_extend(actor=request.user, version=version, **data),
        _("Izveidots pagarinātā plāna melnraksts."),
        lambda v: v.get_absolute_url(),
    )


@login_required
def version_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    form = CloseForm(request.POST or None)
    context = _draft_context(version, _("Slēgt plānu"))
    context["intro"] = _("Slēgtu plānu vairs nevar ieviest no jauna. Vai tiešām slēgt?")
    context["confirm"] = True
    return _form_page(
        request,
        form,
        context,
        lambda data: services.version_close(actor=request.user, version=version, **data),
        _("Plāns slēgts."),
        lambda v: v.get_absolute_url(),
    )


@login_required
def plan_review(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Pārskatīšana: the review of the plan's version in force (or the last one that was)."""
    version = _version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    goals = list(version.goals.all()) if version.status in services.REVIEWABLE else []
    form = ReviewForm(
        request.POST or None, goals=goals, initial={"reviewed_on": timezone.localdate()}
    )
    context = _draft_context(version, _("Pārskatīšana"))
    context["intro"] = _(
        "Ierakstiet, kas pārskatīšanā noskaidrots: mērķu rezultāti un pārmaiņas personas dzīvē."
    )

    def save(_data: dict[str, Any]) -> Any:
        return services.plan_review_record(
            actor=request.user, plan=version.plan, **form.review_data()
        )

    return _form_page(
        request,
        form,
        context,
        save,
        _("Pārskatīšana saglabāta."),
        lambda _review: version.get_absolute_url(),
    )


@login_required
def version_compare(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    other_pk = request.GET.get("with") or (version.supersedes_id or "")
    other = selectors.version_get(user=request.user, pk=other_pk)
    if other.plan_id != version.plan_id:
        raise Http404()
    old, new = (other, version) if other.number < version.number else (version, other)
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


@login_required
def summary(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    require(plan_policy.can(request.user, Action.VIEW_NOTES, version))
    services.plan_view_record(actor=request.user, version=version, what="summary")
    return render(request, "plans/summary.html", documents.summary_context(version))


@login_required
def summary_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    require(plan_policy.can(request.user, Action.VIEW_NOTES, version))
    services.plan_view_record(actor=request.user, version=version, what="summary_pdf")
    response = HttpResponse(documents.summary_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plans-{version.plan_id}.pdf"'
    return response


# --- letters ---------------------------------------------------------------------------------


@login_required
def letter_list(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    return render(
        request,
        "plans/letter_list.html",
        {
            "plan": plan,
            "client": plan.client,
            "letters": selectors.letter_list(user=request.user, plan=plan),
        },
    )


@login_required
def letter_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    letter = selectors.letter_get(user=request.user, pk=pk)
    context = documents.letter_context(letter)
    context["client"] = letter.version.plan.client
    return render(request, "plans/letter_detail.html", context)


@login_required
def letter_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    letter = selectors.letter_get(user=request.user, pk=pk)
    services.letter_download_record(actor=request.user, letter=letter)
    response = HttpResponse(documents.letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.number}.pdf"'
    return response
