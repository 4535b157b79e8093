"""What the sweep marks besides the job when a job's worker died (see services.on_interrupted).

The bundle import writes its ImportRun before its one transaction, so a killed worker leaves
the run "running" for ever; the sweep closes it as rejected, saying why. (The bundle app may
register this hook itself; it lives here so that the jobs app needs no change in bundle.)
"""

from __future__ import annotations

from django.utils import timezone

from .models import Job
from .services import INTERRUPTED, on_interrupted
from .tasks import BUNDLE_IMPORT


@on_interrupted(BUNDLE_IMPORT)
def bundle_run_interrupted(job: Job) -> None:
    """The job's ImportRun (same user, municipality and files, started once the job was)
    is marked rejected with the sweep's message."""
    from atbalsts.bundle.models import ImportRun, RunStatus

    if job.actor_id is None or job.started_at is None:
        return  # it never started: no run was written
    runs = ImportRun.objects.filter(
        status=RunStatus.RUNNING,
        actor_id=job.actor_id,
        municipality_id=job.params.get("municipality_id"),
        file_name=job.title[:200],
        started__gte=job.started_at,
    )
    message = str(INTERRUPTED)
    runs.update(
        status=RunStatus.REJECTED,
        finished=timezone.now(),
        errors=[{"sheet": "", "row": 0, "column": "", "message": message}],
    )
