"""People: municipalities, clients, their representatives, support circle, consent and intake."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "atbalsts.people"
    label = "people"
    verbose_name = _("Personas")
