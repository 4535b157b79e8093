"""The assessment sheets: completed needs assessments and the budget periods computed from them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from atbalsts.assessment import services as assessment_services
from atbalsts.assessment.models import AssessmentStatus, NeedsAssessment
from atbalsts.core.dates import dmy
from atbalsts.people.models import TargetGroup

from .rows import HISTORY_KEYS, Context, Row, checksum, fail


def assessment(ctx: Context, row: Row) -> str:
    """A completed needs assessment: what a budget is computed from."""
    values = row.values
    code, day = values["client_personal_code"], values["assessed_on"]
    key = HISTORY_KEYS["assessments"](values)
    digest = checksum([values])
    if ctx.known("assessments", key, digest, "assessed_on"):
        return "unchanged"
    client = ctx.client_of(code)
    goals = "common_goals" if client.target_group == TargetGroup.CHILD_FT else "own_goals"
    data: dict[str, Any] = {
        "assessed_on": day,
        "scores": values["scores"],
        goals: values["goals"],
    }
    for column in ("conclusions", "anamnesis", "family_description"):
        if values.get(column) not in (None, "", []):
            data[column] = values[column]
    created = assessment_services.assessment_create(actor=ctx.actor, client=client, data=data)
    assessment_services.assessment_complete(
        actor=ctx.actor, assessment=created, on=values.get("completed_on")
    )
    ctx.remember("assessments", key, digest, created.pk)
    return "created"


def budget(ctx: Context, row: Row) -> str:
    """A budget period and its indicative budget, computed from an imported (or earlier)
    completed assessment by the allocation rule in force; `band` and `monthly_amount`,
    if given, must be what the rule gives. The budget as it was granted: `granted_amount`
    (the period's total) where a named person decided another amount (`decided_by`,
    `decided_on`, `decision`), and an overrun approved then (`overrun_amount`, `_approved_by`,
    `_approved_on`, `overrun_reason`); the budget checks then use these."""
    values = row.values
    code, start = values["client_personal_code"], values["start"]
    key = HISTORY_KEYS["budgets"](values)
    digest = checksum([values])
    if ctx.known("budgets", key, digest, "start"):
        return "unchanged"
    client = ctx.client_of(code)
    completed = NeedsAssessment.objects.filter(
        client=client, status=AssessmentStatus.COMPLETED
    ).order_by("-assessed_on", "-id")
    if values.get("assessed_on"):
        found = completed.filter(assessed_on=values["assessed_on"]).first()
    else:
        found = completed.filter(assessed_on__lte=start).first()
    if found is None:
        raise fail(
            "assessed_on",
            _(
                "Klientam nav pabeigta vajadzību izvērtējuma %(when)s; pievienojiet to lapā "
                "„assessments”."
            )
            % {
                "when": dmy(values["assessed_on"])
                if values.get("assessed_on")
                else _("līdz perioda sākumam")
            },
        )
    period = assessment_services.budget_period_create(
        actor=ctx.actor, client=client, start=start, months=values["months"]
    )
    computed = assessment_services.budget_compute(actor=ctx.actor, period=period, assessment=found)
    band = values.get("band")
    if band and band != computed.band_code:
        raise fail(
            "band",
            _("Pēc izvērtējuma budžeta grupa ir „%(computed)s”, nevis „%(given)s”.")
            % {"computed": computed.band_code, "given": band[:20]},
        )
    amount = values.get("monthly_amount")
    granted = values.get("granted_amount")
    if granted is None and amount is not None and amount != computed.monthly_amount:
        raise fail(
            "monthly_amount",
            _("Pēc izvērtējuma budžets ir %(computed)s € mēnesī, nevis %(given)s €.")
            % {"computed": computed.monthly_amount, "given": amount},
        )
    if granted is not None or values.get("overrun_amount"):
        assessment_services.budget_grant_record(
            actor=ctx.actor,
            budget=computed,
            period_amount=granted,
            decided_by=values.get("decided_by", ""),
            decided_on=values.get("decided_on"),
            reason=values.get("decision", ""),
            overrun_amount=values.get("overrun_amount"),
            overrun_by=values.get("overrun_approved_by", ""),
            overrun_on=values.get("overrun_approved_on"),
            overrun_reason=values.get("overrun_reason", ""),
        )
    ctx.remember("budgets", key, digest, period.pk)
    return "created"
