"""Attendance sheets: one client's with one provider for a month (a PDF at once), and all of a
month's for the user's provider or municipality as one PDF made in the background
(delivery/batches.py; its progress and download are on the jobs pages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from atbalsts.core.dates import iso_month, month_field, month_start
from atbalsts.core.errors import DomainError
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.views import require
from atbalsts.jobs.selectors import jobs_own

from . import batches, documents
from .policies import delivery_policy
from .views import _client_for

JOBS_SHOWN = 10


@login_required
@require_GET
def attendance_sheet(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """?provider=<id>&month=GGGG-MM: the client's sheet with that provider (provider staff:
    their own, which they need not name). 404 for a provider the client has no letter with."""
    require(delivery_policy.may_print_attendance(request.user))
    client, letters = _client_for(request, pk)
    month = month_field(request.GET.get("month"), default=timezone.localdate())
    if month is None:
        return HttpResponseBadRequest(_("Mēnesim jābūt formā GGGG-MM."))
    providers = {letter.provider_id: letter.provider for letter in letters}
    wanted = request.GET.get("provider", "")
    if wanted:
        if not wanted.isdigit() or int(wanted) not in providers:
            raise Http404
        provider = providers[int(wanted)]
    elif len(providers) == 1:
        provider = next(iter(providers.values()))
    else:
        raise Http404
    sheet = documents.client_sheet(user=request.user, client=client, provider=provider, month=month)
    response = HttpResponse(documents.sheets_pdf([sheet]), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{sheet.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def attendance_batch(request: AuthedHttpRequest) -> HttpResponse:
    """Choose a month, see how many sheets it has, start the PDF; the user's recent batches."""
    scope = delivery_policy.attendance_batch_scope(request.user)
    if scope is None:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    default = month_start(timezone.localdate()) - dt.timedelta(days=1)
    month = month_field(source.get("month"), default=default)
    context: dict[str, Any] = {
        "scope": scope[0],
        "jobs": jobs_own(request.user, kind=batches.KIND)[:JOBS_SHOWN],
    }
    if month is None:
        context |= {"error": _("Mēnesim jābūt formā GGGG-MM."), "month": ""}
        return render(request, "delivery/attendance_batch.html", context, status=400)
    context |= {
        "month": iso_month(month),
        "count": batches.sheets_preview(user=request.user, month=month),
    }
    if request.method == "POST":
        try:
            job = batches.sheets_start(actor=request.user, month=month)
        except DomainError as exc:
            context["error"] = " ".join(
                str(m) for messages in exc.field_errors.values() for m in messages
            ) or str(exc.message)
            return render(request, "delivery/attendance_batch.html", context, status=400)
        return redirect("jobs:detail", job.pk)
    return render(request, "delivery/attendance_batch.html", context)
