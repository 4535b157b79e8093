"""A version's way into force and out of it: the head's approval of an overrun, the person's
agreement and signature (which issues the letters), activation and closing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_for_client
from atbalsts.core.dates import dmy, recorded_at
from atbalsts.core.errors import DomainError
from atbalsts.core.money import round_money
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    choice_field,
    date_field,
    raise_if_errors,
    text_field,
)
from atbalsts.people.models import Client, LegalCapacity, Representative, TargetGroup

from ..errors import BudgetExceeded, PlanNotAgreed, PlanWrongStatus
from ..models import PlanStatus, PlanVersion, SignMethod
from ..policies import plan_policy
from ..selectors import budget_problem_text, version_budget_fit
from .drafts import bump_revision, lock_draft
from .inputs import exact_decimal, instance_field, reported
from .letters import letters_issue

MAX_OVERRUN_ALLOWANCE = Decimal("100000.00")


def _allowance(value: object, errors: dict[str, list[str]]) -> Decimal | None:
    amount = None if value in (None, "") else exact_decimal(value)
    if amount is None:
        add_error(
            errors,
            "allowance",
            _("Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata."),
        )
        return None
    if not amount.is_finite() or amount != round_money(amount) or amount < 0:
        add_error(
            errors,
            "allowance",
            _("Summai jābūt nenegatīvai, ar ne vairāk kā diviem cipariem aiz komata."),
        )
        return None
    if amount > MAX_OVERRUN_ALLOWANCE:
        add_error(errors, "allowance", _("Summa ir pārāk liela."))
        return None
    return amount


@transaction.atomic
def overrun_approve(
    *, actor: Actor, version: PlanVersion, revision: object, allowance: object, reason: object
) -> PlanVersion:
    """Allow the draft's individual-budget part to pass each period's budget by `allowance`."""
    plan_policy.require(actor, Action.DECIDE, version)
    version = lock_draft(version, revision)
    errors: dict[str, list[str]] = {}
    amount = _allowance(allowance, errors)
    why = text_field(reason, "reason", errors, limit=1000, required=bool(amount))
    raise_if_errors(errors)
    amount = reported(amount, "allowance")
    version.overrun_allowance = amount
    version.overrun_reason = why
    version.overrun_approved_by = actor if amount else None
    version.overrun_approved_at = timezone.now() if amount else None
    version.save(
        update_fields=[
            "overrun_allowance",
            "overrun_reason",
            "overrun_approved_by",
            "overrun_approved_at",
            "updated_at",
        ]
    )
    bump_revision(version)
    audit_for_client(
        actor,
        AuditEventType.PLAN_OVERRUN_APPROVED,
        version,
        version.plan.client,
        {"allowance": str(amount), "reason": why},
    )
    return version


def _check_signer(
    client: Client, representative: object, signed_on: dt.date | None, errors: dict[str, list[str]]
) -> Representative | None:
    signer = instance_field(
        Representative, representative, "signed_by_representative", errors, client=client
    )
    if signer is not None and signed_on and not signer.is_valid_on(signed_on):
        add_error(
            errors,
            "signed_by_representative",
            _("Pārstāvja pilnvaras %(day)s nav spēkā.") % {"day": dmy(signed_on)},
        )
    if (
        signer is None
        and "signed_by_representative" not in errors
        and (
            client.target_group == TargetGroup.CHILD_FT
            or client.legal_capacity in (LegalCapacity.MINOR, LegalCapacity.LIMITED)
        )
    ):
        add_error(
            errors,
            "signed_by_representative",
            _("Klienta vārdā plānu paraksta vecāks, aizbildnis vai likumiskais pārstāvis."),
        )
    return signer


@transaction.atomic
def version_agree(
    *,
    actor: Actor,
    version: PlanVersion,
    revision: object,
    signed_on: object,
    sign_method: object,
    signed_by_representative: object = None,
    on: dt.date | None = None,
) -> PlanVersion:
    """Record that the person (or their representative) agreed to and signed the draft; issue
    the guarantee letters. `on` is the day the agreement is recorded (default now; an import
    of history names a past day, not before the signature)."""
    plan_policy.require(actor, Action.CHANGE, version)
    version = lock_draft(version, revision)
    client = version.plan.client
    errors: dict[str, list[str]] = {}
    signed_day = date_field(signed_on, "signed_on", errors)
    if signed_day and signed_day > timezone.localdate():
        add_error(errors, "signed_on", _("Parakstīšanas datums nevar būt nākotnē."))
    method = choice_field(sign_method, "sign_method", errors, SignMethod, required=True)
    signer = _check_signer(client, signed_by_representative, signed_day, errors)
    raise_if_errors(errors)
    signed_day = reported(signed_day, "signed_on")
    if not version.goals.exists():
        raise DomainError(_("Plānā nav neviena mērķa; pievienojiet mērķus."), field="goals")
    if not version.lines.exists():
        raise DomainError(_("Plānā nav neviena pakalpojuma; pievienojiet tos."), field="lines")
    problems = [budget_problem_text(f) for f in version_budget_fit(version) if not f.fits]
    if problems:
        raise BudgetExceeded(" ".join(problems), field="lines")
    version.status = PlanStatus.AGREED
    version.signed_on = signed_day
    version.sign_method = method
    version.signed_by_representative = signer
    version.agreed_at = recorded_at(on, field="agreed_on", not_before=signed_day)
    version.agreed_by = actor
    version.revision += 1
    version.save()
    audit_for_client(
        actor,
        AuditEventType.PLAN_AGREED,
        version,
        client,
        {
            "signed_on": signed_day.isoformat(),
            "sign_method": method,
            "signed_by_representative": signer.pk if signer else None,
        },
    )
    letters_issue(actor=actor, version=version, on=on)
    return version


@transaction.atomic
def version_activate(
    *, actor: Actor, version: PlanVersion, on: dt.date | None = None
) -> PlanVersion:
    """Put an agreed version in force; the version it replaces is superseded. `on`: the day
    it is recorded (default now; not before the agreement)."""
    plan_policy.require(actor, Action.CHANGE, version)
    version = (
        PlanVersion.objects.select_for_update()
        .select_related("plan", "plan__client")
        .get(pk=version.pk)
    )
    if version.status == PlanStatus.DRAFT or not version.is_signed:
        raise PlanNotAgreed()
    if version.status != PlanStatus.AGREED:
        raise PlanWrongStatus(
            _("Ieviest var tikai saskaņotu versiju; šī ir «%(status)s».")
            % {"status": version.get_status_display()}
        )
    client = version.plan.client
    for old in (
        PlanVersion.objects.select_for_update()
        .filter(plan=version.plan, status__in=[PlanStatus.ACTIVE, PlanStatus.AGREED])
        .exclude(pk=version.pk)
    ):
        old.status = PlanStatus.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
        audit_for_client(actor, AuditEventType.PLAN_SUPERSEDED, old, client, {"by": version.pk})
    version.status = PlanStatus.ACTIVE
    version.activated_at = recorded_at(on, field="activated_on", not_before=version.agreed_at)
    version.save(update_fields=["status", "activated_at", "updated_at"])
    audit_for_client(
        actor, AuditEventType.PLAN_ACTIVATED, version, client, {"number": version.number}
    )
    return version


@transaction.atomic
def version_close(*, actor: Actor, version: PlanVersion, reason: object) -> PlanVersion:
    plan_policy.require(actor, Action.CHANGE, version)
    version = (
        PlanVersion.objects.select_for_update().select_related("plan__client").get(pk=version.pk)
    )
    if version.status != PlanStatus.ACTIVE:
        raise PlanWrongStatus(_("Slēgt var tikai spēkā esošu plānu."))
    errors: dict[str, list[str]] = {}
    why = text_field(reason, "reason", errors, limit=500, required=True)
    raise_if_errors(errors)
    version.status = PlanStatus.CLOSED
    version.closed_at = timezone.now()
    version.close_reason = why
    version.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
    audit_for_client(
        actor, AuditEventType.PLAN_CLOSED, version, version.plan.client, {"reason": why}
    )
    return version
