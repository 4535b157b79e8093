"""Core: the base pieces every domain app uses."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "atbalsts.core"
    label = "core"
    verbose_name = _("Pamata")
