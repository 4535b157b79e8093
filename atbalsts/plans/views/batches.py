"""The page for all guarantee letters of a month in one PDF (plans/batches.py): choose the
month, see how many letters it has, start the job; its progress and the download are on the
jobs pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from atbalsts.core.dates import iso_month, month_field
from atbalsts.core.errors import DomainError
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.jobs.selectors import jobs_own

from .. import batches
from ..policies import plan_policy

TEMPLATE = "plans/letters_batch.html"


@login_required
@require_http_methods(["GET", "POST"])
def letters_batch(request: AuthedHttpRequest) -> HttpResponse:
    if plan_policy.letters_batch_municipality(request.user) is None:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    month = month_field(source.get("month"), default=timezone.localdate())
    context: dict[str, Any] = {"jobs": jobs_own(request.user, kind=batches.KIND)[:10]}
    if month is None:
        context |= {"error": _("Mēnesim jābūt formā GGGG-MM."), "month": ""}
        return render(request, TEMPLATE, context, status=400)
    context |= {
        "month": iso_month(month),
        "count": batches.letters_preview(user=request.user, month=month),
    }
    if request.method == "POST":
        try:
            job = batches.letters_start(actor=request.user, month=month)
        except DomainError as exc:
            context["error"] = " ".join(
                str(m) for messages in exc.field_errors.values() for m in messages
            ) or str(exc.message)
            return render(request, TEMPLATE, context, status=400)
        return redirect("jobs:detail", job.pk)
    return render(request, TEMPLATE, context)
