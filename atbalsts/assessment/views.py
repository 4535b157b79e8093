"""Pages for assessments, budget periods, budgets ("why this amount") and allocation rules.

Thin: forms check shape, services decide, selectors read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atbalsts.core.errors import DomainError, ValidationFailed
from atbalsts.core.forms import apply_domain_error
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.money import format_money
from atbalsts.core.policies import Action
from atbalsts.core.views import form_page, require
from atbalsts.people import selectors as people_selectors
from atbalsts.people.models import Client, TargetGroup

from . import selectors, services
from .forms import (
    AssessmentForm,
    BandFormSet,
    BudgetPeriodForm,
    ConclusionFormSet,
    OverrideDecisionForm,
    OverrideForm,
    RecommendedFormSet,
    RuleForm,
    score_field_name,
)
from .models import (
    AllocationRule,
    NeedsAssessment,
    SpecialistConclusion,
    SpecialistRole,
    domains_for,
)
from .policies import assessment_policy, budget_policy, rule_policy

BLANK_SERVICE_ROWS = 3


# --- assessments -----------------------------------------------------------------------------


def _conclusion_initial(assessment: NeedsAssessment | None) -> list[dict[str, Any]]:
    existing = {c.role: c for c in assessment.conclusions.all()} if assessment else {}
    rows = []
    for role in SpecialistRole:
        c = existing.get(role.value)
        rows.append({"role": role.value, "text": c.text if c else ""})
    return rows


def _service_initial(assessment: NeedsAssessment | None) -> list[dict[str, Any]]:
    rows = [
        {
            "priority": s.priority,
            "service_name": s.service_name,
            "intensity": s.intensity,
            "parents_rank": s.parents_rank,
        }
        for s in (assessment.recommended_services.all() if assessment else [])
    ]
    start = len(rows) + 1
    rows += [{"priority": start + i} for i in range(BLANK_SERVICE_ROWS)]
    return rows


def _apply_nested_errors(
    error: DomainError,
    form: AssessmentForm,
    formsets: dict[str, tuple[Any, list[Any]]],
) -> None:
    """Put each error next to the field it is about, in the form or in a formset row."""
    if not isinstance(error, ValidationFailed):
        apply_domain_error(form, error)
        return
    for key, messages_ in error.errors.items():
        parts = key.split(".")
        target_form: Any = form
        field: str | None = parts[0]
        if parts[0] == "scores" and len(parts) > 1:
            field = score_field_name(parts[1])
        elif parts[0] in formsets and len(parts) > 1 and parts[1].isdigit():
            _, rows = formsets[parts[0]]
            index = int(parts[1])
            target_form = rows[index] if index < len(rows) else form
            field = parts[2] if len(parts) > 2 else None
        if field not in target_form.fields:
            field = None
        for message in messages_:
            target_form.add_error(field, message)


def _assessment_page(
    request: AuthedHttpRequest, client: Client, assessment: NeedsAssessment | None
) -> HttpResponse:
    target_group = assessment.target_group if assessment else client.target_group
    child = target_group == TargetGroup.CHILD_FT
    post = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    initial = (
        AssessmentForm.initial_for(assessment)
        if assessment
        else {"assessed_on": timezone.localdate()}
    )
    form = AssessmentForm(post, initial=initial, target_group=target_group)
    conclusions = ConclusionFormSet(
        post, files, prefix="conclusions", initial=_conclusion_initial(assessment)
    )
    recommended = RecommendedFormSet(post, prefix="services", initial=_service_initial(assessment))
    labels = dict(SpecialistRole.choices)
    for row in conclusions.forms:
        row.role_label = labels.get(row.initial.get("role", ""), "")  # type: ignore[attr-defined]
    context = {
        "client": client,
        "assessment": assessment,
        "form": form,
        "child": child,
        "conclusions": conclusions,
        "recommended": recommended,
        "title": _("Labot izvērtējumu") if assessment else _("Jauns vajadzību izvērtējums"),
    }
    if request.method != "POST":
        return render(request, "assessment/assessment_form.html", context)
    valid = form.is_valid()
    if child:
        valid = conclusions.is_valid() and recommended.is_valid() and valid
    if valid:
        data = form.to_data()
        formsets: dict[str, tuple[Any, list[Any]]] = {}
        if child:
            conclusion_rows = [f for f in conclusions.forms if not f.is_blank()]
            data["conclusions"] = [
                {
                    "role": f.cleaned_data["role"],
                    "text": f.cleaned_data["text"],
                    "document": f.cleaned_data.get("document") or None,
                    "clear_document": f.cleaned_data.get("clear_document", False),
                }
                for f in conclusion_rows
            ]
            service_rows = [f for f in recommended.forms if not f.is_blank()]
            data["recommended_services"] = [
                {
                    "priority": f.cleaned_data["priority"],
                    "service_name": f.cleaned_data["service_name"],
                    "intensity": f.cleaned_data["intensity"],
                    "parents_rank": f.cleaned_data["parents_rank"],
                }
                for f in service_rows
            ]
            formsets = {
                "conclusions": (conclusions, conclusion_rows),
                "recommended_services": (recommended, service_rows),
            }
        try:
            if assessment is None:
                saved = services.assessment_create(actor=request.user, client=client, data=data)
            else:
                saved = services.assessment_update(
                    actor=request.user, assessment=assessment, data=data
                )
        except DomainError as exc:
            _apply_nested_errors(exc, form, formsets)
        else:
            messages.success(request, _("Izvērtējums saglabāts."))
            return redirect(saved.get_absolute_url())
    return render(request, "assessment/assessment_form.html", context, status=400)


@login_required
def assessment_create(request: AuthedHttpRequest, client_pk: int) -> HttpResponse:
    client = people_selectors.client_get(user=request.user, pk=client_pk)
    require(assessment_policy.can(request.user, Action.CREATE, client))
    return _assessment_page(request, client, None)


@login_required
def assessment_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    require(assessment_policy.can(request.user, Action.CHANGE, assessment))
    if assessment.is_completed:
        messages.error(request, str(services.AssessmentCompleted.default_message))
        return redirect(assessment.get_absolute_url())
    return _assessment_page(request, assessment.client, assessment)


@login_required
def assessment_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    services.assessment_view_record(actor=request.user, assessment=assessment)
    can_change = assessment_policy.can(request.user, Action.CHANGE, assessment)
    context = {
        "assessment": assessment,
        "client": assessment.client,
        "scores": selectors.assessment_scores(assessment),
        "conclusions": assessment.conclusions.all(),
        "recommended": assessment.recommended_services.all(),
        "can_change": can_change and not assessment.is_completed,
        "can_reassess": can_change and assessment.is_completed,
        "due_on": selectors.reassessment_due_on(assessment) if assessment.is_completed else None,
    }
    return render(request, "assessment/assessment_detail.html", context)


@login_required
def assessment_complete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    require(assessment_policy.can(request.user, Action.CHANGE, assessment))
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.assessment_complete(actor=request.user, assessment=assessment)
        except ValidationFailed as exc:
            errors = [m for msgs in exc.errors.values() for m in msgs]
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect(assessment.get_absolute_url())
        else:
            messages.success(request, _("Izvērtējums pabeigts; tagad to vairs nevar labot."))
            return redirect(assessment.get_absolute_url())
    return render(
        request,
        "assessment/assessment_complete.html",
        {"assessment": assessment, "client": assessment.client, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
def conclusion_document(request: AuthedHttpRequest, pk: int, conclusion_pk: int) -> FileResponse:
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    conclusion = get_object_or_404(SpecialistConclusion, pk=conclusion_pk, assessment=assessment)
    if not conclusion.document:
        raise Http404()
    services.assessment_view_record(actor=request.user, assessment=assessment, document=conclusion)
    return FileResponse(
        conclusion.document.open("rb"),
        as_attachment=True,
        filename=conclusion.document_name or conclusion.document.name.rsplit("/", 1)[-1],
    )


# --- budget periods and budgets --------------------------------------------------------------


@login_required
def period_create(request: AuthedHttpRequest, client_pk: int) -> HttpResponse:
    client = people_selectors.client_get(user=request.user, pk=client_pk)
    require(budget_policy.can(request.user, Action.CREATE, client))
    return form_page(
        request,
        BudgetPeriodForm(request.POST or None),
        template="assessment/form.html",
        context={"client": client, "title": _("Jauns budžeta periods")},
        save=lambda data: services.budget_period_create(
            actor=request.user, client=client, start=data["start"], months=data["months"]
        ),
        success_message=_("Budžeta periods izveidots."),
        success_url=lambda _period: client.get_absolute_url(),
    )


@login_required
@require_POST
def budget_compute(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    period = selectors.budget_period_get(user=request.user, pk=pk)
    require(budget_policy.can(request.user, Action.CHANGE, period))
    try:
        budget = services.budget_compute(actor=request.user, period=period)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(period.client.get_absolute_url())
    messages.success(request, _("Indikatīvais budžets aprēķināts."))
    return redirect(budget.get_absolute_url())


@login_required
def budget_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Why the amount is what it is, step by step, in plain words."""
    budget = selectors.budget_get(user=request.user, pk=pk)
    client = budget.period.client
    user = request.user
    # Accountants see the amounts; the need levels behind them are assessment content.
    show_steps = assessment_policy.can(user, Action.VIEW, client)
    context = {
        "budget": budget,
        "client": client,
        "period": budget.period,
        "explanation": selectors.budget_explanation(budget),
        "show_steps": show_steps,
        "overrides": budget.overrides.select_related("proposed_by", "decided_by"),
        "can_propose": budget.is_current and budget_policy.can(user, Action.CHANGE, budget),
        "can_decide": budget_policy.can(user, Action.DECIDE, budget),
        "history": budget.period.budgets.exclude(pk=budget.pk),
    }
    return render(request, "assessment/budget_detail.html", context)


@login_required
def override_propose(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    budget = selectors.budget_get(user=request.user, pk=pk)
    require(budget_policy.can(request.user, Action.CHANGE, budget))
    return form_page(
        request,
        OverrideForm(request.POST or None),
        template="assessment/form.html",
        context={
            "client": budget.period.client,
            "title": _("Ierosināt citu budžeta summu"),
            "intro": _("Aprēķinātā summa: %(amount)s mēnesī. Citu summu apstiprina vadītājs.")
            % {"amount": format_money(budget.monthly_amount)},
            "back_url": budget.get_absolute_url(),
        },
        save=lambda data: services.override_propose(
            actor=request.user,
            budget=budget,
            monthly_amount=data["monthly_amount"],
            reason=data["reason"],
        ),
        success_message=_("Ierosinājums nosūtīts vadītājam apstiprināšanai."),
        success_url=lambda _override: budget.get_absolute_url(),
    )


@login_required
def override_decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    override = selectors.override_get(user=request.user, pk=pk)
    budget = override.budget
    require(budget_policy.can(request.user, Action.DECIDE, override))
    return form_page(
        request,
        OverrideDecisionForm(request.POST or None),
        template="assessment/form.html",
        context={
            "client": budget.period.client,
            "title": _("Lēmums par budžeta summas maiņu"),
            "intro": _("Ierosināts %(amount)s mēnesī. Pamatojums: %(reason)s")
            % {"amount": format_money(override.monthly_amount), "reason": override.reason},
            "back_url": budget.get_absolute_url(),
        },
        save=lambda data: services.override_decide(
            actor=request.user,
            override=override,
            approve=data["decision"] == "approve",
            note=data["note"],
        ),
        success_message=_("Lēmums saglabāts."),
        success_url=lambda _decided: budget.get_absolute_url(),
    )


# --- allocation rules ------------------------------------------------------------------------


@login_required
def rule_list(request: AuthedHttpRequest) -> HttpResponse:
    require(rule_policy.can(request.user, Action.VIEW))
    user = request.user
    context = {
        "rules": selectors.rule_list(user=user),
        "can_create": rule_policy.can(user, Action.CREATE, user.municipality),
        "target_groups": TargetGroup.choices,
    }
    return render(request, "assessment/rule_list.html", context)


@login_required
def rule_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    rule = selectors.rule_get(user=request.user, pk=pk)
    rows = [
        {"label": label, "points": rule.points.get(domain, [])}
        for domain, label in (
            (d.value, str(d.label).capitalize()) for d in domains_for(rule.target_group)
        )
    ]
    context = {
        "rule": rule,
        "rows": rows,
        "bands": selectors.band_steps(list(rule.bands.all())),
        "can_change": rule_policy.can(request.user, Action.CHANGE, rule),
    }
    return render(request, "assessment/rule_detail.html", context)


def _rule_page(
    request: AuthedHttpRequest, rule: AllocationRule | None, target_group: str
) -> HttpResponse:
    user = request.user
    post = request.POST if request.method == "POST" else None
    if rule is not None:
        initial: dict[str, Any] = {
            "name": rule.name,
            "valid_from": rule.valid_from,
            "valid_to": rule.valid_to,
            **RuleForm.initial_points(rule.points),
        }
        band_initial = [
            {"min_points": b.min_points, "code": b.code, "monthly_amount": str(b.monthly_amount)}
            for b in rule.bands.all()
        ]
    else:
        initial, band_initial = {}, []
    form = RuleForm(
        post, initial=initial, target_group=target_group, user=user, creating=rule is None
    )
    bands = BandFormSet(post, prefix="bands", initial=band_initial)
    context = {
        "form": form,
        "bands": bands,
        "rule": rule,
        "target_group": TargetGroup(target_group),
        "title": _("Labot noteikumu") if rule else _("Jauns budžeta sadales noteikums"),
    }
    if request.method != "POST":
        return render(request, "assessment/rule_form.html", context)
    if form.is_valid() and bands.is_valid():
        data = form.to_data()
        band_rows = [f for f in bands.forms if not f.is_blank()]
        data["bands"] = [
            {
                "min_points": f.cleaned_data["min_points"],
                "code": f.cleaned_data["code"],
                "monthly_amount": f.cleaned_data["monthly_amount"],
            }
            for f in band_rows
        ]
        try:
            if rule is None:
                municipality = form.cleaned_data.get("municipality") or user.municipality
                data["target_group"] = target_group
                saved = services.rule_create(actor=user, municipality=municipality, data=data)
            else:
                saved = services.rule_update(actor=user, rule=rule, data=data)
        except DomainError as exc:
            _apply_rule_errors(exc, form, band_rows)
        else:
            messages.success(request, _("Noteikums saglabāts."))
            return redirect(saved.get_absolute_url())
    return render(request, "assessment/rule_form.html", context, status=400)


def _apply_rule_errors(error: DomainError, form: RuleForm, band_rows: list[Any]) -> None:
    if not isinstance(error, ValidationFailed):
        apply_domain_error(form, error)
        return
    for key, messages_ in error.errors.items():
        parts = key.split(".")
        target: Any = form
        field: str | None = parts[0]
        if parts[0] == "bands" and len(parts) == 3 and int(parts[1]) < len(band_rows):
            target, field = band_rows[int(parts[1])], parts[2]
        elif parts[0] == "points" and len(parts) == 2:
            field = f"p_{parts[1]}_0"
        if field not in target.fields:
            field = None
        for message in messages_:
            target.add_error(field, message)


@login_required
def rule_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    target_group = request.GET.get("target_group", "")
    if target_group not in TargetGroup.values:
        target_group = TargetGroup.ADULT_GRT
    require(rule_policy.can(user, Action.CREATE, user.municipality))
    return _rule_page(request, None, target_group)


@login_required
def rule_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    rule = selectors.rule_get(user=request.user, pk=pk)
    require(rule_policy.can(request.user, Action.CHANGE, rule))
    return _rule_page(request, rule, rule.target_group)
