"""The bundle import page: upload the files, watch the progress, then read the report.

With htmx the form is posted in the background and the page polls the progress endpoint
while the import runs; without JavaScript it is an ordinary POST that answers with the whole
page. Either way the import runs to the end in the request, even if the user leaves the
page: its ImportRun shows on the page under the recent runs.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from atbalsts.core.errors import DomainError
from atbalsts.core.forms import apply_domain_error
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.views import require

from . import progress
from .errors import BundleRejected
from .format import SHEETS
from .forms import BundleForm
from .models import ImportRun, RunStatus
from .policies import bundle_policy
from .reader import MAX_BYTES
from .services import bundle_import

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor, Viewer

TEMPLATE = "bundle/import.html"
PANEL = "bundle/_panel.html"
RUNS = "bundle/_runs.html"
PROGRESS = "bundle/_progress.html"
RUNS_SHOWN = 10
# A run still "running" after this long was cut off (the server stopped); the list stops
# refreshing itself for it.
RUN_STALE_AFTER = dt.timedelta(hours=2)


def _require_importer(user: Actor) -> None:
    require(bundle_policy.may_import(user, user.municipality))


def _runs_context(user: Viewer) -> dict[str, Any]:
    runs = list(bundle_policy.visible(user, ImportRun.objects.select_related("actor"))[:RUNS_SHOWN])
    rows = []
    for run in runs:
        totals = {"created": 0, "updated": 0, "unchanged": 0}
        for counts in (run.counts or {}).values():
            for outcome in totals:
                totals[outcome] += int(counts.get(outcome, 0))
        rows.append({"run": run, "totals": totals, "errors": len(run.errors or [])})
    fresh = timezone.now() - RUN_STALE_AFTER
    running = any(r.status == RunStatus.RUNNING and r.started > fresh for r in runs)
    return {"runs": rows, "runs_running": running}


def _render(
    request: AuthedHttpRequest, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The whole page, or for htmx the panel (report, form, progress) with the runs list
    swapped in out of band."""
    context |= _runs_context(request.user)
    context["progress_token"] = progress.new_token(request.user)
    if request.htmx:
        return render(request, PANEL, context | {"runs_oob": True}, status=status)
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def bundle_page(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    _require_importer(user)
    posted = request.method == "POST"
    form = BundleForm(
        request.POST if posted else None, request.FILES if posted else None, user=user
    )
    context: dict[str, Any] = {"form": form, "sheets": SHEETS}
    if not posted:
        return _render(request, context)
    if not form.is_valid():
        return _render(request, context, status=400)
    municipality = form.cleaned_data.get("municipality") or user.municipality
    if municipality is None:  # an administrator always chooses one in the form
        raise PermissionDenied
    tracker = progress.Tracker(user, request.POST.get("progress_token"))
    tracker.checking()
    files = [(f.name, f.read(MAX_BYTES + 1)) for f in form.cleaned_data["bundle"]]
    try:
        report = bundle_import(
            actor=user,
            municipality=municipality,
            files=files,
            approver=form.cleaned_data.get("approver"),
            progress=tracker,
        )
    except BundleRejected as exc:
        tracker.finish(progress.REJECTED)
        context["import_errors"] = exc.rows
        return _render(request, context, status=400)
    except DomainError as exc:
        tracker.finish(progress.REJECTED)
        apply_domain_error(form, exc)
        return _render(request, context, status=400)
    except Exception:
        tracker.finish(progress.REJECTED)
        raise
    tracker.finish(progress.DONE, report.rows)
    context["report"] = report
    return _render(request, context)


@login_required
@require_GET
def import_progress(request: AuthedHttpRequest, token: str) -> HttpResponse:
    """The progress bar of the user's own import; 404 for a token that is not theirs."""
    user = request.user
    _require_importer(user)
    if not progress.is_own(user, token):
        raise Http404
    state = progress.read(user, token)
    return render(request, PROGRESS, {"state": state, "progress_token": token, "polling": True})


@login_required
@require_GET
def import_runs(request: AuthedHttpRequest) -> HttpResponse:
    """The recent runs, for the list that refreshes itself while a run is going on."""
    _require_importer(request.user)
    return render(request, RUNS, _runs_context(request.user))
