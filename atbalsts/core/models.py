"""The base model and the single audit event model."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("izveidots"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("mainīts"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One thing that happened: who did what to which record, with the changed values.

    Events of one user action share `request_id`. `client_id` and `municipality_id` are
    plain numbers rather than foreign keys so that the audit trail outlives the records it
    describes and so that core depends on no domain app.

    The table is append-only: database triggers refuse UPDATE and DELETE (migration 0002),
    and each event carries the hash of the one before it (`core.audit`: the chain, its
    canonical form; `manage.py audit_verify` walks it).
    """

    event_type = models.CharField(_("notikums"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lietotājs"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_type = models.CharField(_("objekta veids"), max_length=64)
    subject_id = models.CharField(_("objekta id"), max_length=64, blank=True)
    client_id = models.BigIntegerField(_("klienta id"), null=True, blank=True)
    municipality_id = models.BigIntegerField(_("pašvaldības id"), null=True, blank=True)
    extra_data = models.JSONField(_("dati"), default=dict, blank=True)
    request_id = models.CharField(_("pieprasījuma id"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("laiks"), default=timezone.now)
    data_hash = models.CharField(_("datu jaucējkods"), max_length=64, blank=True, default="")
    prev_hash = models.CharField(
        _("iepriekšējā notikuma jaucējkods"), max_length=64, blank=True, default=""
    )
    hash = models.CharField(_("jaucējkods"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("audita notikums")
        verbose_name_plural = _("audita notikumi")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client_id", "-created_at"], name="audit_client_idx"),
            models.Index(fields=["municipality_id", "-created_at"], name="audit_municipality_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.subject_type}:{self.subject_id}"
