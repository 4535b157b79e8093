"""Registers: the state registers' open-data extracts and what they say of our providers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "atbalsts.registers"
    label = "registers"
    verbose_name = _("Valsts reģistri")
