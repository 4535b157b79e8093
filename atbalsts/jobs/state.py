"""A job as an import page shows it: its phase's label, rows done of total, and at the end the
report or the row errors. Each kind names its phases and their labels (`PHASES` in
`bundle/progress.py`, `delivery/progress.py`); the first and the last two are the same for all:
queued, done, rejected."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .models import Job, JobStatus

QUEUED = "queued"  # stored; waiting for the worker
DONE = "done"
REJECTED = "rejected"
FINISHED = (DONE, REJECTED)


@dataclass(frozen=True)
class JobState:
    job: Job
    phase: str
    labels: Mapping[str, Any]  # phase → its label (a lazy translation)
    done: int = 0
    total: int = 0
    report: dict[str, Any] | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""

    @property
    def label(self) -> str:
        return str(self.labels[self.phase])

    @property
    def finished(self) -> bool:
        return self.phase in FINISHED

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def job_state(job: Job, labels: Mapping[str, Any]) -> JobState:
    """The job's state with the kind's phase labels: a finished job shows its report's `rows`
    (or the job's total) as done; a running one its phase when the kind knows it."""
    if job.status == JobStatus.DONE:
        report = job.result or {}
        rows = int(report.get("rows", job.total))
        return JobState(job, DONE, labels, rows, rows, report=report)
    if job.status == JobStatus.FAILED:
        return JobState(
            job, REJECTED, labels, job.done, job.total, errors=job.errors, message=job.message
        )
    phase = job.phase if job.status == JobStatus.RUNNING and job.phase in labels else QUEUED
    return JobState(job, phase, labels, job.done, job.total)
