"""Addresses: the State Address Register's address points with their coordinates."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AddressesConfig(AppConfig):
    name = "atbalsts.addresses"
    label = "addresses"
    verbose_name = _("Adrešu reģistrs")
