"""Pages of the programme's money: envelopes against committed, spent and forecast money,
the spend split by co-financing, setting envelopes and splits (the ministry), and the
municipalities side by side (a page and XLSX)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from atbalsts.billing import services as billing_services
from atbalsts.billing.policies import BillingAction, billing_policy
from atbalsts.core.errors import DomainError, ValidationFailed
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.tabular import XLSX_TYPE
from atbalsts.core.views import form_page, require

from .forms import PilotReportForm
from .policies import report_policy
from .programme_exports import municipalities_xlsx
from .programme_forms import CoFinancingForm, EnvelopeForm, YearForm
from .selectors.programme import envelope_statuses, municipalities_compared, spend_split


@login_required
def programme(request: AuthedHttpRequest) -> HttpResponse:
    """The year's envelopes with their warnings, and the year's spend split by co-financing."""
    user = request.user
    require(billing_policy.can(user, BillingAction.PROGRAMME_VIEW))
    today = timezone.localdate()
    form = YearForm(request.GET or None, initial={"year": today.year})
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else today.year
    context: dict[str, Any] = {
        "form": form,
        "year": year,
        "envelopes": envelope_statuses(user=user, year=year, today=today),
        "can_manage": billing_policy.can(user, BillingAction.PROGRAMME_MANAGE),
    }
    if report_policy.can(user, Action.VIEW):
        context["split"] = spend_split(
            user=user, date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31)
        )
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "reporting/programme.html", context, status=status)


@login_required
def envelope_set(request: AuthedHttpRequest) -> HttpResponse:
    require(billing_policy.can(request.user, BillingAction.PROGRAMME_MANAGE))
    return form_page(
        request,
        EnvelopeForm(request.POST or None, initial={"year": timezone.localdate().year}),
        template="reporting/programme_form.html",
        context={"title": _("Programmas piešķīrums")},
        save=lambda data: billing_services.envelope_set(actor=request.user, **data),
        success_message=_("Piešķīrums saglabāts."),
        success_url=lambda envelope: f"{reverse('programme:programme')}?year={envelope.year}",
    )


def _co_financing_save(request: AuthedHttpRequest, data: dict[str, Any]) -> Any:
    try:
        return billing_services.co_financing_set(actor=request.user, **data)
    except ValidationFailed as exc:  # shares.0.payer → the form's payer_1
        renamed: dict[str, list[str]] = {}
        for name, messages in exc.field_errors.items():
            parts = name.split(".")
            if len(parts) == 3 and parts[0] == "shares":
                name = f"{parts[2]}_{int(parts[1]) + 1}"
            renamed.setdefault(name, []).extend(messages)
        raise ValidationFailed(renamed) from exc


@login_required
def co_financing_set(request: AuthedHttpRequest) -> HttpResponse:
    require(billing_policy.can(request.user, BillingAction.PROGRAMME_MANAGE))
    return form_page(
        request,
        CoFinancingForm(request.POST or None),
        template="reporting/programme_form.html",
        context={"title": _("Līdzfinansējuma daļas")},
        save=lambda data: _co_financing_save(request, data),
        data=lambda form: form.service_data(),
        success_message=_("Līdzfinansējuma daļas saglabātas."),
        success_url=lambda split: reverse("programme:programme"),
    )


@login_required
def municipalities(request: AuthedHttpRequest) -> HttpResponse:
    """The municipalities side by side for a target group and a period; `?format=xlsx` is
    the same table as a workbook."""
    user = request.user
    require(report_policy.can(user, Action.VIEW))
    form = PilotReportForm(request.GET or None)
    context: dict[str, Any] = {"form": form}
    if not form.is_bound:
        return render(request, "reporting/programme_municipalities.html", context)
    if not form.is_valid():
        return render(request, "reporting/programme_municipalities.html", context, status=400)
    params = form.report_params()
    try:
        rows = municipalities_compared(user=user, **params)
    except DomainError as exc:
        context["action_error"] = str(exc.message)
        return render(request, "reporting/programme_municipalities.html", context, status=403)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(municipalities_xlsx(rows), content_type=XLSX_TYPE)
        name = f"pasvaldibas-{params['date_from'].isoformat()}-{params['date_to'].isoformat()}"
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    context.update(rows=rows, query=request.GET.urlencode())
    return render(request, "reporting/programme_municipalities.html", context)
