"""A plan's versions: creating a plan with its first draft, changing a draft's period, and
new drafts copied from the version in force, plain or extended over a longer period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.assessment.dates import add_months
from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_for_client, diff, snapshot
from atbalsts.core.dates import dmy
from atbalsts.core.errors import DomainError
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    date_field,
    raise_if_errors,
    refuse_unknown,
    text_field,
)
from atbalsts.people.models import Client

from ..errors import BudgetExceeded, DraftExists, PlanExists, PlanWrongStatus
from ..models import Goal, PlanStatus, PlanVersion, SupportPlan
from ..policies import plan_policy
from ..selectors import extension_calculate, respread_default, respread_starts
from ..spread import months_between
from .drafts import MAX_PLAN_MONTHS, bump_revision, check_period, lock_draft
from .inputs import reported

VERSION_FIELDS = ("start", "end", "notes")


@transaction.atomic
def plan_create(
    *, actor: Actor, client: Client, start: object, end: object, notes: object = ""
) -> PlanVersion:
    """A new plan for the client, with its first version as a draft."""
    plan_policy.require(actor, Action.CREATE, client)
    Client.objects.select_for_update().filter(pk=client.pk).first()
    errors: dict[str, list[str]] = {}
    start_day = date_field(start, "start", errors)
    end_day = date_field(end, "end", errors)
    text = text_field(notes, "notes", errors, limit=5000)
    check_period(start_day, end_day, errors)
    raise_if_errors(errors)
    start_day, end_day = reported(start_day, "start"), reported(end_day, "end")
    open_versions = PlanVersion.objects.filter(plan__client=client).exclude(
        status__in=[PlanStatus.CLOSED, PlanStatus.SUPERSEDED]
    )
    if open_versions.exists():
        raise PlanExists()
    plan = SupportPlan.objects.create(client=client, created_by=actor)
    version = PlanVersion.objects.create(
        plan=plan, number=1, start=start_day, end=end_day, notes=text, created_by=actor
    )
    audit_for_client(
        actor,
        AuditEventType.PLAN_CREATED,
        version,
        client,
        {"plan": plan.pk, "start": start_day.isoformat(), "end": end_day.isoformat()},
    )
    return version


@transaction.atomic
def version_update(
    *, actor: Actor, version: PlanVersion, revision: object, data: Mapping[str, object]
) -> PlanVersion:
    """Change a draft's period or notes; its lines must stay inside the period."""
    plan_policy.require(actor, Action.CHANGE, version)
    version = lock_draft(version, revision)
    refuse_unknown(data, VERSION_FIELDS)
    errors: dict[str, list[str]] = {}
    before = snapshot(version, VERSION_FIELDS)
    start = date_field(data.get("start", version.start), "start", errors)
    end = date_field(data.get("end", version.end), "end", errors)
    notes = text_field(data.get("notes", version.notes), "notes", errors, limit=5000)
    check_period(start, end, errors)
    raise_if_errors(errors)
    start, end = reported(start, "start"), reported(end, "end")
    outside = version.lines.filter(models.Q(start__lt=start) | models.Q(end__gt=end))
    if outside.exists():
        raise DomainError(
            _("Dažas plāna rindas ir ārpus jaunā perioda; vispirms mainiet tās."), field="end"
        )
    version.start, version.end, version.notes = start, end, notes
    version.save(update_fields=["start", "end", "notes", "updated_at"])
    bump_revision(version)
    changes = diff(before, snapshot(version, VERSION_FIELDS))
    audit_for_client(
        actor, AuditEventType.PLAN_CHANGED, version, version.plan.client, {"changes": changes}
    )
    return version


def _copy(
    actor: Actor,
    source: PlanVersion,
    *,
    end: dt.date | None = None,
    extension: dict[str, Any] | None = None,
) -> PlanVersion:
    """A new draft of the plan with the source's goals and lines (keeping their keys, so the
    versions can be compared); `end` and `extension` replace the source's."""
    if source.status not in (PlanStatus.ACTIVE, PlanStatus.AGREED):
        raise PlanWrongStatus(_("Jaunu versiju veido no spēkā esošas vai saskaņotas versijas."))
    if source.plan.versions.filter(status=PlanStatus.DRAFT).exists():
        raise DraftExists()
    number = (source.plan.versions.aggregate(n=models.Max("number"))["n"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=source.plan,
        number=number,
        supersedes=source,
        start=source.start,
        end=source.end if end is None else end,
        notes=source.notes,
        extension=source.extension if extension is None else extension,
        created_by=actor,
    )
    goals: dict[int, Goal] = {}
    for goal in source.goals.all():
        goals[goal.pk] = Goal.objects.create(
            version=version,
            key=goal.key,
            position=goal.position,
            term=goal.term,
            domain=goal.domain,
            decision_domain=goal.decision_domain,
            text=goal.text,
            progress_measure=goal.progress_measure,
        )
    for line in source.lines.all():
        line.pk = None
        line.id = None
        line.version = version
        line.goal = goals.get(line.goal_id) if line.goal_id else None
        line._state.adding = True
        line.save()
    return version


@transaction.atomic
def version_new(*, actor: Actor, version: PlanVersion) -> PlanVersion:
    """A new draft from the version in force (or the agreed one), with its goals and lines."""
    plan_policy.require(actor, Action.CHANGE, version)
    SupportPlan.objects.select_for_update().filter(pk=version.plan_id).first()
    source = PlanVersion.objects.select_related("plan__client").get(pk=version.pk)
    draft = _copy(actor, source)
    audit_for_client(
        actor,
        AuditEventType.PLAN_VERSION_CREATED,
        draft,
        source.plan.client,
        {"from": source.pk, "number": draft.number},
    )
    return draft


def _extension_check(
    source: PlanVersion,
    new_end: dt.date,
    from_day: dt.date | None,
    starts: list[dt.date],
    errors: dict[str, list[str]],
) -> None:
    if new_end <= source.end:
        add_error(
            errors,
            "end",
            _("Jaunajām beigām jābūt vēlākām par %(end)s.") % {"end": dmy(source.end)},
        )
    elif months_between(source.start, new_end) > MAX_PLAN_MONTHS:
        add_error(
            errors, "end", _("Plāns nevar būt garāks par %(n)s mēnešiem.") % {"n": MAX_PLAN_MONTHS}
        )
    if from_day is None or from_day not in starts:
        add_error(
            errors,
            "from_date",
            _(
                "Pārdales sākumam jābūt kāda plāna mēneša pirmajai dienai starp %(start)s "
                "un %(end)s."
            )
            % {"start": dmy(add_months(source.start, 1)), "end": dmy(source.end)},
        )


@transaction.atomic
def version_extend(
    *, actor: Actor, version: PlanVersion, end: object, from_date: object = None
) -> PlanVersion:
    """A new draft with a longer period and the same total individual budget: what remains
    after the months before `from_date` is spread evenly over the months left, the rounding
    remainder in the last month."""
    plan_policy.require(actor, Action.CHANGE, version)
    SupportPlan.objects.select_for_update().filter(pk=version.plan_id).first()
    source = PlanVersion.objects.select_related("plan__client").get(pk=version.pk)
    if source.status != PlanStatus.ACTIVE:
        raise PlanWrongStatus(_("Pagarināt var tikai spēkā esošu plānu."))
    errors: dict[str, list[str]] = {}
    new_end = date_field(end, "end", errors)
    starts = respread_starts(source)
    if from_date in (None, ""):
        from_day = respread_default(source)
    else:
        from_day = date_field(from_date, "from_date", errors)
    raise_if_errors(errors)
    new_end = reported(new_end, "end")
    _extension_check(source, new_end, from_day, starts, errors)
    raise_if_errors(errors)
    from_day = reported(from_day, "from_date")
    extension = extension_calculate(source, new_end=new_end, from_date=from_day)
    if extension.remaining < 0:
        raise BudgetExceeded(
            _("Līdz %(day)s jau plānots vairāk nekā viss budžets; pārdalīt nav ko.")
            % {"day": dmy(from_day)},
            field="from_date",
        )
    draft = _copy(actor, source, end=new_end, extension=extension.as_json())
    audit_for_client(
        actor,
        AuditEventType.PLAN_EXTENDED,
        draft,
        source.plan.client,
        {"from": source.pk, **extension.as_json()},
    )
    return draft
