"""Overrides of an indicative budget: a social worker proposes another monthly amount with a
reason, and another person (the head) approves or rejects it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_for_client
from atbalsts.core.errors import DomainError, ValidationFailed
from atbalsts.core.money import round_money
from atbalsts.core.policies import Action
from atbalsts.core.validation import add_error

from ..models import BudgetOverride, IndicativeBudget, OverrideStatus
from ..policies import budget_policy
from .errors import OverridePending, SelfApproval
from .inputs import monthly_amount_field, required_text

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

MAX_REASON = 2000
MAX_NOTE = 500


def _audit_override(
    actor: Actor, event: AuditEventType, override: BudgetOverride, extra: dict[str, Any]
) -> None:
    audit_for_client(actor, event, override, override.budget.period.client, extra)


@transaction.atomic
def override_propose(
    *, actor: Actor, budget: IndicativeBudget, monthly_amount: object, reason: object
) -> BudgetOverride:
    """Propose a different monthly amount; it applies only once the head approves it."""
    budget_policy.require(actor, Action.CHANGE, budget)
    budget = (
        IndicativeBudget.objects.select_for_update()
        .select_related("period__client")
        .get(pk=budget.pk)
    )
    if not budget.is_current:
        raise DomainError(_("Šis budžets vairs nav spēkā; mainiet spēkā esošo."))
    if budget.overrides.filter(status=OverrideStatus.PROPOSED).exists():
        raise OverridePending()
    errors: dict[str, list[str]] = {}
    amount = monthly_amount_field(monthly_amount, "monthly_amount", errors)
    why = required_text(
        reason,
        "reason",
        errors,
        limit=MAX_REASON,
        missing=_("Norādiet, kāpēc vajadzīga cita summa."),
    )
    if amount is not None and amount == budget.monthly_amount:
        add_error(errors, "monthly_amount", _("Ierosinātā summa ir tāda pati kā pašreizējā."))
    if amount is None or errors:
        raise ValidationFailed(errors)
    override = BudgetOverride.objects.create(
        budget=budget, monthly_amount=amount, reason=why, proposed_by=actor
    )
    _audit_override(
        actor,
        AuditEventType.BUDGET_OVERRIDE_PROPOSED,
        override,
        {"budget": budget.pk, "from": str(budget.monthly_amount), "to": str(amount), "reason": why},
    )
    return override


@transaction.atomic
def override_decide(
    *, actor: Actor, override: BudgetOverride, approve: bool, note: object = ""
) -> BudgetOverride:
    """The head approves or rejects a proposed amount; approving changes the budget."""
    budget_policy.require(actor, Action.DECIDE, override)
    override = (
        BudgetOverride.objects.select_for_update()
        .select_related("budget__period__client")
        .get(pk=override.pk)
    )
    if override.status != OverrideStatus.PROPOSED:
        raise DomainError(_("Par šo summas maiņu jau ir lemts."))
    if budget_policy.proposed_override(actor, override):
        raise SelfApproval()
    note_text = note.strip() if isinstance(note, str) else ""
    if len(note_text) > MAX_NOTE:
        raise ValidationFailed(
            {"decision_note": [_("Ne vairāk kā %(n)s zīmes.") % {"n": MAX_NOTE}]}
        )
    budget = IndicativeBudget.objects.select_for_update().get(pk=override.budget_id)
    if approve and not budget.is_current:
        raise DomainError(_("Budžets pa to laiku aprēķināts no jauna; šo maiņu apstiprināt nevar."))
    override.status = OverrideStatus.APPROVED if approve else OverrideStatus.REJECTED
    override.decided_by = actor
    override.decided_at = timezone.now()
    override.decision_note = note_text
    override.save()
    extra: dict[str, Any] = {"budget": budget.pk, "note": note_text}
    if approve:
        before = (budget.monthly_amount, budget.period_amount)
        budget.monthly_amount = override.monthly_amount
        budget.period_amount = round_money(override.monthly_amount * budget.period.months)
        budget.save(update_fields=["monthly_amount", "period_amount", "updated_at"])
        extra.update(
            {
                "monthly_amount": {"before": str(before[0]), "after": str(budget.monthly_amount)},
                "period_amount": {"before": str(before[1]), "after": str(budget.period_amount)},
            }
        )
    _audit_override(
        actor,
        AuditEventType.BUDGET_OVERRIDE_APPROVED
        if approve
        else AuditEventType.BUDGET_OVERRIDE_REJECTED,
        override,
        extra,
    )
    return override
