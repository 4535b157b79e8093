"""Writes for users: sign-in records, the user's own contact details and password, and the
administrator's changes; each checks permission and leaves an audit event."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.errors import NotPermitted
from atbalsts.core.validation import add_error, raise_if_errors, refuse_unknown, text_field

from ..models import User
from ..policies import account_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor


def login_record(*, user: User, succeeded: bool) -> None:
    audit_record(
        actor=user if succeeded else None,
        event_type=AuditEventType.LOGIN if succeeded else AuditEventType.LOGIN_FAILED,
        subject=user,
        municipality_id=user.municipality_id,
    )


USER_AUDITED_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "municipality",
    "is_active",
    "is_staff",
    "is_superuser",
)


def user_admin_saved(*, actor: Actor, user: User, created: bool, changed: list[str]) -> None:
    """Audit a change the system administrator made to a user in the admin site."""
    if not account_policy.may_administer_users(actor):
        raise NotPermitted()
    audit_record(
        actor=actor,
        event_type=AuditEventType.USER_CREATED if created else AuditEventType.USER_CHANGED,
        subject=user,
        municipality_id=user.municipality_id,
        extra_data={
            "changed": sorted(set(changed) - {"password1", "password2"}),
            "values": {
                name: str(getattr(user, name)) for name in USER_AUDITED_FIELDS if name in changed
            },
            "password_changed": bool({"password", "password1"} & set(changed)),
        },
    )


PROFILE_FIELDS = ("email", "phone")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,28}$")


@transaction.atomic
def profile_save(*, actor: Actor, data: Mapping[str, object]) -> User:
    """The user's own e-mail and phone (shown as the social worker's contact on letters)."""
    refuse_unknown(data, PROFILE_FIELDS)
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    if "email" in data:
        values["email"] = email = text_field(data["email"], "email", errors, limit=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                add_error(
                    errors, "email", _("Ievadiet derīgu e-pasta adresi, piemēram, vards@novads.lv.")
                )
    if "phone" in data:
        values["phone"] = phone = text_field(data["phone"], "phone", errors, limit=30)
        if phone and not _PHONE.match(phone):
            add_error(
                errors,
                "phone",
                _("Tālrunim jābūt no cipariem (var sākt ar +), piemēram, +371 26123456."),
            )
    raise_if_errors(errors)
    user = User.objects.select_for_update().get(pk=actor.pk)
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    if changed:
        for name in changed:
            setattr(user, name, values[name])
            setattr(actor, name, values[name])
        user.save(update_fields=changed)
        audit_record(
            actor=actor,
            event_type=AuditEventType.USER_CHANGED,
            subject=user,
            municipality_id=user.municipality_id,
            extra_data={"changed": changed, "values": {n: values[n] for n in changed}},
        )
    return user


def password_changed_record(*, actor: Actor, by_reset: bool) -> None:
    """Audit that a user changed their own password (on "Mans konts" or through the e-mailed
    link); Django's own views checked and saved it."""
    audit_record(
        actor=actor,
        event_type=AuditEventType.USER_CHANGED,
        subject=actor,
        municipality_id=actor.municipality_id,
        extra_data={"changed": ["password"], "password_changed": True, "by_reset": by_reset},
    )
