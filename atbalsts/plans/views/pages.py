"""What the plan pages share: the form page of a draft, the version a user may see, the
confirmation pages of a removal or a state change, and the in-place editing of a draft.

In place: with htmx, the version page asks a goal's or a line's form as a fragment into an
editor slot of its section; the form posts back with htmx and, once saved, the server answers
with the version's body (`plans/_version_body.html`), which replaces the page's own. A refused
form comes back (400) into its slot. Without JavaScript the same URLs are ordinary pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import reswap, retarget

from atbalsts.core.errors import DomainError
from atbalsts.core.forms import apply_domain_error
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.views import form_page

from .. import selectors, services
from ..forms import ReviewForm
from ..models import PlanStatus, PlanVersion
from ..policies import plan_policy

# the editor slots of the version page: one per section, one open at a time
SLOTS = ("goal-editor", "line-editor")


def plan_form_page(
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


def visible_version(request: AuthedHttpRequest, pk: int) -> PlanVersion:
    return selectors.version_get(user=request.user, pk=pk)


def draft_context(version: PlanVersion, title: str) -> dict[str, Any]:
    return {
        "client": version.plan.client,
        "version": version,
        "title": title,
        "back_url": version.get_absolute_url(),
    }


def _confirm(
    request: AuthedHttpRequest,
    context: dict[str, Any],
    act: Callable[[], str],
    done: str,
    *,
    inplace: tuple[PlanVersion, str] | None = None,
) -> HttpResponse:
    """The confirmation page; on POST `act` runs and gives the page to go to, or its refusal
    is shown on the page (400). `inplace` (the version and the editor slot) answers an htmx
    request with fragments instead."""
    if inplace is not None and request.htmx:
        version, slot = inplace
        fragment = {**context, "slot": slot, "form_url": request.path, "version": version}
        if request.method == "POST":
            try:
                act()
            except DomainError as exc:
                fragment["error"] = str(exc.message)
                return into_slot(render(request, "plans/_inline_confirm.html", fragment), slot)
            return version_body(request, version, saved=done, section=slot)
        return render(request, "plans/_inline_confirm.html", fragment)
    if request.method == "POST":
        try:
            next_url = act()
        except DomainError as exc:
            context["error"] = str(exc.message)
            return render(request, "plans/confirm.html", context, status=400)
        messages.success(request, done)
        return redirect(next_url)
    return render(request, "plans/confirm.html", context)


def confirm_remove(
    request: AuthedHttpRequest,
    version: PlanVersion,
    remove: Callable[[Any], None],
    title: str,
    question: str,
    done: str,
    slot: str = "goal-editor",
) -> HttpResponse:
    """Removing a goal or a line of a draft, at the revision the page was read at."""
    context = {
        "title": title,
        "question": question,
        "cancel_url": version.get_absolute_url(),
        "revision": version.revision,
        "button": _("Jā, dzēst"),
        "danger": True,
    }

    def act() -> str:
        remove(request.POST.get("revision", ""))
        return version.get_absolute_url()

    return _confirm(request, context, act, done, inplace=(version, slot))


def confirm_action(
    request: AuthedHttpRequest,
    version: PlanVersion,
    act: Callable[[], PlanVersion],
    title: str,
    question: str,
    button: str,
    done: str,
) -> HttpResponse:
    """A state change of a version; the page of the version it gives follows."""
    context: dict[str, Any] = {
        "title": title,
        "question": question,
        "cancel_url": version.get_absolute_url(),
        "button": button,
    }
    return _confirm(request, context, lambda: act().get_absolute_url(), done)


# --- in place --------------------------------------------------------------------------------


def version_context(request: AuthedHttpRequest, version: PlanVersion) -> dict[str, Any]:
    """What the version's page shows (its body is re-rendered after an in-place change)."""
    user = request.user
    show_goals = plan_policy.can(user, Action.VIEW_NOTES, version)
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
        "slots": SLOTS,
    }
    if context["can_edit"] and show_goals:
        from .picks import goals_to_pick  # the pick list reads the assessment

        context["can_pick_goals"] = bool(goals_to_pick(version))
    if context["can_review"] and show_goals:
        context["review_form"] = ReviewForm(
            goals=list(context["goals"]), initial={"reviewed_on": timezone.localdate()}
        )
    return context


def version_body(
    request: AuthedHttpRequest, version: PlanVersion, *, saved: str = "", section: str = ""
) -> HttpResponse:
    """The version page's body as a fragment, read afresh (the revision has moved on)."""
    version = visible_version(request, version.pk)
    context = version_context(request, version)
    context |= {"saved": saved, "saved_in": section}
    return render(request, "plans/_version_body.html", context)


def into_slot(response: HttpResponse, slot: str) -> HttpResponse:
    response.status_code = 400
    return reswap(retarget(response, f"#{slot}"), "innerHTML")


def inplace_form_page(
    request: AuthedHttpRequest,
    form: forms.Form,
    context: dict[str, Any],
    save: Callable[[dict[str, Any]], Any],
    success: str,
    *,
    version: PlanVersion,
    slot: str,
) -> HttpResponse:
    """A draft's form: an ordinary page without htmx, a fragment in `slot` with it."""
    if not request.htmx:
        return plan_form_page(
            request, form, context, save, success, lambda _saved: version.get_absolute_url()
        )
    fragment = {
        **context,
        "form": form,
        "slot": slot,
        "other_slots": [s for s in SLOTS if s != slot],
        "form_url": request.path,
        "form_id": slot.replace("-editor", "-form"),
    }
    if request.method == "POST":
        if form.is_valid():
            try:
                save(dict(form.cleaned_data))
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                return version_body(request, version, saved=success, section=slot)
        return into_slot(render(request, "plans/_inline_form.html", fragment), slot)
    return render(request, "plans/_inline_form.html", fragment)
