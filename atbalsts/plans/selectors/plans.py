"""Reads of plans, their versions, goals and lines, and the guarantee letters, each filtered
by the plan policy (what a user may not see is not found)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from atbalsts.core.actors import Viewer
from atbalsts.people.models import CaseAssignment, Client

from ..models import (
    Goal,
    GuaranteeLetter,
    LetterStatus,
    PlanLine,
    PlanStatus,
    PlanVersion,
    SupportPlan,
)
from ..policies import plan_policy

if TYPE_CHECKING:
    from atbalsts.accounts.models import User


def plan_list(*, user: Viewer, client: Client) -> QuerySet[SupportPlan]:
    return plan_policy.visible(user, SupportPlan.objects.filter(client=client)).order_by(
        "-created_at", "-id"
    )


def plan_get(*, user: Viewer, pk: int | str) -> SupportPlan:
    qs = SupportPlan.objects.select_related("client", "client__municipality")
    return plan_policy.get_visible(user, qs, pk=pk)


def version_get(*, user: Viewer, pk: int | str) -> PlanVersion:
    qs = PlanVersion.objects.select_related(
        "plan",
        "plan__client",
        "plan__client__municipality",
        "signed_by_representative",
        "overrun_approved_by",
        "supersedes",
    )
    try:
        return plan_policy.visible_versions(user, qs).get(pk=pk)
    except (PlanVersion.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404() from exc


def version_list(*, plan: SupportPlan) -> QuerySet[PlanVersion]:
    return plan.versions.order_by("-number")


def version_current(*, plan: SupportPlan) -> PlanVersion | None:
    """The version in force, else the newest agreed one, else the draft, else the newest."""
    versions = plan.versions.order_by("-number")
    for status in (PlanStatus.ACTIVE, PlanStatus.AGREED, PlanStatus.DRAFT):
        found = versions.filter(status=status).first()
        if found is not None:
            return found
    return versions.first()


def version_lines(version: PlanVersion) -> QuerySet[PlanLine]:
    return version.lines.select_related(
        "service_type", "provider", "goal", "recipient", "tariff"
    ).order_by("priority", "id")


def letter_list(*, user: Viewer, plan: SupportPlan | None = None) -> QuerySet[GuaranteeLetter]:
    qs = GuaranteeLetter.objects.select_related("provider", "version", "version__plan")
    if plan is not None:
        qs = qs.filter(version__plan=plan)
    return plan_policy.visible_letters(user, qs).order_by("-issued_at", "-id")


def letter_get(*, user: Viewer, pk: int | str) -> GuaranteeLetter:
    qs = GuaranteeLetter.objects.select_related(
        "provider", "version", "version__plan", "version__plan__client", "replaced_by"
    )
    try:
        return plan_policy.visible_letters(user, qs).get(pk=pk)
    except (GuaranteeLetter.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404() from exc


def letters_in_force(*, version: PlanVersion) -> QuerySet[GuaranteeLetter]:
    return version.letters.filter(status=LetterStatus.ISSUED).select_related("provider")


def social_worker_of(client: Client, day: dt.date) -> User | None:
    """The social worker holding the client's case on `day` (None if nobody does)."""
    assignment = (
        CaseAssignment.objects.filter(client=client, start_date__lte=day)
        .exclude(end_date__lt=day)
        .select_related("social_worker")
        .order_by("-start_date", "-id")
        .first()
    )
    return assignment.social_worker if assignment else None


def goal_get(*, user: Viewer, pk: int | str) -> Goal:
    qs = Goal.objects.select_related("version", "version__plan", "version__plan__client")
    try:
        return qs.filter(
            version__in=plan_policy.visible_versions(user, PlanVersion.objects.all())
        ).get(pk=pk)
    except (Goal.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404() from exc


def line_get(*, user: Viewer, pk: int | str) -> PlanLine:
    qs = PlanLine.objects.select_related(
        "version", "version__plan", "version__plan__client", "service_type", "provider"
    )
    try:
        return qs.filter(
            version__in=plan_policy.visible_versions(user, PlanVersion.objects.all())
        ).get(pk=pk)
    except (PlanLine.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404() from exc


def versions_awaiting(*, user: Viewer) -> QuerySet[PlanVersion]:
    """Drafts to finish and agreed versions to put in force, for the start page: a social
    worker's own active cases, the head's whole municipality."""
    qs = plan_policy.visible_versions(
        user,
        PlanVersion.objects.filter(status__in=[PlanStatus.DRAFT, PlanStatus.AGREED]),
    ).select_related("plan__client")
    if plan_policy.lists_own_cases(user):
        qs = qs.filter(
            plan__client__assignments__social_worker=user,
            plan__client__assignments__end_date__isnull=True,
        )
    return qs.order_by("status", "updated_at", "id").distinct()
