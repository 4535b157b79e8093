"""Pages of a plan's guarantee letters: the list, one letter, and its PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action

from .. import documents, selectors, services
from ..policies import plan_policy


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
    context["can_choose_contract"] = plan_policy.can(request.user, Action.CHANGE, letter)
    return render(request, "plans/letter_detail.html", context)


@login_required
def letter_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    letter = selectors.letter_get(user=request.user, pk=pk)
    services.letter_download_record(actor=request.user, letter=letter)
    return documents.letter_pdf_response(letter)
