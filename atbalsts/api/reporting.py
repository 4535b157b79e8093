"""API for reports: the pilot report and the caseload, the same figures as the pages.

Parameters are checked by the same forms as the pages, so a bad date, a period that ends
before it starts or an unknown municipality is a 400 with field errors.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict, StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema

from atbalsts.core.errors import ValidationFailed
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.reporting import background, exports, selectors
from atbalsts.reporting.forms import (
    CaseloadForm,
    PilotReportForm,
    ResearchExtractForm,
    field_errors,
)
from atbalsts.reporting.policies import report_policy

router = Router(tags=["reporting"])


class MunicipalityOut(Schema):
    code: str
    name: str


class SourceOut(Schema):
    funding_source: str
    label: str
    amount: str


# A count of persons is null where the reporting policy hides it (1–2 persons, for the
# ministry analyst: reporting.policies, `small_counts_hidden` true).


class ServiceOut(Schema):
    service_type: str
    service: str
    persons: int | None
    spent: str


class MonthOut(Schema):
    month: str
    amount: str


class DomainOutcomesOut(Schema):
    domain: str
    label: str
    achieved: int | None
    partly_achieved: int | None
    not_achieved: int | None


class OutcomesOut(Schema):
    goals_by_domain: list[DomainOutcomesOut]
    reviewed_clients: int | None
    started_paid_work: int | None
    moved_to_live_on_own: int | None
    widened_support_circle: int | None


class BandNeedOut(Schema):
    target_group: str
    band: str | None
    band_monthly_amount: str | None
    clients: int | None
    average_monthly_spent: str | None
    max_monthly_spent: str | None


class PilotReportOut(Schema):
    report: str
    national: bool
    municipalities: list[MunicipalityOut]
    target_group: str | None
    date_from: str
    date_to: str
    total_spent: str
    by_funding_source: list[SourceOut]
    clients: int | None
    client_months: int | None
    average_per_person_month: str | None
    average_months: str | None
    services: list[ServiceOut]
    monthly: list[MonthOut]
    outcomes: OutcomesOut | None
    budget_needed: list[BandNeedOut] | None
    small_counts_hidden: bool


class WorkerLoadOut(Schema):
    municipality: str
    social_worker_id: int | None
    social_worker: str
    active_cases: int
    reassessments_due: int
    reassessments_overdue: int
    plans_expiring: int


class CaseloadOut(Schema):
    date: str
    plans_expiring_until: str
    rows: list[WorkerLoadOut]
    totals: list[WorkerLoadOut]


def _query(request: HttpRequest, names: tuple[str, ...]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name in names:
        for value in request.GET.getlist(name):
            data.appendlist(name, value)
    return data


@router.get(
    "/pilot",
    response=PilotReportOut,
    summary="Pilotprojekta pārskats",
    description=(
        "Parametri: `municipality` (pašvaldības kods, var atkārtot; `all` vai nekas — visas "
        "redzamās), `group` (`child_ft`/`child`, `adult_grt`/`adult`), `date_from`, "
        "`date_to` (GGGG-MM-DD)."
    ),
)
def pilot_report(
    request: AuthedHttpRequest,
    municipality: list[str] = Query(None),  # noqa: B008
    group: str = "",
    date_from: str = "",
    date_to: str = "",
) -> dict[str, Any]:
    report_policy.require(request.user, Action.VIEW)
    form = PilotReportForm(_query(request, ("municipality", "group", "date_from", "date_to")))
    if not form.is_valid():
        raise ValidationFailed(field_errors(form))
    report = selectors.pilot_report_evaluated(user=request.user, **form.report_params())
    return exports.report_json(report)


class RunOut(Schema):
    run: int


BINARY = {"schema": {"type": "string", "format": "binary"}}
FILE_TYPES = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
EXPORT_FILE = {
    "responses": {
        200: {
            "description": "Fails (pašvaldības lietotājam).",
            "content": dict.fromkeys((*FILE_TYPES, "application/pdf", "application/json"), BINARY),
        }
    }
}
EXTRACT_FILE = {
    "responses": {
        200: {"description": "CSV (pašvaldības lietotājam).", "content": {"text/csv": BINARY}}
    }
}
QUEUED = (
    ' Valsts līmeņa lietotājam darbs notiek fonā: atbilde ir 202 ar `{"run": id}`; gaitu '
    "rāda `GET /api/jobs/{id}`, failu dod `GET /api/jobs/{id}/file`."
)


@router.post(
    "/pilot/export",
    response={202: RunOut},
    summary="Pilotprojekta pārskata fails (CSV, XLSX, PDF, JSON)",
    description=(
        "Parametri kā pilotprojekta pārskatam, un `format` (`csv`, `xlsx`, `pdf`, `json`), "
        "CSV — arī `table` (`services`, `outcomes`, `budget_needed`). Pašvaldības lietotājam "
        "atbilde ir pats fails (200)." + QUEUED
    ),
    openapi_extra=EXPORT_FILE,
)
def pilot_report_export(
    request: AuthedHttpRequest,
    municipality: list[str] = Query(None),  # noqa: B008
    group: str = "",
    date_from: str = "",
    date_to: str = "",
    format: str = "csv",
    table: str = "services",
) -> HttpResponse:
    report_policy.require(request.user, Action.VIEW)
    form = PilotReportForm(_query(request, ("municipality", "group", "date_from", "date_to")))
    if not form.is_valid():
        raise ValidationFailed(field_errors(form))
    background.export_check(format, table)
    if background.runs_in_background(request.user):
        job = background.export_start(
            actor=request.user, params=form.report_params(), fmt=format, table=table
        )
        return JsonResponse({"run": job.pk}, status=202)
    report = selectors.pilot_report_evaluated(user=request.user, **form.report_params())
    return exports.export_response(actor=request.user, report=report, fmt=format, table=table)


@router.api_operation(
    ["GET", "POST"],
    "/extract",
    response={202: RunOut},
    summary="Pseidonimizēts izvilkums pētniecībai (CSV)",
    description=(
        "Parametri kā pilotprojekta pārskatam; `group` var neuzdot (visas grupas). Atbilde — "
        "CSV (UTF-8 ar BOM), viena rinda par klientu × mēnesi × pakalpojumu × finansējuma "
        "avotu; klients tikai kā pseidonīms." + QUEUED
    ),
    openapi_extra=EXTRACT_FILE,
)
def research_extract(
    request: AuthedHttpRequest,
    municipality: list[str] = Query(None),  # noqa: B008
    group: str = "",
    date_from: str = "",
    date_to: str = "",
) -> HttpResponse | StreamingHttpResponse:
    report_policy.require(request.user, Action.VIEW)
    form = ResearchExtractForm(_query(request, ("municipality", "group", "date_from", "date_to")))
    if not form.is_valid():
        raise ValidationFailed(field_errors(form))
    if background.runs_in_background(request.user):
        job = background.extract_start(actor=request.user, params=form.report_params(), via="api")
        return JsonResponse({"run": job.pk}, status=202)
    return exports.extract_download(actor=request.user, params=form.report_params(), via="api")


def _load_out(row: selectors.WorkerLoad) -> dict[str, Any]:
    return {
        "municipality": row.municipality,
        "social_worker_id": row.worker_id,
        "social_worker": row.worker_name,
        "active_cases": row.active_cases,
        "reassessments_due": row.reassessments_due,
        "reassessments_overdue": row.reassessments_overdue,
        "plans_expiring": row.plans_expiring,
    }


@router.get(
    "/caseload",
    response=CaseloadOut,
    summary="Lietu noslodze",
    description="Parametri: `municipality` (kods; tikai valsts līmeņa lomām), `date`.",
)
def caseload(request: AuthedHttpRequest, municipality: str = "", date: str = "") -> dict[str, Any]:
    report_policy.require(request.user, Action.VIEW_NOTES)
    form = CaseloadForm(_query(request, ("municipality", "date")))
    if not form.is_valid():
        raise ValidationFailed(field_errors(form))
    result = selectors.caseload(
        user=request.user,
        day=form.cleaned_data["date"] or timezone.localdate(),
        municipality=form.cleaned_data["municipality"],
    )
    return {
        "date": result.day.isoformat(),
        "plans_expiring_until": result.plans_until.isoformat(),
        "rows": [_load_out(r) for r in result.rows],
        "totals": [_load_out(r) for r in result.totals],
    }
