"""Work that runs outside a web request: each job's status, progress and result, and the
workers' heartbeats.

These rows are written through their own database connection (the `jobs` alias, see
`atbalsts/jobs/router.py`), so that a job's progress is visible to every web process while the
job's own work is still inside one open transaction on the default connection.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("gaida rindā")
    RUNNING = "running", _("notiek")
    DONE = "done", _("pabeigts")
    FAILED = "failed", _("neizdevās")


class Job(models.Model):
    """One piece of long work a user (or the schedule) started: a bundle import, an export, a
    rebuild. Users and municipalities are kept by id: these rows live in the jobs database,
    which may be another file than the one the users are in."""

    kind = models.CharField(_("veids"), max_length=40)
    actor_id = models.BigIntegerField(_("lietotāja id"), null=True, blank=True)
    municipality_id = models.BigIntegerField(_("pašvaldības id"), null=True, blank=True)
    title = models.CharField(_("nosaukums"), max_length=200, blank=True)
    status = models.CharField(
        _("statuss"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    phase = models.CharField(_("posms"), max_length=40, blank=True)
    done = models.PositiveBigIntegerField(_("paveikts"), default=0)
    total = models.PositiveBigIntegerField(_("kopā"), default=0)
    params = models.JSONField(_("parametri"), default=dict, blank=True)
    result = models.JSONField(_("rezultāts"), default=dict, blank=True)
    errors = models.JSONField(_("kļūdas"), default=list, blank=True)
    # What the user reads when the job failed: a Latvian sentence, never a traceback.
    message = models.CharField(_("paziņojums"), max_length=300, blank=True)
    output_name = models.CharField(_("rezultāta fails"), max_length=200, blank=True)
    # The output's name on disk under JOBS_OUTPUT_DIR (random, see outputs.py); empty when the
    # job has no file or it was deleted.
    output_file = models.CharField(_("rezultāta fails diskā"), max_length=64, blank=True)
    task_id = models.CharField(_("uzdevuma id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("izveidots"), default=timezone.now)
    started_at = models.DateTimeField(_("sākts"), null=True, blank=True)
    finished_at = models.DateTimeField(_("pabeigts"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("pēdējā ziņa"), null=True, blank=True)

    class Meta:
        verbose_name = _("fona darbs")
        verbose_name_plural = _("fona darbi")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["actor_id", "kind", "-created_at"], name="jobs_actor_kind")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class WorkerHeartbeat(models.Model):
    """A task worker's last sign of life, one row per worker process."""

    worker = models.CharField(_("darba process"), max_length=200, unique=True)
    beat_at = models.DateTimeField(_("pēdējā ziņa"), default=timezone.now)

    class Meta:
        verbose_name = _("darba procesa ziņa")
        verbose_name_plural = _("darba procesu ziņas")

    def __str__(self) -> str:
        return self.worker
