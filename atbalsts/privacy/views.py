"""The record of processing: a printable page and its PDF, for heads and administrators."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.pdf import render_pdf
from atbalsts.core.views import require

from .policies import privacy_policy
from .record import processing_record, purpose_models


def _context() -> dict[str, Any]:
    record = processing_record()
    return {
        "record": record,
        "purposes": [(p, purpose_models(p)) for p in record.purposes],
        "today": timezone.localdate(),
    }


@login_required
def record(request: AuthedHttpRequest) -> HttpResponse:
    require(privacy_policy.may_view_record(request.user))
    return render(request, "privacy/record.html", _context())


@login_required
def record_pdf(request: AuthedHttpRequest) -> HttpResponse:
    require(privacy_policy.may_view_record(request.user))
    pdf = render_pdf("privacy/record_pdf.html", _context())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="apstrades-registrs.pdf"'
    return response
