"""Reporting: read-only views over every domain (start page, reports, exports)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "atbalsts.reporting"
    label = "reporting"
    verbose_name = _("Pārskati")
