"""Handing out a job's file: one path for the page (jobs:download) and the API
(`GET /api/jobs/{id}/file`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import FileResponse, Http404

from .models import JobStatus
from .outputs import output_response
from .policies import job_policy
from .selectors import job_mine
from .services import job_output_downloaded

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor


def job_file_response(user: Actor, job_id: int) -> FileResponse:
    """The file of a finished job of `user`'s as an attachment, its taking audited; Http404
    when the job is anybody else's (the administrator's too), unfinished, or its file gone."""
    job = job_mine(user, job_id)
    if not job_policy.can_download(user, job) or job.status != JobStatus.DONE:
        raise Http404
    try:
        response = output_response(job)
    except FileNotFoundError as exc:
        raise Http404 from exc
    job_output_downloaded(actor=user, job=job)
    return response
