"""The roles of docs/domain.md ("Roles"); a user has exactly one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("sociālais darbinieks")
    HEAD = "head", _("sociālā dienesta vadītājs")
    ACCOUNTANT = "accountant", _("grāmatvedis")
    PROVIDER = "provider", _("pakalpojumu sniedzēja darbinieks")
    ANALYST = "analyst", _("ministrijas analītiķis")
    AUDITOR = "auditor", _("auditors")
    ADMIN = "admin", _("sistēmas administrators")


# Roles whose work is bound to one municipality: they see only its records.
MUNICIPAL_ROLES = frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT})
