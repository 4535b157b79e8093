"""User administration for the system administrator."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "municipality", "is_active")
    list_filter = ("role", "municipality", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Loma"), {"fields": ("role", "municipality", "phone", "otp_grace_started_at")}),
    )

    def save_model(self, request: Any, obj: User, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            services.user_admin_saved(
                actor=request.user, user=obj, created=not change, changed=list(form.changed_data)
            )

    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Loma"), {"fields": ("role", "municipality", "first_name", "last_name", "email")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "read_only",
        "municipality",
        "expires_on",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = ("key_hash", "prefix", "created_at", "last_used_at")
