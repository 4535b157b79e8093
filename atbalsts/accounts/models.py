"""Users (one role each, bound to a municipality where the role needs one) and API tokens."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.collation import USER_NAMES, latvian_order
from atbalsts.core.roles import Role
from atbalsts.people.models import Municipality


class User(AbstractUser):
    role = models.CharField(
        _("loma"), max_length=20, choices=Role.choices, default=Role.SOCIAL_WORKER
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("pašvaldība"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    phone = models.CharField(_("tālrunis"), max_length=30, blank=True)
    # When the grace period to switch on two-step sign-in began (the first sign-in after the
    # rule applied to the user's role); None until then.
    otp_grace_started_at = models.DateTimeField(
        _("divpakāpju pieteikšanās termiņa sākums"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("lietotājs")
        verbose_name_plural = _("lietotāji")
        ordering = latvian_order("last_name", "first_name", "username", text=USER_NAMES)

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for systems that call the API; only its hash is stored.

    A token acts as its user, narrowed: `read_only` allows only reads, `municipality` limits
    it to one municipality within the user's own scope, and it stops working after
    `expires_on`."""

    user = models.ForeignKey(
        User, verbose_name=_("lietotājs"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nosaukums"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("sākums"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("izveidota"), default=timezone.now)
    last_used_at = models.DateTimeField(_("pēdējoreiz lietota"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("atsaukta"), null=True, blank=True)
    read_only = models.BooleanField(_("tikai lasīšanai"), default=False)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("tikai pašvaldībai"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_on = models.DateField(_("derīga līdz"))

    class Meta:
        verbose_name = _("API atslēga")
        verbose_name_plural = _("API atslēgas")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
