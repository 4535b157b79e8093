"""Bundle: one set of files that brings a municipality's spreadsheet records into the system."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BundleConfig(AppConfig):
    name = "atbalsts.bundle"
    label = "bundle"
    verbose_name = _("Datu imports")
