"""API for support plans, their versions, goals, lines and guarantee letters: the same
services, rules and policies as the pages. Every change of a draft passes `revision`."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from ninja import Router, Schema

from atbalsts.core.actors import Viewer
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.people import selectors as people_selectors
from atbalsts.plans import documents, selectors, services
from atbalsts.plans.models import Goal, GuaranteeLetter, PlanLine, PlanReview, PlanVersion
from atbalsts.plans.policies import plan_policy

from .plans_schemas import (
    AgreeIn,
    CloseIn,
    ComparisonOut,
    ExtendIn,
    GoalIn,
    GoalOut,
    GoalPatch,
    LetterOut,
    LineIn,
    LineOut,
    LinePatch,
    OutcomeIn,
    OverrunIn,
    PlanIn,
    PlanOut,
    PriceApprovalIn,
    ReviewIn,
    ReviewOut,
    VersionOut,
    VersionPatch,
)

router = Router(tags=["plans"])


def _version_out(user: Viewer, version: PlanVersion) -> dict[str, Any]:
    show_goals = plan_policy.can(user, Action.VIEW_NOTES, version)
    fits = selectors.version_budget_fit(version)
    return {
        "id": version.pk,
        "plan_id": version.plan_id,
        "client_id": version.plan.client_id,
        "number": version.number,
        "status": version.status,
        "revision": version.revision,
        "start": version.start,
        "end": version.end,
        "supersedes_id": version.supersedes_id,
        "notes": version.notes if show_goals else None,
        "signed_on": version.signed_on,
        "sign_method": version.sign_method,
        "signed_by_representative_id": version.signed_by_representative_id,
        "overrun_allowance": version.overrun_allowance,
        "overrun_reason": version.overrun_reason,
        "extension": version.extension,
        "goals": [_goal_out(g) for g in version.goals.all()] if show_goals else None,
        "lines": [_line_out(line) for line in selectors.version_lines(version)],
        "budget": [
            {
                "label": f.period.label,
                "start": f.period.start,
                "end": f.period.end,
                "budget": f.period.budget,
                "allowance": f.allowance,
                "planned": f.planned,
                "over": f.over,
                "fits": f.fits,
            }
            for f in fits
        ],
        "budget_total": selectors.version_budget_total(version),
        "problems": [selectors.budget_problem_text(f) for f in fits if not f.fits],
        "warnings": selectors.version_warnings(version),
        "letters": list(version.letters.all()),
    }


def _goal_out(goal: Goal) -> dict[str, Any]:
    return {
        "id": goal.pk,
        "key": str(goal.key),
        "term": goal.term,
        "domain": goal.domain,
        "decision_domain": goal.decision_domain,
        "text": goal.text,
        "progress_measure": goal.progress_measure,
        "outcome": goal.outcome,
        "outcome_reviewed_on": goal.outcome_reviewed_on,
        "outcome_note": goal.outcome_note,
    }


def _review_out(review: PlanReview) -> dict[str, Any]:
    return {
        "id": review.pk,
        "plan_id": review.plan_id,
        "version_id": review.version_id,
        "reviewed_on": review.reviewed_on,
        "started_paid_work": review.started_paid_work,
        "moved_to_live_on_own": review.moved_to_live_on_own,
        "widened_support_circle": review.widened_support_circle,
        "note": review.note,
    }


def _line_out(line: PlanLine) -> dict[str, Any]:
    return {
        **{name: getattr(line, name) for name in LineOut.model_fields if name not in ("key",)},
        "key": str(line.key),
    }


def _letter_out(letter: GuaranteeLetter) -> dict[str, Any]:
    return {
        **{
            name: getattr(letter, name)
            for name in LetterOut.model_fields
            if name not in ("municipality",)
        },
        "municipality": letter.municipality.code,
    }


def _line_data(payload: Schema) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True, mode="python")
    data.pop("revision", None)
    for name in ("service_type", "provider", "goal", "recipient"):
        if f"{name}_id" in data:
            data[name] = data.pop(f"{name}_id")
    return data


# --- plans and versions ----------------------------------------------------------------------


@router.get("/clients/{client_id}/plans", response=list[PlanOut], summary="Klienta plāni")
def list_plans(request: AuthedHttpRequest, client_id: int) -> list[dict[str, Any]]:
    client = people_selectors.client_get(user=request.user, pk=client_id)
    return [
        {
            "id": plan.pk,
            "client_id": plan.client_id,
            "versions": [
                {"id": v.pk, "number": v.number, "status": v.status, "start": v.start, "end": v.end}
                for v in selectors.version_list(plan=plan)
            ],
        }
        for plan in selectors.plan_list(user=request.user, client=client)
    ]


@router.post(
    "/clients/{client_id}/plans", response={201: VersionOut}, summary="Jauns plāns (melnraksts)"
)
def create_plan(request: AuthedHttpRequest, client_id: int, payload: PlanIn) -> tuple[int, Any]:
    client = people_selectors.client_get(user=request.user, pk=client_id)
    version = services.plan_create(
        actor=request.user, client=client, start=payload.start, end=payload.end, notes=payload.notes
    )
    return 201, _version_out(request.user, version)


@router.get("/versions/{version_id}", response=VersionOut, summary="Plāna versija")
def get_version(request: AuthedHttpRequest, version_id: int) -> dict[str, Any]:
    version = selectors.version_get(user=request.user, pk=version_id)
    if plan_policy.can(request.user, Action.VIEW_NOTES, version):
        services.plan_view_record(actor=request.user, version=version, what="api")
    return _version_out(request.user, version)


@router.patch("/versions/{version_id}", response=VersionOut, summary="Labot melnrakstu")
def update_version(
    request: AuthedHttpRequest, version_id: int, payload: VersionPatch
) -> dict[str, Any]:
    version = selectors.version_get(user=request.user, pk=version_id)
    data = payload.model_dump(exclude_unset=True, exclude_none=True, mode="python")
    revision = data.pop("revision")
    version = services.version_update(
        actor=request.user, version=version, revision=revision, data=data
    )
    return _version_out(request.user, version)


@router.post("/versions/{version_id}/goals", response={201: GoalOut}, summary="Pievienot mērķi")
def add_goal(request: AuthedHttpRequest, version_id: int, payload: GoalIn) -> tuple[int, Any]:
    version = selectors.version_get(user=request.user, pk=version_id)
    data = payload.model_dump(mode="python")
    revision = data.pop("revision")
    data["decision_domain"] = data["decision_domain"] or ""
    goal = services.goal_add(actor=request.user, version=version, revision=revision, data=data)
    return 201, _goal_out(goal)


@router.patch("/goals/{goal_id}", response=GoalOut, summary="Labot mērķi")
def update_goal(request: AuthedHttpRequest, goal_id: int, payload: GoalPatch) -> dict[str, Any]:
    goal = selectors.goal_get(user=request.user, pk=goal_id)
    data = payload.model_dump(exclude_unset=True, mode="python")
    revision = data.pop("revision")
    goal = services.goal_update(actor=request.user, goal=goal, revision=revision, data=data)
    return _goal_out(goal)


@router.delete("/goals/{goal_id}", response={204: None}, summary="Dzēst mērķi")
def delete_goal(request: AuthedHttpRequest, goal_id: int, revision: int) -> tuple[int, None]:
    goal = selectors.goal_get(user=request.user, pk=goal_id)
    services.goal_remove(actor=request.user, goal=goal, revision=revision)
    return 204, None


@router.post(
    "/versions/{version_id}/lines", response={201: LineOut}, summary="Pievienot pakalpojumu"
)
def add_line(request: AuthedHttpRequest, version_id: int, payload: LineIn) -> tuple[int, Any]:
    version = selectors.version_get(user=request.user, pk=version_id)
    line = services.line_add(
        actor=request.user,
        version=version,
        revision=payload.revision,
        data=_line_data(payload),
    )
    return 201, _line_out(line)


@router.patch("/lines/{line_id}", response=LineOut, summary="Labot pakalpojumu")
def update_line(request: AuthedHttpRequest, line_id: int, payload: LinePatch) -> dict[str, Any]:
    line = selectors.line_get(user=request.user, pk=line_id)
    line = services.line_update(
        actor=request.user, line=line, revision=payload.revision, data=_line_data(payload)
    )
    return _line_out(line)


@router.delete("/lines/{line_id}", response={204: None}, summary="Dzēst pakalpojumu")
def delete_line(request: AuthedHttpRequest, line_id: int, revision: int) -> tuple[int, None]:
    line = selectors.line_get(user=request.user, pk=line_id)
    services.line_remove(actor=request.user, line=line, revision=revision)
    return 204, None


@router.post(
    "/lines/{line_id}/price-approval",
    response=LineOut,
    summary="Apstiprināt norunāto cenu virs tarifa (vadītājs)",
)
def approve_line_price(
    request: AuthedHttpRequest, line_id: int, payload: PriceApprovalIn
) -> dict[str, Any]:
    line = selectors.line_get(user=request.user, pk=line_id)
    line = services.line_price_approve(actor=request.user, line=line, revision=payload.revision)
    return _line_out(line)


@router.post(
    "/versions/{version_id}/overrun",
    response=VersionOut,
    summary="Apstiprināt budžeta pārsniegumu (vadītājs)",
)
def approve_overrun(
    request: AuthedHttpRequest, version_id: int, payload: OverrunIn
) -> dict[str, Any]:
    version = selectors.version_get(user=request.user, pk=version_id)
    version = services.overrun_approve(
        actor=request.user,
        version=version,
        revision=payload.revision,
        allowance=payload.allowance,
        reason=payload.reason,
    )
    return _version_out(request.user, version)


@router.post(
    "/versions/{version_id}/agree",
    response=VersionOut,
    summary="Saskaņot un parakstīt; izsniedz garantijas vēstules",
)
def agree_version(request: AuthedHttpRequest, version_id: int, payload: AgreeIn) -> dict[str, Any]:
    version = selectors.version_get(user=request.user, pk=version_id)
    version = services.version_agree(
        actor=request.user,
        version=version,
        revision=payload.revision,
        signed_on=payload.signed_on,
        sign_method=payload.sign_method,
        signed_by_representative=payload.signed_by_representative_id,
    )
    return _version_out(request.user, version)


@router.post("/versions/{version_id}/activate", response=VersionOut, summary="Ieviest")
def activate_version(request: AuthedHttpRequest, version_id: int) -> dict[str, Any]:
    version = selectors.version_get(user=request.user, pk=version_id)
    version = services.version_activate(actor=request.user, version=version)
    return _version_out(request.user, version)


@router.post(
    "/versions/{version_id}/new-version", response={201: VersionOut}, summary="Jauna versija"
)
def new_version(request: AuthedHttpRequest, version_id: int) -> tuple[int, Any]:
    version = selectors.version_get(user=request.user, pk=version_id)
    draft = services.version_new(actor=request.user, version=version)
    return 201, _version_out(request.user, draft)


@router.post(
    "/versions/{version_id}/extend",
    response={201: VersionOut},
    summary="Pagarināt periodu tā paša budžeta ietvaros",
)
def extend_version(
    request: AuthedHttpRequest, version_id: int, payload: ExtendIn
) -> tuple[int, Any]:
    version = selectors.version_get(user=request.user, pk=version_id)
    draft = services.version_extend(
        actor=request.user, version=version, end=payload.end, from_date=payload.from_date
    )
    return 201, _version_out(request.user, draft)


@router.post("/goals/{goal_id}/outcome", response=GoalOut, summary="Ierakstīt mērķa rezultātu")
def record_goal_outcome(
    request: AuthedHttpRequest, goal_id: int, payload: OutcomeIn
) -> dict[str, Any]:
    goal = selectors.goal_get(user=request.user, pk=goal_id)
    goal = services.goal_outcome_record(
        actor=request.user,
        goal=goal,
        outcome=payload.outcome.value,
        reviewed_on=payload.reviewed_on,
        note=payload.note,
    )
    return _goal_out(goal)


@router.get("/plans/{plan_id}/reviews", response=list[ReviewOut], summary="Plāna pārskatīšanas")
def list_reviews(request: AuthedHttpRequest, plan_id: int) -> list[dict[str, Any]]:
    plan = selectors.plan_get(user=request.user, pk=plan_id)
    if not plan_policy.can(request.user, Action.VIEW_NOTES, plan):
        raise Http404
    return [_review_out(r) for r in plan.reviews.all()]


@router.post(
    "/plans/{plan_id}/reviews", response={201: ReviewOut}, summary="Ierakstīt pārskatīšanu"
)
def record_review(request: AuthedHttpRequest, plan_id: int, payload: ReviewIn) -> tuple[int, Any]:
    plan = selectors.plan_get(user=request.user, pk=plan_id)
    data = payload.model_dump(mode="python")
    outcomes = {
        goal_id: {"outcome": o["outcome"].value, "note": o["note"]}
        for goal_id, o in data.pop("outcomes").items()
    }
    review = services.plan_review_record(actor=request.user, plan=plan, outcomes=outcomes, **data)
    return 201, _review_out(review)


@router.post("/versions/{version_id}/close", response=VersionOut, summary="Slēgt plānu")
def close_version(request: AuthedHttpRequest, version_id: int, payload: CloseIn) -> dict[str, Any]:
    version = selectors.version_get(user=request.user, pk=version_id)
    version = services.version_close(actor=request.user, version=version, reason=payload.reason)
    return _version_out(request.user, version)


@router.get(
    "/versions/{version_id}/compare", response=ComparisonOut, summary="Salīdzināt divas versijas"
)
def compare_versions(
    request: AuthedHttpRequest, version_id: int, with_version: int | None = None
) -> dict[str, Any]:
    version = selectors.version_get(user=request.user, pk=version_id)
    old, new = selectors.versions_compared(
        user=request.user, version=version, other_pk=with_version or version.supersedes_id or 0
    )
    show_goals = plan_policy.can(request.user, Action.VIEW_NOTES, version)
    c = selectors.version_compare(old, new, show_goals=show_goals)

    def change(item: Any) -> dict[str, Any]:
        return {
            "kind": item.kind,
            "label": item.label,
            "changes": item.changes,
            "money_before": item.money_before,
            "money_after": item.money_after,
            "difference": item.difference,
        }

    return {
        "old_id": old.pk,
        "new_id": new.pk,
        "goals": [change(g) for g in c.goals] if show_goals else None,
        "lines": [change(line) for line in c.lines],
        "periods": [
            {"label": p.label, "before": p.before, "after": p.after, "difference": p.difference}
            for p in c.periods
        ],
        "total_before": c.total_before,
        "total_after": c.total_after,
        "budget_before": c.budget_before,
        "budget_after": c.budget_after,
    }


# --- letters ---------------------------------------------------------------------------------


@router.get(
    "/versions/{version_id}/letters", response=list[LetterOut], summary="Garantijas vēstules"
)
def list_letters(request: AuthedHttpRequest, version_id: int) -> list[dict[str, Any]]:
    version = selectors.version_get(user=request.user, pk=version_id)
    return [_letter_out(x) for x in selectors.letter_list(user=request.user, plan=version.plan)]


@router.get("/letters/{letter_id}", response=LetterOut, summary="Garantijas vēstule")
def get_letter(request: AuthedHttpRequest, letter_id: int) -> dict[str, Any]:
    return _letter_out(selectors.letter_get(user=request.user, pk=letter_id))


@router.get("/letters/{letter_id}/pdf", summary="Garantijas vēstule PDF formātā")
def get_letter_pdf(request: AuthedHttpRequest, letter_id: int) -> HttpResponse:
    letter = selectors.letter_get(user=request.user, pk=letter_id)
    services.letter_download_record(actor=request.user, letter=letter)
    return documents.letter_pdf_response(letter)
