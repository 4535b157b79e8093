"""The start page: what the signed-in user has to do today, gathered from every domain."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from atbalsts.assessment import selectors as assessment_selectors
from atbalsts.billing import selectors as billing_selectors
from atbalsts.catalog import selectors as catalog_selectors
from atbalsts.core.errors import NotPermitted
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.read_audit import list_read_record
from atbalsts.delivery import selectors as delivery_selectors
from atbalsts.people import selectors as people_selectors
from atbalsts.plans import selectors as plans_selectors

from . import background, exports, selectors
from .forms import CaseloadForm, PilotReportForm, ResearchExtractForm
from .policies import report_policy
from .selectors import PilotReport
from .selectors.cancellations import services_not_given
from .selectors.first_session import first_session_times


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    panels = report_policy.start_page(user)
    today = timezone.localdate()
    context: dict[str, Any] = {"role": panels.viewer_role}
    if panels.my_cases:
        context["my_cases"] = people_selectors.my_active_cases(user=user).order_by(
            "last_name", "first_name"
        )[:50]
    if panels.pending_referrals:
        context["pending_referrals"] = people_selectors.referral_list(
            user=user, decision="pending"
        ).count()
    if people_selectors.may_assign_cases(user):
        unassigned = people_selectors.clients_without_case_worker(user=user)
        context["unassigned_count"] = unassigned.count()
        context["unassigned"] = list(unassigned[:20]) if context["unassigned_count"] else []
    if panels.reassessments:
        context["reassessments"] = assessment_selectors.reassessments_due(user=user, today=today)
        context["pending_overrides"] = assessment_selectors.overrides_pending(user=user).count()
    if panels.lapsing_registrations:
        context["catalog_today"] = today
        context["lapsing_registrations"] = catalog_selectors.registrations_lapsing(
            user=user, today=today
        )[:20]
    if panels.invoices_waiting:
        context["invoices_waiting"] = billing_selectors.invoices_waiting(user=user)
    if panels.budget_warnings:
        context["budget_warnings"] = billing_selectors.ledger_warnings(user=user, today=today)
    if panels.provider_clients:
        context["provider_clients"] = delivery_selectors.my_clients(user=user)
    if panels.sessions_awaiting:
        context["sessions_awaiting"] = delivery_selectors.sessions_awaiting_decision(
            user=user
        ).count()
    if panels.week_due:
        context["week_due"] = delivery_selectors.week_due(user=user)
    if panels.plans_awaiting:
        context["plans_awaiting"] = plans_selectors.versions_awaiting(user=user)[:20]
    return render(request, "reporting/home.html", context)


# --- reports: the pilot report and the caseload ------------------------------------------------


def _pilot_form(request: AuthedHttpRequest) -> PilotReportForm:
    """Municipal roles see no municipality field: their report is their own municipality's
    (asking for another one in the address is refused with 403)."""
    return PilotReportForm(request.GET or None)


def _pilot_report(request: AuthedHttpRequest, form: PilotReportForm) -> PilotReport:
    try:
        return selectors.pilot_report_evaluated(user=request.user, **form.report_params())
    except NotPermitted as exc:
        raise PermissionDenied from exc


@login_required
def pilot_report(request: AuthedHttpRequest) -> HttpResponse:
    if not report_policy.can(request.user, Action.VIEW):
        raise PermissionDenied
    form = _pilot_form(request)
    context: dict[str, Any] = {
        "form": form,
        "national": report_policy.is_national(request.user),
        "formats": exports.FORMATS,
        "can_caseload": report_policy.can(request.user, Action.VIEW_NOTES),
        "background": background.runs_in_background(request.user),
        "csv_tables": [("outcomes", _("rezultāti")), ("budget_needed", _("vajadzīgais budžets"))],
    }
    if not form.is_bound:
        return render(request, "reporting/pilot_report.html", context)
    if not form.is_valid():
        return render(request, "reporting/pilot_report.html", context, status=400)
    report = _pilot_report(request, form)
    context.update(exports.report_context(report))
    context["query"] = request.GET.urlencode()
    context["extract_coverage"] = selectors.extract_coverage(
        user=request.user, day=timezone.localdate(), **form.report_params()
    )
    context["not_given"] = services_not_given(user=request.user, **form.report_params())
    context["first_session"] = first_session_times(user=request.user, **form.report_params())
    return render(request, "reporting/pilot_report.html", context)


def _confirm(request: AuthedHttpRequest, what: str) -> HttpResponse:
    """A national export or extract runs in the background: a link followed (GET) asks first,
    and the button posts to the same address."""
    context = {"what": what, "action": request.get_full_path()}
    return render(request, "reporting/background_confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pilot_report_download(request: AuthedHttpRequest, fmt: str) -> HttpResponse:
    """The report as a file. A national user's export is a background job: the POST queues it
    and sends the user to the job's status, where the file is downloaded when ready."""
    table = request.GET.get("table", "services")
    dialect = request.GET.get("dialect", "machine")
    if (
        fmt not in exports.FORMATS
        or table not in exports.CSV_TABLES
        or dialect not in exports.CSV_DIALECTS
    ):
        raise Http404
    if not report_policy.can(request.user, Action.VIEW):
        raise PermissionDenied
    form = _pilot_form(request)
    if not form.is_valid():
        context = {"form": form, "national": report_policy.is_national(request.user)}
        return render(request, "reporting/pilot_report.html", context, status=400)
    if background.runs_in_background(request.user):
        if request.method != "POST":
            return _confirm(request, _("pārskata eksports (%(fmt)s)") % {"fmt": fmt.upper()})
        try:
            job = background.export_start(
                actor=request.user,
                params=form.report_params(),
                fmt=fmt,
                table=table,
                dialect=dialect,
            )
        except NotPermitted as exc:
            raise PermissionDenied from exc
        return redirect("jobs:detail", job.pk)
    report = _pilot_report(request, form)
    return exports.export_response(
        actor=request.user, report=report, fmt=fmt, table=table, dialect=dialect
    )


@login_required
@require_http_methods(["GET", "POST"])
def research_extract(request: AuthedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The pseudonymised CSV extract for research, streamed row by row (memory stays flat); a
    national user's is a background job writing the same file (see pilot_report_download)."""
    if not report_policy.can(request.user, Action.VIEW):
        raise PermissionDenied
    form = ResearchExtractForm(request.GET or None)
    if not form.is_valid():
        context = {"form": form, "national": report_policy.is_national(request.user)}
        return render(request, "reporting/pilot_report.html", context, status=400)
    try:
        if background.runs_in_background(request.user):
            if request.method != "POST":
                return _confirm(request, _("pseidonimizētais izvilkums"))
            job = background.extract_start(
                actor=request.user, params=form.report_params(), via="web"
            )
            return redirect("jobs:detail", job.pk)
        return exports.extract_download(actor=request.user, params=form.report_params(), via="web")
    except NotPermitted as exc:
        raise PermissionDenied from exc


@login_required
def caseload(request: AuthedHttpRequest) -> HttpResponse:
    if not report_policy.can(request.user, Action.VIEW_NOTES):
        raise PermissionDenied
    form = CaseloadForm(request.GET or None)
    national = report_policy.is_national(request.user)
    context: dict[str, Any] = {"form": form, "national": national}
    if form.is_bound and not form.is_valid():
        return render(request, "reporting/caseload.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    try:
        load = selectors.caseload(
            user=request.user,
            day=data.get("date") or timezone.localdate(),
            municipality=data.get("municipality") if national else None,
        )
    except NotPermitted as exc:
        raise PermissionDenied from exc
    context["caseload"] = load
    # the lists under the table name clients: a list read like the client list's
    named = {
        entry[0]
        for row in load.rows
        for entry in (*row.due_clients, *row.overdue_clients, *row.expiring_clients)
    }
    if named:
        list_read_record(actor=request.user, subject_type="people.client", ids=sorted(named))
    return render(request, "reporting/caseload.html", context)
