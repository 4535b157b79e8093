"""Plans: support plans with versions, goals, plan lines and guarantee letters."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "atbalsts.plans"
    label = "plans"
    verbose_name = _("Atbalsta plāni")
