"""Notifications: reminders the daily run writes for each user, shown in the app and mailed.

A notification says only that there is something to see and links to it. Its title names the
kind of work, a date and at most the client's name: never a diagnosis, a note, an assessment's
text or a session's content. Mails carry even less (see `mail.py`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    REASSESSMENT_DUE = "reassessment_due", _("atkārtota izvērtēšana drīzumā")
    REASSESSMENT_OVERDUE = "reassessment_overdue", _("nokavēta atkārtota izvērtēšana")
    PLAN_ENDING = "plan_ending", _("atbalsta plāns beidzas")
    LETTER_ENDING = "letter_ending", _("garantijas vēstule beidzas")
    REGISTRATION_LAPSING = "registration_lapsing", _("sniedzēja reģistrācija beidzas")
    CONTRACT_EXPIRING = "contract_expiring", _("līgums ar sniedzēju beidzas")
    INVOICE_TO_CONFIRM = "invoice_to_confirm", _("rēķins gaida satura apstiprinājumu")
    INVOICE_TO_APPROVE = "invoice_to_approve", _("rēķins gaida apmaksas akceptu")
    SESSION_AWAITING = "session_awaiting", _("nodarbība gaida sociālā darbinieka lēmumu")
    BUDGET_RUNNING_OUT = "budget_running_out", _("budžets beigsies pirms perioda beigām")
    BUDGET_UNUSED = "budget_unused", _("budžets paliks neizmantots")
    ENVELOPE_RUNNING_OUT = "envelope_running_out", _("programmas piešķīrums drīz beigsies")
    CREDIT_NOTE_TO_DECIDE = "credit_note_to_decide", _("kredītrēķins gaida lēmumu")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saņēmējs"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("veids"), max_length=40, choices=NotificationKind.choices)
    title = models.CharField(_("virsraksts"), max_length=300)
    # A relative URL of the object's page, built from ids: never a personal code.
    link = models.CharField(_("saite"), max_length=300, blank=True)
    subject_type = models.CharField(_("objekta veids"), max_length=60, blank=True)
    subject_id = models.CharField(_("objekta id"), max_length=40, blank=True)
    # What makes a reminder the same reminder: a second run finds it and creates nothing.
    dedupe_key = models.CharField(_("atkārtojuma atslēga"), max_length=200)
    due_on = models.DateField(_("termiņš"), null=True, blank=True)
    created_at = models.DateTimeField(_("izveidots"), default=timezone.now)
    read_at = models.DateTimeField(_("izlasīts"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("nosūtīts e-pastā"), null=True, blank=True)

    class Meta:
        verbose_name = _("paziņojums")
        verbose_name_plural = _("paziņojumi")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_once_per_recipient"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """Whether the user wants a kind of notification by e-mail (no row: yes)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lietotājs"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("veids"), max_length=40, choices=NotificationKind.choices)
    email = models.BooleanField(_("sūtīt e-pastā"), default=True)

    class Meta:
        verbose_name = _("paziņojumu izvēle")
        verbose_name_plural = _("paziņojumu izvēles")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}"


class NotificationSettings(models.Model):
    """The user's e-mail rhythm: one daily digest (the default) or a mail per notification."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lietotājs"),
        on_delete=models.CASCADE,
        related_name="notification_settings",
    )
    digest = models.BooleanField(_("vienā dienas apkopojumā"), default=True)
    digest_sent_on = models.DateField(_("apkopojums nosūtīts"), null=True, blank=True)

    class Meta:
        verbose_name = _("paziņojumu iestatījumi")
        verbose_name_plural = _("paziņojumu iestatījumi")

    def __str__(self) -> str:
        return str(self.user)
