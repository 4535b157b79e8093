"""Reading jobs: a user's own (the administrator's: every one), newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from .models import Job
from .policies import job_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer


def jobs_visible(user: Viewer, *, kind: str | None = None) -> QuerySet[Job]:
    """The jobs `user` may see, of one `kind` if given, newest first."""
    jobs = Job.objects.all()
    if kind is not None:
        jobs = jobs.filter(kind=kind)
    return job_policy.visible(user, jobs).order_by("-created_at", "-id")


def jobs_own(user: Viewer, *, kind: str | None = None) -> QuerySet[Job]:
    """Only the jobs `user` started (even for the administrator): what a page lists as "your
    imports"."""
    return jobs_visible(user, kind=kind).filter(actor_id=user.pk)


def job_get(user: Viewer, job_id: object, *, kind: str | None = None) -> Job:
    """One job the user may see; Http404 for any other (or a malformed id)."""
    jobs = Job.objects.all() if kind is None else Job.objects.filter(kind=kind)
    return job_policy.get_visible(user, jobs, pk=job_id)


def jobs_mine(user: Viewer) -> QuerySet[Job]:
    """Every job `user` started, newest first: the page "Mani fona darbi"."""
    return job_policy.own(user, Job.objects.all()).order_by("-created_at", "-id")


def job_mine(user: Viewer, job_id: int | str) -> Job:
    """One job `user` started; Http404 for any other (even for the administrator)."""
    try:
        return jobs_mine(user).get(pk=job_id)
    except (Job.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
