"""API for the data import bundle: POST one XLSX or .zip of CSV files and get the run's id at
once (202); the worker imports it; GET the run for its progress, then its report or errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from atbalsts.bundle import progress
from atbalsts.bundle.errors import error_groups
from atbalsts.bundle.reader import MAX_BYTES
from atbalsts.core.errors import ValidationFailed
from atbalsts.jobs.selectors import job_get
from atbalsts.people.models import Municipality

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

router = Router(tags=["bundle"])


class RunStarted(Schema):
    run: int


@router.post(
    "/import",
    response={202: RunStarted},
    summary="Importēt datu komplektu (XLSX vai .zip ar CSV failiem)",
)
def import_bundle(
    request: HttpRequest,
    file: File[UploadedFile],
    municipality: Form[str] = "",
) -> Any:
    """`municipality`: its code, for users not bound to one (the administrator). Invoices'
    historic approvals are columns of the bundle (`approved_by`, `approved_on`): the import
    never approves anything in another user's name."""
    user = cast("Actor", request.user)  # the API's auth lets only signed-in users through
    code = municipality
    if not code and user.municipality is not None:
        code = user.municipality.code
    target = Municipality.objects.filter(code=code).first()
    if target is None:
        raise ValidationFailed({"municipality": [_("Nezināma pašvaldība.")]})
    job = progress.import_start(
        actor=user,
        municipality=target,
        files=[(file.name or "bundle", file.read(MAX_BYTES + 1))],
    )
    return 202, {"run": job.pk}


@router.get("/runs/{run_id}", summary="Importa gaita un rezultāts: atskaite vai kļūdas")
def import_run(request: HttpRequest, run_id: int) -> Any:
    """`status`: queued, running, done or failed; `phase` while it runs (checking, writing);
    `done` of `total` rows saved; when done the `report` (counts by sheet), when failed the
    `message` and, for a rejected bundle, every row error in `rows` (a row that only followed
    from another error is not listed: it is counted in that error's `knock_on`, by sheet) and
    the same errors grouped by cause in `groups` (each: `sheet`, `column`, the first error's
    `message`, `count`, the first `rows`, `knock_on` by sheet and `knock_on_count`). 404 for
    another user's run."""
    user = cast("Actor", request.user)
    job = job_get(user, run_id, kind=progress.KIND)
    state = progress.job_state(job)
    return JsonResponse(
        {
            "run": job.pk,
            "status": job.status,
            "phase": state.phase if job.status == "running" else "",
            "done": state.done,
            "total": state.total,
            "report": state.report,
            "message": job.message,
            "rows": job.errors,
            "groups": error_groups(job.errors or []),
        },
        json_dumps_params={"ensure_ascii": False},
    )
