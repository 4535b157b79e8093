"""Catalog: service types, providers with their registrations and locations, dated tariffs."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "atbalsts.catalog"
    label = "catalog"
    verbose_name = _("Pakalpojumu katalogs")
