from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "atbalsts.jobs"
    verbose_name = _("fona darbi")

    def ready(self) -> None:
        from . import interrupted  # noqa: F401  (registers the sweep's hooks)
