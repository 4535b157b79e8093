"""The bundle import page: upload the files, then read the report."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from atbalsts.core.errors import DomainError
from atbalsts.core.forms import apply_domain_error
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.views import require

from .errors import BundleRejected
from .format import SHEETS
from .forms import BundleForm
from .models import ImportRun
from .policies import bundle_policy
from .reader import MAX_BYTES
from .services import bundle_import

TEMPLATE = "bundle/import.html"


@login_required
@require_http_methods(["GET", "POST"])
def bundle_page(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require(bundle_policy.can(user, Action.CREATE, user.municipality))
    form = BundleForm(request.POST or None, request.FILES or None, user=user)
    context: dict[str, Any] = {
        "form": form,
        "sheets": SHEETS,
        "runs": bundle_policy.visible(user, ImportRun.objects.select_related("actor"))[:10],
    }
    if request.method != "POST":
        return render(request, TEMPLATE, context)
    if not form.is_valid():
        return render(request, TEMPLATE, context, status=400)
    municipality = form.cleaned_data.get("municipality") or user.municipality
    if municipality is None:  # an administrator always chooses one in the form
        raise PermissionDenied
    files = [(f.name, f.read(MAX_BYTES + 1)) for f in form.cleaned_data["bundle"]]
    try:
        report = bundle_import(
            actor=user,
            municipality=municipality,
            files=files,
            approver=form.cleaned_data.get("approver"),
        )
    except BundleRejected as exc:
        context["import_errors"] = exc.rows
        return render(request, TEMPLATE, context, status=400)
    except DomainError as exc:
        apply_domain_error(form, exc)
        return render(request, TEMPLATE, context, status=400)
    context["report"] = report
    return render(request, TEMPLATE, context)
