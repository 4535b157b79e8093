"""Delivery: sessions (attendance), no-shows, the shared client card, transport, emergencies."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "atbalsts.delivery"
    label = "delivery"
    verbose_name = _("Pakalpojumu sniegšana")
