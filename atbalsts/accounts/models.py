"""Users (one role each, bound to a municipality where the role needs one) and API tokens."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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

    class Meta:
        verbose_name = _("lietotājs")
        verbose_name_plural = _("lietotāji")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for systems that call the API; only its hash is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("lietotājs"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nosaukums"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("sākums"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("izveidota"), default=timezone.now)
    last_used_at = models.DateTimeField(_("pēdējoreiz lietota"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("atsaukta"), null=True, blank=True)

    class Meta:
        verbose_name = _("API atslēga")
        verbose_name_plural = _("API atslēgas")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
