"""Needs assessments: starting one (or a re-assessment), changing a draft, completing it, and
recording that someone read it. The fields differ by target group (docs/domain.md, "Needs
assessment"): adults state their own goals, children's assessments have a team's
conclusions and recommended services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_for_client
from atbalsts.core.dates import recorded_at
from atbalsts.core.policies import Action
from atbalsts.core.validation import add_error, raise_if_errors
from atbalsts.people.models import Client, TargetGroup

from ..models import (
    INTENSITIES,
    MAX_INTENSITY,
    AssessmentStatus,
    DomainScore,
    NeedsAssessment,
    SpecialistConclusion,
    domains_for,
)
from ..policies import assessment_policy
from .conclusions import clean_conclusions, clean_recommended, save_conclusions, save_recommended
from .errors import AssessmentCompleted

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

ADULT_FIELDS = ("own_goals", "anamnesis", "family_description")
CHILD_FIELDS = ("common_goals", "conclusions", "recommended_services")
COMMON_FIELDS = ("assessed_on", "scores")
TEXT_LIMITS = {"anamnesis": 10000, "family_description": 5000}
MAX_GOALS = 30
MAX_GOAL_LENGTH = 500


def _clean_goals(value: object, field: str, errors: dict[str, list[str]]) -> list[str]:
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


def _clean_scores(value: object, target_group: str, errors: dict[str, list[str]]) -> dict[str, int]:
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


def _check_field_names(
    data: Mapping[str, object], own: tuple[str, ...], errors: dict[str, list[str]]
) -> None:
    """Refuse the other target group's fields (saying whose they are) and unknown names."""
    for name in data:
        if name in own or name in COMMON_FIELDS:
            continue
        if name in CHILD_FIELDS:
            add_error(errors, name, _("Šis lauks attiecas tikai uz bērniem."))
        elif name in ADULT_FIELDS:
            add_error(errors, name, _("Šis lauks attiecas tikai uz pilngadīgām personām."))
        else:
            add_error(errors, name, _("Nezināms lauks."))


def _apply_assessed_on(
    assessment: NeedsAssessment, day: object, errors: dict[str, list[str]]
) -> None:
    if not isinstance(day, dt.date):
        add_error(errors, "assessed_on", _("Norādiet izvērtēšanas datumu."))
    elif day > timezone.localdate():
        add_error(errors, "assessed_on", _("Izvērtēšanas datums nevar būt nākotnē."))
    elif day < assessment.client.date_of_birth:
        add_error(errors, "assessed_on", _("Izvērtēšanas datums nevar būt pirms dzimšanas."))
    else:
        assessment.assessed_on = day


def _apply_assessment_data(
    assessment: NeedsAssessment, data: Mapping[str, object]
) -> tuple[dict[str, Any], list[str]]:
    """Check `data` against the target group's field set; set plain fields on the instance.

    Returns the cleaned nested parts and the names of the fields given."""
    errors: dict[str, list[str]] = {}
    child = assessment.target_group == TargetGroup.CHILD_FT
    own = CHILD_FIELDS if child else ADULT_FIELDS
    _check_field_names(data, own, errors)
    nested: dict[str, Any] = {}
    if "assessed_on" in data:
        _apply_assessed_on(assessment, data["assessed_on"], errors)
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
        nested["conclusions"] = clean_conclusions(data["conclusions"], errors)
    if child and "recommended_services" in data:
        nested["recommended_services"] = clean_recommended(data["recommended_services"], errors)
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
        save_conclusions(assessment, nested["conclusions"])
    if "recommended_services" in nested:
        save_recommended(assessment, nested["recommended_services"])


def _audit_assessment(
    actor: Actor, event: AuditEventType, assessment: NeedsAssessment, extra: dict[str, Any]
) -> None:
    audit_for_client(actor, event, assessment, assessment.client, extra)


def _locked(assessment: NeedsAssessment) -> NeedsAssessment:
    return (
        NeedsAssessment.objects.select_for_update().select_related("client").get(pk=assessment.pk)
    )


@transaction.atomic
def assessment_create(
    *, actor: Actor, client: Client, data: Mapping[str, object]
) -> NeedsAssessment:
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
    *, actor: Actor, assessment: NeedsAssessment, data: Mapping[str, object]
) -> NeedsAssessment:
    """Change a draft: only the fields given; a completed assessment is read-only."""
    assessment_policy.require(actor, Action.CHANGE, assessment)
    assessment = _locked(assessment)
    if assessment.is_completed:
        raise AssessmentCompleted()
    nested, fields = _apply_assessment_data(assessment, data)
    assessment.save()
    _save_nested(assessment, nested)
    _audit_assessment(actor, AuditEventType.ASSESSMENT_CHANGED, assessment, {"fields": fields})
    return assessment


def _completion_errors(assessment: NeedsAssessment) -> dict[str, list[str]]:
    """What is still missing: a score in every domain, and the goals (for a child, also a
    specialist's conclusion)."""
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
    return errors


@transaction.atomic
def assessment_complete(
    *, actor: Actor, assessment: NeedsAssessment, on: dt.date | None = None
) -> NeedsAssessment:
    """Close the assessment: from now on it is read-only and a budget may be computed from it.
    `on`: the day it is recorded (default now; an import of history names a past day, not
    before the assessment)."""
    assessment_policy.require(actor, Action.CHANGE, assessment)
    assessment = _locked(assessment)
    if assessment.is_completed:
        raise AssessmentCompleted(_("Izvērtējums jau ir pabeigts."))
    raise_if_errors(_completion_errors(assessment))
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
    *, actor: Actor, assessment: NeedsAssessment, document: SpecialistConclusion | None = None
) -> None:
    """Reading an assessment (or one of its documents) reveals special-category data."""
    extra: dict[str, Any] = {}
    if document is not None:
        extra = {"document": document.pk, "role": document.role}
    _audit_assessment(actor, AuditEventType.ASSESSMENT_VIEWED, assessment, extra)
