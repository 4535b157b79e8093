"""Accounts: users with one role each, API tokens, and sign-in."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "atbalsts.accounts"
    label = "accounts"
    verbose_name = _("Lietotāji")

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib import admin
        from django_otp.admin import OTPAdminSite

        # In production the admin site (user management) requires a verified TOTP device.
        if getattr(settings, "OTP_ADMIN_REQUIRED", False):
            admin.site.__class__ = OTPAdminSite
