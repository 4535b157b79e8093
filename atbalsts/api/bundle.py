"""API for the data import bundle: POST one XLSX or .zip of CSV files, get the report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router
from ninja.files import UploadedFile

from atbalsts.bundle.errors import BundleRejected
from atbalsts.bundle.reader import MAX_BYTES
from atbalsts.bundle.services import bundle_import
from atbalsts.core.errors import ValidationFailed
from atbalsts.people.models import Municipality

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

router = Router(tags=["bundle"])


@router.post("/import", summary="Importēt datu komplektu (XLSX vai .zip ar CSV failiem)")
def import_bundle(
    request: HttpRequest,
    file: File[UploadedFile],
    municipality: Form[str] = "",
    approver: Form[str] = "",
) -> Any:
    """`municipality`: its code, for users not bound to one (the administrator).
    `approver`: the username of the accountant who approves imported invoices' payment."""
    user = cast("Actor", request.user)  # the API's auth lets only signed-in users through
    code = municipality
    if not code and user.municipality is not None:
        code = user.municipality.code
    target = Municipality.objects.filter(code=code).first()
    if target is None:
        raise ValidationFailed({"municipality": [_("Nezināma pašvaldība.")]})
    approving = None
    if approver:
        approving = get_user_model().objects.filter(username=approver, is_active=True).first()
        if approving is None:
            raise ValidationFailed({"approver": [_("Nav šāda aktīva lietotāja.")]})
    try:
        report = bundle_import(
            actor=user,
            municipality=target,
            files=[(file.name or "bundle", file.read(MAX_BYTES + 1))],
            approver=approving,
        )
    except BundleRejected as exc:
        return _rejected(exc)
    return report.as_dict()


def _rejected(exc: BundleRejected) -> HttpResponse:
    return JsonResponse(
        {
            "code": exc.code,
            "message": str(exc.message),
            "errors": exc.field_errors,
            "rows": [row.as_dict() for row in exc.rows],
        },
        status=400,
        json_dumps_params={"ensure_ascii": False},
    )
