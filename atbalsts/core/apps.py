"""Core: the base pieces every domain app uses."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "atbalsts.core"
    label = "core"
    verbose_name = _("Pamata")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .collation import register

        # SQLite's connections learn the Latvian collation (core.collation).
        connection_created.connect(register, dispatch_uid="core.collation.register")
