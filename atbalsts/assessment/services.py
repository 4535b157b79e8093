"""Writes of assessments, budget periods, budgets, overrides and allocation rules.

Each checks permission, enforces the rules of DOMAIN.md §4 and writes its audit event in the
same transaction. Assessment content is special-category data: audit events name the fields
that changed, never their content.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any, TypeGuard

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.dates import recorded_at
from atbalsts.core.errors import DomainError, ValidationFailed
from atbalsts.core.money import CENT, parse_money, round_money
from atbalsts.core.policies import Action
from atbalsts.core.validation import add_error, raise_if_errors
from atbalsts.people.models import Client, Municipality, TargetGroup

from .dates import period_end
from .models import (
    INTENSITIES,
    MAX_INTENSITY,
    AllocationBand,
    AllocationRule,
    AssessmentStatus,
    BudgetOverride,
    BudgetPeriod,
    DomainScore,
    IndicativeBudget,
    NeedsAssessment,
    OverrideStatus,
    RecommendedService,
    SpecialistConclusion,
    SpecialistRole,
    domains_for,
)
from .policies import assessment_policy, budget_policy, rule_policy
from .selectors import NoRuleInForce, assessment_latest_completed, budget_calculate, rule_in_force

ADULT_FIELDS = ("own_goals", "anamnesis", "family_description")
CHILD_FIELDS = ("common_goals", "conclusions", "recommended_services")
COMMON_FIELDS = ("assessed_on", "scores")
TEXT_LIMITS = {"anamnesis": 10000, "family_description": 5000}
MAX_GOALS = 30
MAX_GOAL_LENGTH = 500
MAX_RECOMMENDED = 50
MAX_PERIOD_MONTHS = 36
MAX_MONTHLY_AMOUNT = Decimal("100000.00")
MAX_POINTS = 1000

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Extension → the bytes such a file starts with; the name alone proves nothing.
DOCUMENT_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (b"PK\x03\x04",),
}


class AssessmentCompleted(DomainError):
    code = "assessment_completed"
    default_message = _(
        "Pabeigtu izvērtējumu labot nevar. Ja vajadzības ir mainījušās, veiciet atkārtotu "
        "izvērtēšanu."
    )


class PeriodOverlap(DomainError):
    code = "period_overlap"


class RuleOverlap(DomainError):
    code = "rule_overlap"


class RuleInUse(DomainError):
    code = "rule_in_use"
    default_message = _(
        "Ar šo noteikumu jau aprēķināti budžeti, tāpēc to mainīt nevar. Izveidojiet jaunu "
        "noteikumu, kas stājas spēkā no vēlamā datuma; šis beigsies dienu iepriekš."
    )


class OverridePending(DomainError):
    code = "override_pending"
    default_message = _("Šim budžetam jau ir iesniegta summas maiņa, kas gaida lēmumu.")


class SelfApproval(DomainError):
    code = "override_self_approval"
    default_message = _("Par summas maiņu lemj cits darbinieks, nevis tas, kurš to ierosināja.")


# --- assessments -----------------------------------------------------------------------------


def _clean_goals(value: Any, field: str, errors: dict[str, list[str]]) -> list[str]:
    if not isinstance(value, list | tuple):
        add_error(errors, field, _("Mērķiem jābūt sarakstam."))
        return []
    goals: list[str] = []
    for item in value:
        if not isinstance(item, str):
            add_error(errors, field, _("Katram mērķim jābūt tekstam."))
            return []
        text = item.strip()
        if not text:
            continue
        if len(text) > MAX_GOAL_LENGTH:
            add_error(
                errors,
                field,
                _("Mērķis nedrīkst būt garāks par %(n)s zīmēm.") % {"n": MAX_GOAL_LENGTH},
            )
            return []
        goals.append(text)
    if len(goals) > MAX_GOALS:
        add_error(errors, field, _("Ne vairāk kā %(n)s mērķi.") % {"n": MAX_GOALS})
    return goals


def _clean_scores(value: Any, target_group: str, errors: dict[str, list[str]]) -> dict[str, int]:
    if not isinstance(value, Mapping):
        add_error(errors, "scores", _("Vērtējumiem jābūt jomu un intensitāšu sarakstam."))
        return {}
    allowed = {d.value for d in domains_for(target_group)}
    scores: dict[str, int] = {}
    for domain, intensity in value.items():
        field = f"scores.{domain}"
        if domain not in allowed:
            add_error(
                errors,
                field,
                _("Joma neattiecas uz mērķa grupu «%(group)s».")
                % {"group": TargetGroup(target_group).label},
            )
            continue
        if intensity is None or intensity == "":
            continue
        if isinstance(intensity, bool) or not isinstance(intensity, int):
            add_error(errors, field, _("Intensitātei jābūt veselam skaitlim no 0 līdz 4."))
            continue
        if intensity not in INTENSITIES:
            add_error(
                errors, field, _("Intensitātei jābūt no 0 līdz %(max)s.") % {"max": MAX_INTENSITY}
            )
            continue
        scores[domain] = intensity
    return scores


def validate_document(upload: UploadedFile) -> str:
    """Refuse anything but a PDF, JPEG, PNG or DOCX of at most 10 MB; return the suffix."""
    suffix = PurePath(upload.name or "").suffix.lower()
    signatures = DOCUMENT_SIGNATURES.get(suffix)
    if signatures is None:
        raise ValidationFailed({"document": [_("Atļauti tikai PDF, JPEG, PNG un DOCX dokumenti.")]})
    if upload.size is None or upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationFailed({"document": [_("Dokuments nedrīkst būt lielāks par 10 MB.")]})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationFailed(
            {"document": [_("Faila saturs neatbilst tā paplašinājumam %(ext)s.") % {"ext": suffix}]}
        )
    return suffix


def _clean_conclusions(value: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple):
        add_error(errors, "conclusions", _("Atzinumiem jābūt sarakstam."))
        return []
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        prefix = f"conclusions.{index}"
        if not isinstance(item, Mapping):
            add_error(errors, prefix, _("Nederīgs atzinums."))
            continue
        unknown = set(item) - {"role", "text", "document", "clear_document"}
        for name in sorted(unknown):
            add_error(errors, f"{prefix}.{name}", _("Nezināms lauks."))
        role = item.get("role")
        if role not in SpecialistRole.values:
            add_error(errors, f"{prefix}.role", _("Izvēlieties speciālistu."))
            continue
        if role in seen:
            add_error(errors, f"{prefix}.role", _("Katram speciālistam ir viens atzinums."))
            continue
        seen.add(role)
        text = item.get("text")
        text = text.strip() if isinstance(text, str) else ""
        if not text:
            add_error(errors, f"{prefix}.text", _("Ierakstiet atzinumu."))
        elif len(text) > 10000:
            add_error(errors, f"{prefix}.text", _("Ne vairāk kā %(n)s zīmes.") % {"n": 10000})
        document = item.get("document")
        if document is not None:
            try:
                validate_document(document)
            except ValidationFailed as exc:
                for message in exc.errors["document"]:
                    add_error(errors, f"{prefix}.document", message)
        cleaned.append(
            {
                "role": role,
                "text": text,
                "document": document,
                "clear_document": bool(item.get("clear_document")),
            }
        )
    return cleaned


def _positive_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _clean_recommended(value: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple):
        add_error(errors, "recommended_services", _("Pakalpojumiem jābūt sarakstam."))
        return []
    if len(value) > MAX_RECOMMENDED:
        add_error(
            errors,
            "recommended_services",
            _("Ne vairāk kā %(n)s pakalpojumi.") % {"n": MAX_RECOMMENDED},
        )
        return []
    cleaned: list[dict[str, Any]] = []
    priorities: set[int] = set()
    ranks: set[int] = set()
    allowed = {"priority", "service_name", "intensity", "parents_rank", "service_type_id"}
    for index, item in enumerate(value):
        prefix = f"recommended_services.{index}"
        if not isinstance(item, Mapping):
            add_error(errors, prefix, _("Nederīgs pakalpojums."))
            continue
        for name in sorted(set(item) - allowed):
            add_error(errors, f"{prefix}.{name}", _("Nezināms lauks."))
        priority = item.get("priority")
        if not _positive_int(priority):
            add_error(errors, f"{prefix}.priority", _("Prioritātei jābūt veselam skaitlim no 1."))
        elif priority in priorities:
            add_error(errors, f"{prefix}.priority", _("Divi pakalpojumi nevar būt vienā vietā."))
        else:
            priorities.add(priority)
        texts: dict[str, str] = {}
        for name, label_missing in (
            ("service_name", _("Norādiet pakalpojumu.")),
            ("intensity", _("Norādiet intensitāti, piemēram, 2 reizes nedēļā.")),
        ):
            raw = item.get(name)
            text = raw.strip() if isinstance(raw, str) else ""
            if not text:
                add_error(errors, f"{prefix}.{name}", label_missing)
            elif len(text) > 200:
                add_error(errors, f"{prefix}.{name}", _("Ne vairāk kā %(n)s zīmes.") % {"n": 200})
            texts[name] = text
        rank = item.get("parents_rank")
        if rank is not None:
            if not _positive_int(rank):
                add_error(
                    errors, f"{prefix}.parents_rank", _("Vietai jābūt veselam skaitlim no 1.")
                )
            elif rank in ranks:
                add_error(
                    errors, f"{prefix}.parents_rank", _("Vecāki katru vietu piešķir vienreiz.")
                )
            else:
                ranks.add(rank)
        type_id = item.get("service_type_id")
        if type_id is not None and not _positive_int(type_id):
            add_error(errors, f"{prefix}.service_type_id", _("Nederīgs pakalpojuma veids."))
        cleaned.append(
            {
                "priority": priority,
                "service_name": texts.get("service_name", ""),
                "intensity": texts.get("intensity", ""),
                "parents_rank": rank,
                "service_type_id": type_id,
            }
        )
    return cleaned


def _apply_assessment_data(
    assessment: NeedsAssessment, data: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Check `data` against the target group's field set; set plain fields on the instance.

    Returns the cleaned nested parts and the names of the fields given."""
    errors: dict[str, list[str]] = {}
    child = assessment.target_group == TargetGroup.CHILD_FT
    own, other = (CHILD_FIELDS, ADULT_FIELDS) if child else (ADULT_FIELDS, CHILD_FIELDS)
    for name in data:
        if name in other:
            add_error(
                errors,
                name,
                _("Šis lauks attiecas tikai uz bērniem.")
                if name in CHILD_FIELDS
                else _("Šis lauks attiecas tikai uz pilngadīgām personām."),
            )
        elif name not in own and name not in COMMON_FIELDS:
            add_error(errors, name, _("Nezināms lauks."))
    nested: dict[str, Any] = {}
    if "assessed_on" in data:
        day = data["assessed_on"]
        if not isinstance(day, dt.date):
            add_error(errors, "assessed_on", _("Norādiet izvērtēšanas datumu."))
        elif day > timezone.localdate():
            add_error(errors, "assessed_on", _("Izvērtēšanas datums nevar būt nākotnē."))
        elif day < assessment.client.date_of_birth:
            add_error(errors, "assessed_on", _("Izvērtēšanas datums nevar būt pirms dzimšanas."))
        else:
            assessment.assessed_on = day
    for name in ("own_goals", "common_goals"):
        if name in data and name in own:
            setattr(assessment, name, _clean_goals(data[name], name, errors))
    for name, limit in TEXT_LIMITS.items():
        if name in data and name in own:
            raw = data[name]
            text = raw.strip() if isinstance(raw, str) else None
            if text is None:
                add_error(errors, name, _("Jābūt tekstam."))
            elif len(text) > limit:
                add_error(errors, name, _("Ne vairāk kā %(n)s zīmes.") % {"n": limit})
            else:
                setattr(assessment, name, text)
    if "scores" in data:
        nested["scores"] = _clean_scores(data["scores"], assessment.target_group, errors)
    if child and "conclusions" in data:
        nested["conclusions"] = _clean_conclusions(data["conclusions"], errors)
    if child and "recommended_services" in data:
        nested["recommended_services"] = _clean_recommended(data["recommended_services"], errors)
    raise_if_errors(errors)
    return nested, sorted(data)


def _save_nested(assessment: NeedsAssessment, nested: Mapping[str, Any]) -> None:
    if "scores" in nested:
        scores: dict[str, int] = nested["scores"]
        assessment.scores.exclude(domain__in=list(scores)).delete()
        for domain, intensity in scores.items():
            DomainScore.objects.update_or_create(
                assessment=assessment, domain=domain, defaults={"intensity": intensity}
            )
    if "conclusions" in nested:
        existing = {c.role: c for c in assessment.conclusions.all()}
        incoming = {c["role"]: c for c in nested["conclusions"]}
        for role, conclusion in existing.items():
            if role not in incoming:
                _delete_file_on_commit(conclusion)
                conclusion.delete()
        for role, item in incoming.items():
            conclusion = existing.get(role) or SpecialistConclusion(
                assessment=assessment, role=role
            )
            conclusion.text = item["text"]
            if item["document"] is not None or item["clear_document"]:
                _delete_file_on_commit(conclusion)
                conclusion.document = None
                conclusion.document_name = ""
            if item["document"] is not None:
                upload = item["document"]
                conclusion.document_name = PurePath(upload.name).name[:200]
                conclusion.document.save(upload.name, upload, save=False)
            conclusion.save()
    if "recommended_services" in nested:
        assessment.recommended_services.all().delete()
        RecommendedService.objects.bulk_create(
            RecommendedService(assessment=assessment, **item)
            for item in nested["recommended_services"]
        )


def _delete_file_on_commit(conclusion: SpecialistConclusion) -> None:
    if conclusion.pk and conclusion.document:
        storage, name = conclusion.document.storage, conclusion.document.name
        transaction.on_commit(lambda: storage.delete(name))


def _audit_assessment(
    actor: Any, event: AuditEventType, assessment: NeedsAssessment, extra: dict[str, Any]
) -> None:
    audit_record(
        actor=actor,
        event_type=event,
        subject=assessment,
        client_id=assessment.client_id,
        municipality_id=assessment.client.municipality_id,
        extra_data=extra,
    )


@transaction.atomic
def assessment_create(*, actor: Any, client: Client, data: Mapping[str, Any]) -> NeedsAssessment:
    """Start an assessment (or a re-assessment) for the client, as a draft."""
    assessment_policy.require(actor, Action.CREATE, client)
    assessment = NeedsAssessment(
        client=client,
        target_group=client.target_group,
        social_worker=actor,
        assessed_on=timezone.localdate(),
    )
    nested, fields = _apply_assessment_data(assessment, {"assessed_on": None, **data})
    assessment.save()
    _save_nested(assessment, nested)
    _audit_assessment(
        actor,
        AuditEventType.ASSESSMENT_CREATED,
        assessment,
        {"target_group": assessment.target_group, "fields": fields},
    )
    return assessment


@transaction.atomic
def assessment_update(
    *, actor: Any, assessment: NeedsAssessment, data: Mapping[str, Any]
) -> NeedsAssessment:
    assessment_policy.require(actor, Action.CHANGE, assessment)
    assessment = (
        NeedsAssessment.objects.select_for_update().select_related("client").get(pk=assessment.pk)
    )
    if assessment.is_completed:
        raise AssessmentCompleted()
    nested, fields = _apply_assessment_data(assessment, data)
    assessment.save()
    _save_nested(assessment, nested)
    _audit_assessment(actor, AuditEventType.ASSESSMENT_CHANGED, assessment, {"fields": fields})
    return assessment


@transaction.atomic
def assessment_complete(
    *, actor: Any, assessment: NeedsAssessment, on: dt.date | None = None
) -> NeedsAssessment:
    """Close the assessment: from now on it is read-only and a budget may be computed from it.
    `on`: the day it is recorded (default now; an import of history names a past day, not
    before the assessment)."""
    assessment_policy.require(actor, Action.CHANGE, assessment)
    assessment = (
        NeedsAssessment.objects.select_for_update().select_related("client").get(pk=assessment.pk)
    )
    if assessment.is_completed:
        raise AssessmentCompleted(_("Izvērtējums jau ir pabeigts."))
    errors: dict[str, list[str]] = {}
    scored = set(assessment.scores.values_list("domain", flat=True))
    for domain in domains_for(assessment.target_group):
        if domain.value not in scored:
            add_error(
                errors,
                f"scores.{domain.value}",
                _("Novērtējiet atbalsta vajadzību jomā «%(domain)s».") % {"domain": domain.label},
            )
    if assessment.is_child:
        if not assessment.conclusions.exists():
            add_error(errors, "conclusions", _("Pievienojiet vismaz viena speciālista atzinumu."))
        if not assessment.common_goals:
            add_error(errors, "common_goals", _("Ierakstiet vismaz vienu kopīgo mērķi."))
    elif not assessment.own_goals:
        add_error(errors, "own_goals", _("Ierakstiet vismaz vienu personas sapni vai mērķi."))
    raise_if_errors(errors)
    completed_at = recorded_at(on, field="completed_on", not_before=assessment.assessed_on)
    assessment.status = AssessmentStatus.COMPLETED
    assessment.completed_at = completed_at
    assessment.completed_by = actor
    assessment.save(update_fields=["status", "completed_at", "completed_by", "updated_at"])
    _audit_assessment(
        actor,
        AuditEventType.ASSESSMENT_COMPLETED,
        assessment,
        {"assessed_on": assessment.assessed_on.isoformat()},
    )
    return assessment


def assessment_view_record(
    *, actor: Any, assessment: NeedsAssessment, document: SpecialistConclusion | None = None
) -> None:
    """Reading an assessment (or one of its documents) reveals special-category data."""
    extra: dict[str, Any] = {}
    if document is not None:
        extra = {"document": document.pk, "role": document.role}
    _audit_assessment(actor, AuditEventType.ASSESSMENT_VIEWED, assessment, extra)


# --- budget periods and budgets --------------------------------------------------------------


@transaction.atomic
def budget_period_create(
    *,
    actor: Any,
    client: Client,
    start: dt.date,
    months: int,
    end: dt.date | None = None,
) -> BudgetPeriod:
    """A period of whole months; the periods of one client never overlap."""
    budget_policy.require(actor, Action.CREATE, client)
    Client.objects.select_for_update().filter(pk=client.pk).first()
    errors: dict[str, list[str]] = {}
    if not _positive_int(months) or months > MAX_PERIOD_MONTHS:
        add_error(
            errors,
            "months",
            _("Mēnešu skaitam jābūt no 1 līdz %(max)s.") % {"max": MAX_PERIOD_MONTHS},
        )
    raise_if_errors(errors)
    last_day = period_end(start, months)
    if end is not None and end != last_day:
        add_error(
            errors,
            "end",
            _("Periodam no %(start)s ar %(months)s mēnešiem jābeidzas %(end)s.")
            % {
                "start": start.strftime("%d.%m.%Y"),
                "months": months,
                "end": last_day.strftime("%d.%m.%Y"),
            },
        )
    raise_if_errors(errors)
    clash = (
        BudgetPeriod.objects.filter(client=client, start__lte=last_day, end__gte=start)
        .order_by("start")
        .first()
    )
    if clash is not None:
        raise PeriodOverlap(
            _("Periods pārklājas ar citu šī klienta budžeta periodu (%(start)s–%(end)s).")
            % {"start": clash.start.strftime("%d.%m.%Y"), "end": clash.end.strftime("%d.%m.%Y")},
            field="start",
        )
    period = BudgetPeriod.objects.create(client=client, start=start, end=last_day, months=months)
    audit_record(
        actor=actor,
        event_type=AuditEventType.BUDGET_PERIOD_CREATED,
        subject=period,
        client_id=client.pk,
        municipality_id=client.municipality_id,
        extra_data={"start": start.isoformat(), "end": last_day.isoformat(), "months": months},
    )
    return period


@transaction.atomic
def budget_compute(
    *, actor: Any, period: BudgetPeriod, assessment: NeedsAssessment | None = None
) -> IndicativeBudget:
    """Compute the period's indicative budget from a completed assessment by the rule in force
    on the period's first day. The previous budget of the period stays in the history."""
    budget_policy.require(actor, Action.CHANGE, period)
    period = BudgetPeriod.objects.select_for_update().select_related("client").get(pk=period.pk)
    client = period.client
    if assessment is None:
        assessment = assessment_latest_completed(client=client)
        if assessment is None:
            raise DomainError(
                _("Klientam nav pabeigta vajadzību izvērtējuma; budžetu aprēķināt nevar."),
                field="assessment",
            )
    elif assessment.client_id != client.pk:
        raise DomainError(_("Izvērtējums nav šī klienta izvērtējums."), field="assessment")
    rule = rule_in_force(
        municipality=client.municipality_id,
        target_group=assessment.target_group,
        day=period.start,
    )
    if rule is None:
        raise NoRuleInForce(
            _("%(date)s nav spēkā neviena budžeta sadales noteikuma mērķa grupai «%(group)s».")
            % {
                "date": period.start.strftime("%d.%m.%Y"),
                "group": TargetGroup(assessment.target_group).label,
            }
        )
    calculation = budget_calculate(assessment=assessment, rule=rule, months=period.months)
    previous = IndicativeBudget.objects.filter(period=period, is_current=True).first()
    if previous is not None:
        if previous.overrides.filter(status=OverrideStatus.PROPOSED).exists():
            raise OverridePending(
                _("Vispirms izlemiet par iesniegto summas maiņu, tad aprēķiniet no jauna.")
            )
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
    budget = IndicativeBudget.objects.create(
        period=period,
        assessment=assessment,
        rule=rule,
        total_points=calculation.total_points,
        band_code=calculation.band.code,
        computed_monthly_amount=calculation.monthly_amount,
        computed_period_amount=calculation.period_amount,
        monthly_amount=calculation.monthly_amount,
        period_amount=calculation.period_amount,
        explanation=calculation.as_json(),
        computed_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.BUDGET_COMPUTED,
        subject=budget,
        client_id=client.pk,
        municipality_id=client.municipality_id,
        extra_data={
            "period": period.pk,
            "assessment": assessment.pk,
            "rule": rule.pk,
            "total_points": calculation.total_points,
            "band": calculation.band.code,
            "monthly_amount": str(calculation.monthly_amount),
            "period_amount": str(calculation.period_amount),
            "replaces": previous.pk if previous else None,
        },
    )
    return budget


def _clean_amount(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    if isinstance(value, (float, bool)):
        add_error(
            errors, field, _("Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata.")
        )
        return None
    try:
        amount = parse_money(value) if isinstance(value, str) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        add_error(
            errors, field, _("Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata.")
        )
        return None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        add_error(
            errors, field, _("Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata.")
        )
        return None
    if amount <= 0 or amount > MAX_MONTHLY_AMOUNT:
        add_error(
            errors,
            field,
            _("Summai jābūt lielākai par 0 un ne lielākai par %(max)s €.")
            % {"max": MAX_MONTHLY_AMOUNT},
        )
        return None
    return round_money(amount)


def _audit_budget(actor: Any, event: AuditEventType, obj: Any, extra: dict[str, Any]) -> None:
    client = obj.budget.period.client
    audit_record(
        actor=actor,
        event_type=event,
        subject=obj,
        client_id=client.pk,
        municipality_id=client.municipality_id,
        extra_data=extra,
    )


@transaction.atomic
def override_propose(
    *, actor: Any, budget: IndicativeBudget, monthly_amount: Any, reason: str
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
    amount = _clean_amount(monthly_amount, "monthly_amount", errors)
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        add_error(errors, "reason", _("Norādiet, kāpēc vajadzīga cita summa."))
    elif len(reason) > 2000:
        add_error(errors, "reason", _("Ne vairāk kā %(n)s zīmes.") % {"n": 2000})
    if amount is not None and amount == budget.monthly_amount:
        add_error(errors, "monthly_amount", _("Ierosinātā summa ir tāda pati kā pašreizējā."))
    if amount is None or errors:
        raise ValidationFailed(errors)
    override = BudgetOverride.objects.create(
        budget=budget, monthly_amount=amount, reason=reason, proposed_by=actor
    )
    _audit_budget(
        actor,
        AuditEventType.BUDGET_OVERRIDE_PROPOSED,
        override,
        {
            "budget": budget.pk,
            "from": str(budget.monthly_amount),
            "to": str(amount),
            "reason": reason,
        },
    )
    return override


@transaction.atomic
def override_decide(
    *, actor: Any, override: BudgetOverride, approve: bool, note: str = ""
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
    if override.proposed_by_id == actor.pk:
        raise SelfApproval()
    note = note.strip() if isinstance(note, str) else ""
    if len(note) > 500:
        raise ValidationFailed({"decision_note": [_("Ne vairāk kā %(n)s zīmes.") % {"n": 500}]})
    budget = IndicativeBudget.objects.select_for_update().get(pk=override.budget_id)
    if approve and not budget.is_current:
        raise DomainError(_("Budžets pa to laiku aprēķināts no jauna; šo maiņu apstiprināt nevar."))
    override.status = OverrideStatus.APPROVED if approve else OverrideStatus.REJECTED
    override.decided_by = actor
    override.decided_at = timezone.now()
    override.decision_note = note
    override.save()
    extra: dict[str, Any] = {"budget": budget.pk, "note": note}
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
    _audit_budget(
        actor,
        AuditEventType.BUDGET_OVERRIDE_APPROVED
        if approve
        else AuditEventType.BUDGET_OVERRIDE_REJECTED,
        override,
        extra,
    )
    return override


# --- allocation rules ------------------------------------------------------------------------

RULE_FIELDS = ("target_group", "name", "valid_from", "valid_to", "points", "bands")


def _clean_points(value: Any, target_group: str, errors: dict[str, list[str]]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        add_error(errors, "points", _("Punktiem jābūt tabulai: katrai jomai pieci skaitļi."))
        return {}
    domains = domains_for(target_group)
    allowed = {d.value for d in domains}
    for name in sorted(set(value) - allowed):
        add_error(errors, f"points.{name}", _("Joma neattiecas uz šo mērķa grupu."))
    points: dict[str, list[int]] = {}
    for domain in domains:
        row = value.get(domain.value)
        field = f"points.{domain.value}"
        if row is None:
            add_error(
                errors, field, _("Norādiet punktus jomai «%(domain)s».") % {"domain": domain.label}
            )
            continue
        if (
            not isinstance(row, list | tuple)
            or len(row) != len(INTENSITIES)
            or not all(
                isinstance(p, int) and not isinstance(p, bool) and 0 <= p <= MAX_POINTS for p in row
            )
        ):
            add_error(
                errors,
                field,
                _("Katrai intensitātei 0–4 jānorāda vesels punktu skaits no 0 līdz %(max)s.")
                % {"max": MAX_POINTS},
            )
            continue
        if any(b < a for a, b in itertools.pairwise(row)):
            add_error(errors, field, _("Lielākai atbalsta vajadzībai nevar būt mazāk punktu."))
            continue
        points[domain.value] = list(row)
    return points


def _clean_bands(value: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple) or not value:
        add_error(errors, "bands", _("Norādiet vismaz vienu budžeta grupu."))
        return []
    bands: list[dict[str, Any]] = []
    codes: set[str] = set()
    minimums: set[int] = set()
    for index, item in enumerate(value):
        prefix = f"bands.{index}"
        if not isinstance(item, Mapping):
            add_error(errors, prefix, _("Nederīga grupa."))
            continue
        minimum = item.get("min_points")
        if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
            add_error(errors, f"{prefix}.min_points", _("Punktiem jābūt veselam skaitlim no 0."))
            minimum = None
        elif minimum in minimums:
            add_error(errors, f"{prefix}.min_points", _("Divām grupām nevar būt vienāds sākums."))
        else:
            minimums.add(minimum)
        raw_code = item.get("code")
        code = raw_code.strip() if isinstance(raw_code, str) else ""
        if not code or len(code) > 20:
            add_error(errors, f"{prefix}.code", _("Grupas apzīmējumam jābūt 1–20 zīmēm."))
        elif code in codes:
            add_error(errors, f"{prefix}.code", _("Grupu apzīmējumi nedrīkst atkārtoties."))
        codes.add(code)
        amount = _clean_amount(item.get("monthly_amount"), f"{prefix}.monthly_amount", errors)
        bands.append({"min_points": minimum, "code": code, "monthly_amount": amount})
    if not errors:
        if 0 not in minimums:
            add_error(
                errors, "bands", _("Vienai grupai jāsākas no 0 punktiem, lai katram būtu grupa.")
            )
        ordered = sorted(bands, key=lambda b: b["min_points"])
        if any(b["monthly_amount"] < a["monthly_amount"] for a, b in itertools.pairwise(ordered)):
            add_error(errors, "bands", _("Grupai ar vairāk punktiem nevar būt mazāka summa."))
    return bands


def _validate_rule(rule: AllocationRule, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    errors: dict[str, list[str]] = {}
    for name in sorted(set(data) - set(RULE_FIELDS)):
        add_error(errors, name, _("Nezināms lauks."))
    target_group = data.get("target_group", rule.target_group)
    if target_group not in TargetGroup.values:
        add_error(errors, "target_group", _("Izvēlieties mērķa grupu."))
        raise_if_errors(errors)
    rule.target_group = target_group
    name = data.get("name", rule.name)
    name = name.strip() if isinstance(name, str) else ""
    if not name or len(name) > 200:
        add_error(errors, "name", _("Nosaukumam jābūt 1–200 zīmēm."))
    rule.name = name
    for field in ("valid_from", "valid_to"):
        if field in data:
            value = data[field]
            if value is not None and not isinstance(value, dt.date):
                add_error(errors, field, _("Nederīgs datums."))
            else:
                setattr(rule, field, value)
    if not isinstance(rule.valid_from, dt.date):
        add_error(errors, "valid_from", _("Norādiet, no kura datuma noteikums ir spēkā."))
    elif rule.valid_to is not None and rule.valid_to < rule.valid_from:
        add_error(errors, "valid_to", _("Beigu datums nevar būt pirms sākuma datuma."))
    rule.points = _clean_points(data.get("points", rule.points), target_group, errors)
    bands: list[dict[str, Any]] = []
    if "bands" in data or rule.pk is None:
        bands = _clean_bands(data.get("bands"), errors)
    raise_if_errors(errors)
    return bands


def _check_overlap(actor: Any, rule: AllocationRule) -> None:
    """Two rules of one scope may not be valid on the same day. A new open-ended rule closes
    an open-ended earlier one the day before it starts: that is how a rule is replaced."""
    scope = (
        Q(municipality__isnull=True)
        if rule.municipality_id is None
        else Q(municipality_id=rule.municipality_id)
    )
    same_scope = AllocationRule.objects.select_for_update().filter(
        scope, target_group=rule.target_group
    )
    if rule.pk:
        same_scope = same_scope.exclude(pk=rule.pk)
    far_future = dt.date.max
    for other in same_scope:
        if (
            rule.pk is None
            and rule.valid_to is None
            and other.valid_to is None
            and other.valid_from < rule.valid_from
        ):
            other.valid_to = rule.valid_from - dt.timedelta(days=1)
            other.save(update_fields=["valid_to", "updated_at"])
            audit_record(
                actor=actor,
                event_type=AuditEventType.RULE_CHANGED,
                subject=other,
                municipality_id=other.municipality_id,
                extra_data={"valid_to": {"before": None, "after": other.valid_to.isoformat()}},
            )
            continue
        if other.valid_from <= (rule.valid_to or far_future) and rule.valid_from <= (
            other.valid_to or far_future
        ):
            raise RuleOverlap(
                _("Šajā laikā jau ir spēkā noteikums «%(name)s» (%(start)s–%(end)s).")
                % {
                    "name": other.name,
                    "start": other.valid_from.strftime("%d.%m.%Y"),
                    "end": other.valid_to.strftime("%d.%m.%Y") if other.valid_to else "…",
                },
                field="valid_from",
            )


def _save_bands(rule: AllocationRule, bands: Sequence[Mapping[str, Any]]) -> None:
    rule.bands.all().delete()
    AllocationBand.objects.bulk_create(AllocationBand(rule=rule, **band) for band in bands)


def _rule_values(rule: AllocationRule) -> dict[str, Any]:
    return {
        "target_group": rule.target_group,
        "name": rule.name,
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "points": rule.points,
        "bands": [
            {"min_points": b.min_points, "code": b.code, "monthly_amount": str(b.monthly_amount)}
            for b in rule.bands.order_by("min_points")
        ],
    }


@transaction.atomic
def rule_create(
    *, actor: Any, municipality: Municipality | None, data: Mapping[str, Any]
) -> AllocationRule:
    """A new allocation rule; without a municipality it is the national default."""
    rule_policy.require(actor, Action.CREATE, municipality)
    rule = AllocationRule(municipality=municipality, created_by=actor, points={})
    bands = _validate_rule(rule, data)
    _check_overlap(actor, rule)
    rule.save()
    _save_bands(rule, bands)
    audit_record(
        actor=actor,
        event_type=AuditEventType.RULE_CREATED,
        subject=rule,
        municipality_id=rule.municipality_id,
        extra_data={"values": _rule_values(rule)},
    )
    return rule


@transaction.atomic
def rule_update(*, actor: Any, rule: AllocationRule, data: Mapping[str, Any]) -> AllocationRule:
    """Change a rule not used yet. A used rule only gets an end date (`valid_to`)."""
    rule_policy.require(actor, Action.CHANGE, rule)
    rule = AllocationRule.objects.select_for_update().get(pk=rule.pk)
    before = _rule_values(rule)
    if rule.budgets.exists() and set(data) - {"valid_to"}:
        current = {k: before[k] for k in data if k in before and k not in ("valid_to",)}
        if any(_rule_input_differs(k, data[k], v) for k, v in current.items()):
            raise RuleInUse()
    bands = _validate_rule(rule, data)
    _check_overlap(actor, rule)
    rule.save()
    if "bands" in data:
        _save_bands(rule, bands)
    after = _rule_values(rule)
    changes = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    if changes:
        audit_record(
            actor=actor,
            event_type=AuditEventType.RULE_CHANGED,
            subject=rule,
            municipality_id=rule.municipality_id,
            extra_data={"changes": changes},
        )
    return rule


def _rule_input_differs(name: str, given: Any, current: Any) -> bool:
    """Whether an input value would change a stored one (forms resend unchanged fields)."""
    if name == "valid_from":
        return bool(given.isoformat() != current) if isinstance(given, dt.date) else True
    if name == "bands":
        try:
            normalised = sorted(
                (
                    {
                        "min_points": b["min_points"],
                        "code": str(b["code"]).strip(),
                        "monthly_amount": str(round_money(Decimal(str(b["monthly_amount"])))),
                    }
                    for b in given
                ),
                key=lambda b: b["min_points"],
            )
        except (KeyError, TypeError, InvalidOperation, ValueError):
            return True
        return bool(normalised != current)
    if name == "points":
        return bool({k: list(v) for k, v in dict(given).items()} != current)
    if isinstance(given, str):
        return given.strip() != current
    return bool(given != current)
