"""The API instance: authentication, and one mapping of errors to JSON responses."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from atbalsts.core.errors import DomainError, NotPermitted

from .assessment import router as assessment_router
from .auth import auth
from .billing import router as billing_router
from .bundle import router as bundle_router
from .catalog import router as catalog_router
from .credit_notes import router as credit_notes_router
from .delivery import router as delivery_router
from .edges import catalog_router as edges_catalog_router
from .edges import delivery_router as edges_delivery_router
from .edges import plans_router as edges_plans_router
from .jobs import router as jobs_router
from .openapi import DocumentedAPI
from .people import router as people_router
from .plans import router as plans_router
from .reporting import router as reporting_router

api = DocumentedAPI(
    title="Atbalsts API",
    version="1",
    description=(
        "Individuālā budžeta modeļa API pašvaldību grāmatvedībai, pakalpojumu sniedzējiem un "
        "ministrijai. Autentifikācija: `Authorization: Bearer <atslēga>` vai pārlūka sesija. "
        "Kļūdas: `{code, message, errors: {lauks: [ziņojumi]}}`."
    ),
    auth=auth,
    urls_namespace="api",
)


def _error(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "errors": errors or {}}, status=status
    )


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = 403 if isinstance(exc, NotPermitted) else 400
    return _error(request, status, exc.code, str(exc.message), exc.field_errors)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        location = [
            str(part)
            for part in item.get("loc", ())
            if part not in ("body", "payload", "query", "path")
        ]
        field = ".".join(location) or "__all__"
        errors.setdefault(field, []).append(_translate_pydantic(item))
    return _error(request, 400, "validation_failed", _("Dati nav derīgi."), errors)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError) or exc.status_code == 401:
        return _error(request, 401, "not_authenticated", _("Nepieciešama autentifikācija."))
    if exc.status_code == 400:
        return _error(request, 400, "malformed_request", _("Pieprasījuma saturs nav derīgs JSON."))
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Nav atrasts."))


def _translate_pydantic(item: dict[str, Any]) -> str:
    kind = item.get("type", "")
    ctx = item.get("ctx") or {}
    if kind == "missing":
        return _("Obligāts lauks.")
    if kind == "string_too_long":
        return _("Ne vairāk kā %(n)s zīmes.") % {"n": ctx.get("max_length")}
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Datumam jābūt formā GGGG-MM-DD.")
    if kind in ("int_parsing", "int_type"):
        return _("Jābūt veselam skaitlim.")
    if kind == "number_out_of_range":
        return _("Skaitlis ir pārāk liels.")
    if kind in ("decimal_parsing", "float_parsing"):
        return _("Jābūt skaitlim.")
    if kind == "enum" or kind == "literal_error":
        return _("Nederīga vērtība; atļautās: %(values)s.") % {"values": ctx.get("expected", "")}
    if kind == "extra_forbidden":
        return _("Nezināms lauks.")
    if kind == "model_attributes_type" or kind == "dict_type":
        return _("Jābūt JSON objektam.")
    return _("Nederīga vērtība.")


api.add_router("/people/", people_router)
api.add_router("/assessment/", assessment_router)
api.add_router("/catalog/", catalog_router)
api.add_router("/reporting/", reporting_router)
api.add_router("/billing/", billing_router)
api.add_router("/billing/", credit_notes_router)
api.add_router("/plans/", plans_router)
api.add_router("/delivery/", delivery_router)
api.add_router("/bundle/", bundle_router)
api.add_router("/jobs/", jobs_router)
api.add_router("/delivery/", edges_delivery_router)
api.add_router("/plans/", edges_plans_router)
api.add_router("/catalog/", edges_catalog_router)
