"""What the plan pages share: the form page of a draft, the version a user may see, and the
confirmation pages of a removal or a state change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from atbalsts.core.errors import DomainError
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.views import form_page

from .. import selectors
from ..models import PlanVersion


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
    request: AuthedHttpRequest, context: dict[str, Any], act: Callable[[], str], done: str
) -> HttpResponse:
    """The confirmation page; on POST `act` runs and gives the page to go to, or its refusal
    is shown on the page (400)."""
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

    return _confirm(request, context, act, done)


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
