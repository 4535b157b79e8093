"""The page "Mani fona darbi": the user's own jobs, each polled by htmx while it runs, and the
download of a job's file (only by the user who started the job; 404 for anybody else)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action

from .download import job_file_response
from .kinds import kind_label, phase_label
from .ledger import ledger_rebuild_start
from .models import Job, JobStatus
from .outputs import keep_for, output_exists
from .policies import job_policy
from .selectors import job_mine, jobs_mine
from .tasks import LEDGER_REBUILD

SHOWN = 100  # the newest jobs the page lists
POLL_SECONDS = 2


@dataclass(frozen=True)
class JobRow:
    job: Job
    kind: str
    phase: str
    has_file: bool

    @property
    def percent(self) -> int:
        return round(100 * self.job.done / self.job.total) if self.job.total else 0


def job_row(job: Job) -> JobRow:
    running = job.status == JobStatus.RUNNING
    return JobRow(
        job=job,
        kind=kind_label(job.kind),
        phase=phase_label(job.phase) if running and job.phase else "",
        has_file=job.status == JobStatus.DONE and output_exists(job),
    )


def _common() -> dict[str, Any]:
    return {"poll": POLL_SECONDS, "keep_days": keep_for().days}


@login_required
@require_GET
def job_list(request: AuthedHttpRequest) -> HttpResponse:
    rows = [job_row(job) for job in jobs_mine(request.user)[:SHOWN]]
    can_rebuild = job_policy.can(request.user, Action.CREATE, LEDGER_REBUILD)
    context = {"rows": rows, "can_rebuild": can_rebuild} | _common()
    return render(request, "jobs/list.html", context)


@login_required
@require_GET
def job_detail(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """One job of the user's: the row alone for htmx (polled every 2 s until the job ends), or
    a page of its own (where a report's export sends the user). 404 for anybody else's."""
    row = job_row(job_mine(request.user, job_id))
    context: dict[str, Any] = {"row": row} | _common()
    if request.htmx:
        return render(request, "jobs/_job.html", context)
    return render(request, "jobs/detail.html", context)


@login_required
@require_GET
def job_download(request: AuthedHttpRequest, job_id: int) -> FileResponse:
    """The job's file, as an attachment, for the user who started the job only; its taking is
    recorded in the audit trail. 404 when it is anybody else's, unfinished or deleted."""
    return job_file_response(request.user, job_id)


@login_required
@require_http_methods(["GET", "POST"])
def ledger_rebuild(request: AuthedHttpRequest) -> HttpResponse:
    """The administrator's rebuild of the report roll-ups: a confirmation page (GET), then the
    job is queued (POST) and the user sent to its status."""
    if not job_policy.can(request.user, Action.CREATE, LEDGER_REBUILD):
        raise PermissionDenied
    if request.method == "POST":
        job = ledger_rebuild_start(actor=request.user)
        return redirect("jobs:detail", job.pk)
    return render(request, "jobs/ledger_rebuild.html", {"kind": kind_label(LEDGER_REBUILD)})
