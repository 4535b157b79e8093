"""Writes for users and API tokens; each checks permission and leaves an audit event."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.errors import NotPermitted

from .models import ApiToken, User, hash_token
from .policies import account_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor


@transaction.atomic
def api_token_create(*, actor: Actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the raw key is returned once and never stored."""
    if not account_policy.may_manage_tokens_of(actor, user):
        raise NotPermitted()
    raw = "atb_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100] or "API", key_hash=hash_token(raw), prefix=raw[4:12]
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.API_TOKEN_CREATED,
        subject=token,
        municipality_id=user.municipality_id,
        extra_data={"name": token.name, "user": user.pk},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    if not account_policy.may_manage_tokens_of(actor, token.user):
        raise NotPermitted()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            event_type=AuditEventType.API_TOKEN_REVOKED,
            subject=token,
            municipality_id=token.user.municipality_id,
        )
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user a raw token belongs to, or None. Records when it was last used."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def otp_device_pending(*, actor: Actor) -> TOTPDevice:
    """The unconfirmed TOTP device the user is setting up; made on first visit.

    Not audited: an unconfirmed device cannot be used to sign in; confirming it is audited.
    """
    device, _created = TOTPDevice.objects.get_or_create(
        user=actor, confirmed=False, defaults={"name": "Atbalsts"}
    )
    return device


@transaction.atomic
def otp_device_confirm(*, actor: Actor, device: TOTPDevice, token: str) -> bool:
    """Confirm a new TOTP device with a first code from the user's app."""
    if device.user_id != actor.pk:
        raise NotPermitted()
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    audit_record(
        actor=actor,
        event_type=AuditEventType.OTP_DEVICE_CONFIRMED,
        subject=actor,
        municipality_id=actor.municipality_id,
    )
    return True


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
