"""The monthly session import page: upload the file, watch the job's progress, read the result.

Posting the form stores the file and queues an import job (delivery/progress.py); the worker
runs it. With htmx the panel then polls the job until its counts or its row errors replace the
progress bar; without JavaScript the POST redirects to the job's own page. The user may leave
the page: the import goes on, and the list of the user's imports links to its result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from atbalsts.core.errors import DomainError
from atbalsts.core.forms import apply_domain_error
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.views import require
from atbalsts.jobs.selectors import job_get, jobs_own

from . import progress
from .forms import ImportForm
from .policies import delivery_policy
from .tabular import MAX_BYTES

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor, Viewer
    from atbalsts.jobs.models import Job

TEMPLATE = "delivery/import.html"
JOB_PAGE = "delivery/import_job.html"
PANEL = "delivery/_import_panel.html"
JOBS = "delivery/_import_jobs.html"
JOB = "delivery/_import_job.html"
JOBS_SHOWN = 10


def _jobs_context(user: Viewer) -> dict[str, Any]:
    """The user's own recent imports, each with its state; the list refreshes itself while one
    of them is unfinished."""
    states = [progress.job_state(job) for job in jobs_own(user, kind=progress.KIND)[:JOBS_SHOWN]]
    return {"jobs": states, "jobs_running": any(not state.finished for state in states)}


def _render(
    request: AuthedHttpRequest, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    context |= _jobs_context(request.user)
    if request.htmx:
        return render(request, PANEL, context | {"lists_oob": True}, status=status)
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def session_import(request: AuthedHttpRequest) -> HttpResponse:
    require(delivery_policy.may_import_sessions(request.user))
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    context: dict[str, Any] = {"form": form}
    if not posted:
        return _render(request, context)
    if not form.is_valid():
        return _render(request, context, status=400)
    upload = form.cleaned_data["file"]
    try:
        job = progress.import_start(
            actor=request.user, name=upload.name or "", content=upload.read(MAX_BYTES + 1)
        )
    except DomainError as exc:
        apply_domain_error(form, exc)
        return _render(request, context, status=400)
    if not request.htmx:
        return redirect("delivery:import_job", job.pk)
    context |= {"form": ImportForm(), "state": progress.job_state(job), "polling": True}
    return _render(request, context, status=202)


def _own_job(user: Actor, job_id: int) -> Job:
    require(delivery_policy.may_import_sessions(user))
    return job_get(user, job_id, kind=progress.KIND)


@login_required
@require_GET
def import_job(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """One import of the user's: progress while it runs, then its counts or its row errors.
    404 for anybody else's."""
    state = progress.job_state(_own_job(request.user, job_id))
    return render(request, JOB_PAGE, {"state": state, "polling": not state.finished})


@login_required
@require_GET
def import_status(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """The job's fragment, polled by htmx every second until the job is finished; the last
    answer carries the result and refreshes the list."""
    state = progress.job_state(_own_job(request.user, job_id))
    context: dict[str, Any] = {"state": state, "polling": True}
    if state.finished:
        context |= _jobs_context(request.user) | {"job_lists_oob": True}
    return render(request, JOB, context)


@login_required
@require_GET
def import_jobs(request: AuthedHttpRequest) -> HttpResponse:
    require(delivery_policy.may_import_sessions(request.user))
    return render(request, JOBS, _jobs_context(request.user))
