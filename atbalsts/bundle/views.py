"""The bundle import page: upload the files, watch the job's progress, then read the report.

Posting the form stores the files and queues an import job (bundle/progress.py); the worker
runs it. With htmx the panel then polls the job until its report or its errors replace the
progress bar; without JavaScript the POST redirects to the job's own page. The user may leave
the page at any time: the import goes on, and the list of the user's imports links to its
report.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from atbalsts.core.errors import DomainError
from atbalsts.core.forms import apply_domain_error
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.views import require
from atbalsts.jobs.selectors import job_get, jobs_own

from . import progress
from .format import SHEETS
from .forms import BundleForm
from .models import ImportRun, RunStatus
from .policies import bundle_policy
from .reader import MAX_BYTES

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor, Viewer
    from atbalsts.jobs.models import Job

TEMPLATE = "bundle/import.html"
JOB_PAGE = "bundle/job.html"
PANEL = "bundle/_panel.html"
RUNS = "bundle/_runs.html"
JOBS = "bundle/_jobs.html"
JOB = "bundle/_job.html"
RUNS_SHOWN = 10
JOBS_SHOWN = 10
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


def _jobs_context(user: Viewer) -> dict[str, Any]:
    """The user's own recent imports, each with its state; the list refreshes itself while one
    of them is unfinished."""
    jobs = list(jobs_own(user, kind=progress.KIND)[:JOBS_SHOWN])
    states = [progress.job_state(job) for job in jobs]
    rows = [{"state": state, "totals": progress.job_totals(state.job)} for state in states]
    return {"jobs": rows, "jobs_running": any(not state.finished for state in states)}


def _lists(user: Viewer) -> dict[str, Any]:
    return _runs_context(user) | _jobs_context(user)


def _render(
    request: AuthedHttpRequest, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The whole page, or for htmx the panel (job, form) with both lists swapped in out of
    band."""
    context |= _lists(request.user)
    if request.htmx:
        return render(request, PANEL, context | {"lists_oob": True}, status=status)
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
    files = [(f.name, f.read(MAX_BYTES + 1)) for f in form.cleaned_data["bundle"]]
    try:
        job = progress.import_start(actor=user, municipality=municipality, files=files)
    except DomainError as exc:
        apply_domain_error(form, exc)
        return _render(request, context, status=400)
    if not request.htmx:
        return redirect("bundle:job", job.pk)
    form = BundleForm(user=user)  # a fresh form for the next bundle
    context |= {"form": form, "state": progress.job_state(job), "polling": True}
    return _render(request, context, status=202)


def _own_job(user: Actor, job_id: int) -> Job:
    _require_importer(user)
    return job_get(user, job_id, kind=progress.KIND)


@login_required
@require_GET
def job_page(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """One import of the user's: its progress while it runs, then its report or its errors.
    404 for anybody else's."""
    job = _own_job(request.user, job_id)
    state = progress.job_state(job)
    return render(request, JOB_PAGE, {"state": state, "polling": not state.finished})


@login_required
@require_GET
def job_status(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """The job's fragment, polled by htmx every second until the job is finished; the last
    answer carries the report (or the errors) and refreshes both lists."""
    job = _own_job(request.user, job_id)
    state = progress.job_state(job)
    context: dict[str, Any] = {"state": state, "polling": True}
    if state.finished:
        context |= _lists(request.user) | {"job_lists_oob": True}
    return render(request, JOB, context)


@login_required
@require_GET
def import_runs(request: AuthedHttpRequest) -> HttpResponse:
    """The municipality's recent runs, for the list that refreshes itself while one runs."""
    _require_importer(request.user)
    return render(request, RUNS, _runs_context(request.user))


@login_required
@require_GET
def import_jobs(request: AuthedHttpRequest) -> HttpResponse:
    """The user's own imports, for the list that refreshes itself while one is unfinished."""
    _require_importer(request.user)
    return render(request, JOBS, _jobs_context(request.user))
