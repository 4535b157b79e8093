"""Pages of billing: the invoice list and detail, submitting and entering invoices, the
workflow buttons, and the accounting export. Thin: forms check shape, services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atbalsts.catalog.models import Provider
from atbalsts.catalog.policies import provider_policy
from atbalsts.core.dates import iso_month, month_end
from atbalsts.core.errors import DomainError
from atbalsts.core.forms import apply_domain_error
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.views import form_page, require
from atbalsts.people.models import Municipality
from atbalsts.plans.models import GuaranteeLetter

from . import selectors, services
from .forms import (
    ExportForm,
    InvoiceFilterForm,
    PaperHeaderForm,
    PayForm,
    RejectForm,
    SubmitForm,
)
from .models import SPENT_STATUSES, Invoice, InvoiceStatus
from .policies import BillingAction, billing_policy

PAGE_SIZE = 25


@login_required
def invoice_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require(billing_policy.can(user, BillingAction.VIEW))
    providers = (
        provider_policy.visible(
            user, Provider.objects.filter(pk__in=selectors.invoice_provider_ids(user=user))
        )
        if billing_policy.sees_many_providers(user)
        else None
    )
    form = InvoiceFilterForm(request.GET or None, providers=providers)
    data = form.cleaned_data if form.is_valid() else {}
    provider = data.get("provider")
    filters = selectors.InvoiceFilters(
        status=data.get("status") or "",
        month=data.get("month"),
        provider_id=provider.pk if provider else None,
    )
    page = Paginator(selectors.invoice_list(user=user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "billing/invoice_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_submit": billing_policy.can(user, BillingAction.SUBMIT),
            "can_enter_paper": billing_policy.can(
                user, BillingAction.ENTER_PAPER, user.municipality
            ),
            "can_export": billing_policy.can(user, BillingAction.EXPORT, user.municipality),
            "waiting": selectors.invoices_waiting(user=user),
        },
    )


def _detail_context(request: AuthedHttpRequest, invoice: Invoice) -> dict[str, Any]:
    user = request.user
    recorded = selectors.invoice_line_sessions(invoice)
    lines = [
        {
            "line": line,
            "differences": billing_policy.shown_differences(user, line.differences),
            "recorded": recorded.get(line.pk, selectors.LineSessions()),
        }
        for line in selectors.invoice_lines(invoice)
    ]
    status = invoice.status
    return {
        "invoice": invoice,
        "lines": lines,
        "can_confirm": status == InvoiceStatus.SUBMITTED
        and billing_policy.can(user, BillingAction.CONFIRM, invoice),
        "can_approve": status == InvoiceStatus.CONFIRMED
        and billing_policy.can(user, BillingAction.APPROVE, invoice),
        "can_reject": status in (InvoiceStatus.SUBMITTED, InvoiceStatus.CONFIRMED)
        and billing_policy.can(user, BillingAction.REJECT, invoice),
        "can_pay": status == InvoiceStatus.APPROVED
        and billing_policy.can(user, BillingAction.PAY, invoice),
        "same_person": billing_policy.confirmed_content(user, invoice),
        "can_credit": status in SPENT_STATUSES
        and billing_policy.can(user, BillingAction.CREDIT_PROPOSE, invoice),
        "credit_notes": selectors.credit_notes_of(user=user, invoice=invoice),
        "reject_form": RejectForm(),
        "pay_form": PayForm(initial={"paid_on": timezone.localdate()}),
    }


@login_required
def invoice_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    return render(request, "billing/invoice_detail.html", _detail_context(request, invoice))


def _detail_error(
    request: AuthedHttpRequest, invoice: Invoice, error: DomainError, **forms: Any
) -> HttpResponse:
    invoice = Invoice.objects.get(pk=invoice.pk)
    context = {**_detail_context(request, invoice), **forms, "action_error": str(error.message)}
    for form in forms.values():
        apply_domain_error(form, error)
    return render(request, "billing/invoice_detail.html", context, status=400)


def _workflow(request: AuthedHttpRequest, pk: int, action: BillingAction) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    require(billing_policy.can(request.user, action, invoice))
    run = {
        BillingAction.CONFIRM: services.invoice_confirm,
        BillingAction.APPROVE: services.invoice_approve,
    }[action]
    try:
        run(actor=request.user, invoice=invoice)
    except DomainError as exc:
        return _detail_error(request, invoice, exc)
    done = {
        BillingAction.CONFIRM: _("Rēķina saturs apstiprināts."),
        BillingAction.APPROVE: _("Rēķina apmaksa apstiprināta."),
    }[action]
    messages.success(request, done)
    return redirect(invoice.get_absolute_url())


@login_required
@require_POST
def invoice_confirm(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, BillingAction.CONFIRM)


@login_required
@require_POST
def invoice_approve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, BillingAction.APPROVE)


@login_required
@require_POST
def invoice_recheck(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    require(billing_policy.can(request.user, BillingAction.CONFIRM, invoice))
    try:
        invoice = services.invoice_recheck(actor=request.user, invoice=invoice)
    except DomainError as exc:
        return _detail_error(request, invoice, exc)
    messages.success(
        request,
        _("Rēķins pārbaudīts vēlreiz: %(n)s neatbilstība(-s).") % {"n": invoice.difference_count},
    )
    return redirect(invoice.get_absolute_url())


@login_required
@require_POST
def invoice_reject(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    require(billing_policy.can(request.user, BillingAction.REJECT, invoice))
    form = RejectForm(request.POST)
    if not form.is_valid():
        context = {**_detail_context(request, invoice), "reject_form": form}
        return render(request, "billing/invoice_detail.html", context, status=400)
    try:
        services.invoice_reject(
            actor=request.user, invoice=invoice, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        return _detail_error(request, invoice, exc, reject_form=form)
    messages.success(request, _("Rēķins noraidīts."))
    return redirect(invoice.get_absolute_url())


@login_required
@require_POST
def invoice_pay(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    require(billing_policy.can(request.user, BillingAction.PAY, invoice))
    form = PayForm(request.POST)
    if not form.is_valid():
        context = {**_detail_context(request, invoice), "pay_form": form}
        return render(request, "billing/invoice_detail.html", context, status=400)
    try:
        services.invoice_pay(actor=request.user, invoice=invoice, **form.cleaned_data)
    except DomainError as exc:
        return _detail_error(request, invoice, exc, pay_form=form)
    messages.success(request, _("Rēķins atzīmēts kā apmaksāts."))
    return redirect(invoice.get_absolute_url())


@login_required
def invoice_submit(request: AuthedHttpRequest) -> HttpResponse:
    provider = billing_policy.submitting_provider(request.user)
    if provider is None or not billing_policy.can(request.user, BillingAction.SUBMIT, provider):
        raise PermissionDenied
    municipalities = Municipality.objects.filter(
        pk__in=GuaranteeLetter.objects.filter(provider=provider).values("municipality_id")
    )
    return form_page(
        request,
        SubmitForm(request.POST or None, municipalities=municipalities),
        template="billing/invoice_submit.html",
        context={"provider": provider},
        save=lambda data: services.invoice_submit(actor=request.user, provider=provider, **data),
        success_message=_("Rēķins iesniegts."),
        success_url=lambda invoice: invoice.get_absolute_url(),
    )


def _paper_rows(provider: Provider, municipality: Municipality, month: Any) -> list[dict[str, Any]]:
    """Every line of the provider's letters in the municipality that covers the month."""
    rows: list[dict[str, Any]] = []
    letters = (
        GuaranteeLetter.objects.filter(provider=provider, municipality=municipality)
        .select_related("version__plan__client")
        .order_by("number")
    )
    last = month_end(month)
    for letter in letters:
        for line in letter.lines:
            start, end = line["start"], line["end"]
            if start > last.isoformat() or end < month.isoformat():
                continue
            rows.append(
                {
                    "index": len(rows),
                    "letter": letter,
                    "client": letter.version.plan.client,
                    "line": line,
                    "price": Decimal(line["unit_price"]) if line.get("unit_price") else None,
                }
            )
    return rows


@login_required
def invoice_paper(request: AuthedHttpRequest) -> HttpResponse:
    """Step one picks the provider and the month; step two lists the letter lines that cover
    the month, and the social worker types the quantities and prices from the paper."""
    user = request.user
    municipality = user.municipality
    if municipality is None or not billing_policy.can(
        user, BillingAction.ENTER_PAPER, municipality
    ):
        raise PermissionDenied
    providers = Provider.objects.filter(
        pk__in=GuaranteeLetter.objects.filter(municipality=municipality).values("provider_id")
    )
    data = request.POST if request.method == "POST" else (request.GET or None)
    header = PaperHeaderForm(data, providers=providers)
    rows: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    context: dict[str, Any] = {"header": header, "rows": rows, "line_errors": errors}
    if header.is_valid():
        provider, month = header.cleaned_data["provider"], header.cleaned_data["month"]
        rows.extend(_paper_rows(provider, municipality, month))
        if request.method == "POST":
            lines: list[dict[str, Any]] = []
            for row in rows:
                i = row["index"]
                quantity = request.POST.get(f"quantity_{i}", "").strip()
                row["values"] = {
                    "quantity": quantity,
                    "unit_price": request.POST.get(f"unit_price_{i}", "").strip(),
                    "amount": request.POST.get(f"amount_{i}", "").strip(),
                }
                if quantity:
                    row["position"] = len(lines)
                    lines.append(
                        {
                            "letter": row["letter"],
                            "line_key": row["line"]["key"],
                            **row["values"],
                        }
                    )
            try:
                invoice = services.invoice_enter_paper(
                    actor=user,
                    municipality=municipality,
                    provider=provider,
                    month=month,
                    number=header.cleaned_data["number"],
                    lines=lines,
                )
            except DomainError as exc:
                for field, messages_ in exc.field_errors.items():
                    errors.setdefault(field, []).extend(messages_)
                for row in rows:
                    if "position" in row:
                        prefix = f"lines.{row['position']}."
                        row["errors"] = [
                            m for f, ms in errors.items() if f.startswith(prefix) for m in ms
                        ]
                apply_domain_error(header, exc)
                return render(request, "billing/invoice_paper.html", context, status=400)
            messages.success(request, _("Papīra rēķins ievadīts un pārbaudīts."))
            return redirect(invoice.get_absolute_url())
    elif request.method == "POST":
        return render(request, "billing/invoice_paper.html", context, status=400)
    return render(request, "billing/invoice_paper.html", context)


@login_required
def invoice_export(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    municipality = user.municipality
    if municipality is None or not billing_policy.can(user, BillingAction.EXPORT, municipality):
        raise PermissionDenied
    form = ExportForm(request.GET or None)
    if not request.GET:
        return render(request, "billing/export.html", {"form": form})
    if not form.is_valid():
        return render(request, "billing/export.html", {"form": form}, status=400)
    month, fmt = form.cleaned_data["month"], form.cleaned_data["format"]
    try:
        content, mime = services.invoice_export(
            actor=user, municipality=municipality, month=month, fmt=fmt
        )
    except DomainError as exc:
        apply_domain_error(form, exc)
        return render(request, "billing/export.html", {"form": form}, status=400)
    response = HttpResponse(content, content_type=mime)
    filename = f"rekini-{municipality.code}-{iso_month(month)}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
