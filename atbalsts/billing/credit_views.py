"""Pages of credit notes: proposing one for an approved or paid invoice, its page with the
decision of another person, and the list of notes waiting for the user's decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atbalsts.core.errors import DomainError
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.validation import id_or_none
from atbalsts.core.views import require

from . import selectors, services
from .forms import RejectForm
from .models import SPENT_STATUSES, CreditNote, CreditNoteStatus, Invoice
from .policies import BillingAction, billing_policy


def _rows(invoice: Invoice, user: Any, posted: Any = None) -> list[dict[str, Any]]:
    left = selectors.credit_lines_left(user=user, invoice=invoice)
    rows = []
    for line in selectors.invoice_lines(invoice):
        rest = left[line.pk]
        rows.append(
            {
                "line": line,
                "left": rest,
                "sessions": sorted(rest.sessions.values(), key=lambda s: (s.date, s.pk)),
                "amount": (posted or {}).get(f"amount_{line.pk}", ""),
                "quantity": (posted or {}).get(f"quantity_{line.pk}", ""),
                "chosen": {
                    i
                    for i in map(
                        id_or_none, posted.getlist(f"sessions_{line.pk}") if posted else []
                    )
                    if i is not None
                },
            }
        )
    return rows


def _service_lines(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for row in rows:
        data: dict[str, Any] = {"line": row["line"].pk}
        if row["amount"].strip():
            data["amount"] = row["amount"]
        if row["quantity"].strip():
            data["quantity"] = row["quantity"]
        if row["chosen"]:
            data["sessions"] = sorted(row["chosen"])
        if len(data) > 1:
            row["position"] = len(lines)
            lines.append(data)
    return lines


@login_required
def credit_note_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The invoice's lines with what is left of each; the user types amounts (or ticks the
    wrongly recorded sessions), or gives back the whole invoice, and writes the reason."""
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    require(billing_policy.can(request.user, BillingAction.CREDIT_PROPOSE, invoice))
    posted = request.POST if request.method == "POST" else None
    rows = _rows(invoice, request.user, posted)
    context: dict[str, Any] = {
        "invoice": invoice,
        "rows": rows,
        "reason": posted.get("reason", "") if posted else "",
        "whole": bool(posted and posted.get("whole")),
        "errors": {},
        "spent": invoice.status in SPENT_STATUSES,
    }
    if posted is None:
        return render(request, "billing/credit_note_form.html", context)
    lines = [] if context["whole"] else _service_lines(rows)
    try:
        note = services.credit_note_propose(
            actor=request.user,
            invoice=invoice,
            reason=context["reason"],
            lines=lines,
            whole=context["whole"],
        )
    except DomainError as exc:
        errors = exc.field_errors or {"__all__": [str(exc.message)]}
        context["errors"] = errors
        for row in rows:
            if "position" in row:
                prefix = f"lines.{row['position']}."
                row["errors"] = [m for f, ms in errors.items() if f.startswith(prefix) for m in ms]
        return render(request, "billing/credit_note_form.html", context, status=400)
    messages.success(
        request,
        _("Kredītrēķins %(number)s sagatavots; to apstiprina cits darbinieks.")
        % {"number": note.number},
    )
    return redirect(note.get_absolute_url())


def _detail(request: AuthedHttpRequest, note: CreditNote, **extra: Any) -> dict[str, Any]:
    user = request.user
    waiting = note.status == CreditNoteStatus.PROPOSED
    may_decide = waiting and billing_policy.can(user, BillingAction.CREDIT_DECIDE, note)
    return {
        "note": note,
        "lines": note.lines.select_related(
            "invoice_line__client", "invoice_line__service_type"
        ).prefetch_related("links__session"),
        "can_decide": may_decide and not billing_policy.proposed_credit(user, note),
        "own_note": waiting and billing_policy.proposed_credit(user, note),
        "reject_form": RejectForm(),
        **extra,
    }


@login_required
def credit_note_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    note = selectors.credit_note_get(user=request.user, pk=pk)
    return render(request, "billing/credit_note_detail.html", _detail(request, note))


@login_required
@require_POST
def credit_note_approve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    note = selectors.credit_note_get(user=request.user, pk=pk)
    require(billing_policy.can(request.user, BillingAction.CREDIT_DECIDE, note))
    try:
        services.credit_note_approve(actor=request.user, note=note)
    except DomainError as exc:
        context = _detail(request, note, action_error=str(exc.message))
        return render(request, "billing/credit_note_detail.html", context, status=400)
    messages.success(request, _("Kredītrēķins apstiprināts; summa atskaitīta no izlietojuma."))
    return redirect(note.get_absolute_url())


@login_required
@require_POST
def credit_note_reject(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    note = selectors.credit_note_get(user=request.user, pk=pk)
    require(billing_policy.can(request.user, BillingAction.CREDIT_DECIDE, note))
    form = RejectForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Norādiet noraidīšanas iemeslu."))
        services.credit_note_reject(
            actor=request.user, note=note, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        context = _detail(request, note, reject_form=form, action_error=str(exc.message))
        return render(request, "billing/credit_note_detail.html", context, status=400)
    messages.success(request, _("Kredītrēķins noraidīts."))
    return redirect(note.get_absolute_url())


@login_required
def credit_note_list(request: AuthedHttpRequest) -> HttpResponse:
    """Credit notes waiting for the user's decision."""
    require(billing_policy.can(request.user, BillingAction.VIEW))
    notes = selectors.credit_notes_waiting(user=request.user).order_by("created_at", "id")
    return render(request, "billing/credit_note_list.html", {"notes": notes[:200]})
