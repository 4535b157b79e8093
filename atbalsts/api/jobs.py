"""API for background jobs: any job's state, and its file when it is done.

An endpoint that starts long work (a national report export, a research extract) answers 202
with `{"run": <id>}`; the client then polls `GET /api/jobs/{id}` and downloads
`GET /api/jobs/{id}/file`. Only the user who started a job sees it (404 for anybody else).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from ninja import Router, Schema

from atbalsts.core.http import AuthedHttpRequest
from atbalsts.jobs.download import job_file_response
from atbalsts.jobs.models import JobStatus
from atbalsts.jobs.outputs import output_exists
from atbalsts.jobs.selectors import job_mine

router = Router(tags=["jobs"])


class JobOut(Schema):
    run: int
    kind: str
    status: str
    phase: str
    done: int
    total: int
    message: str
    errors: list[dict[str, Any]]
    result: dict[str, Any]
    file: str | None
    file_name: str | None
    created_at: str
    finished_at: str | None


@router.get(
    "/{job_id}",
    response=JobOut,
    summary="Fona darba stāvoklis",
    description=(
        "`status`: queued, running, done vai failed; `phase` darba laikā; `done` no `total` "
        "(kopsumma 0, ja nav zināma); kad pabeigts — `result` un, ja darbs atstāja failu, "
        "`file` (adrese lejupielādei) un `file_name`; kad neizdevās — `message` un `errors`. "
        "404, ja darbu nesāka šis lietotājs."
    ),
)
def job_state(request: AuthedHttpRequest, job_id: int) -> dict[str, Any]:
    job = job_mine(request.user, job_id)
    has_file = job.status == JobStatus.DONE and output_exists(job)
    return {
        "run": job.pk,
        "kind": job.kind,
        "status": job.status,
        "phase": job.phase if job.status == JobStatus.RUNNING else "",
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "errors": job.errors,
        "result": job.result,
        "file": reverse("api:job_file", args=[job.pk]) if has_file else None,
        "file_name": job.output_name if has_file else None,
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


@router.get(
    "/{job_id}/file",
    url_name="job_file",
    summary="Fona darba rezultāta fails",
    description="Pabeigta darba fails (CSV, XLSX, PDF, JSON). 404, ja tā nav vai tas nav jūsu.",
    openapi_extra={
        "responses": {
            200: {
                "description": "Fails (pielikums).",
                "content": {
                    t: {"schema": {"type": "string", "format": "binary"}}
                    for t in (
                        "text/csv",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        "application/pdf",
                        "application/json",
                        "application/octet-stream",
                    )
                },
            }
        }
    },
)
def job_file(request: AuthedHttpRequest, job_id: int) -> FileResponse:
    return job_file_response(request.user, job_id)
