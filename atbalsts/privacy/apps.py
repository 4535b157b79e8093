from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Data protection operations: the record of processing (GDPR Art. 30), retention and
    its anonymisation run, and the audit of signing in and out."""

    name = "atbalsts.privacy"
    verbose_name = _("datu aizsardzība")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out, user_login_failed

        from . import signals

        user_login_failed.connect(signals.login_failed, dispatch_uid="privacy.login_failed")
        user_logged_out.connect(signals.logged_out, dispatch_uid="privacy.logged_out")
