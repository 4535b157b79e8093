"""Two-step sign-in: the TOTP device, the recovery codes (django-otp's static device), the
second step's check, and the grace period to switch it on for the roles that must."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.errors import DomainError, NotPermitted

from ..models import User
from ..policies import account_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor, Viewer

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Rezerves kodi"


class NoAuthenticator(DomainError):
    code = "no_authenticator"
    default_message = _("Vispirms ieslēdziet divpakāpju pieteikšanos ar autentifikācijas lietotni.")


def otp_device_pending(*, actor: Actor) -> TOTPDevice:
    """The unconfirmed TOTP device the user is setting up; made on first visit.

    Not audited: an unconfirmed device cannot be used to sign in; confirming it is audited.
    """
    device, _created = TOTPDevice.objects.get_or_create(
        user=actor, confirmed=False, defaults={"name": "Atbalsts"}
    )
    return device


@transaction.atomic
def otp_device_confirm(*, actor: Actor, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm a new TOTP device with a first code from the user's app. Returns the ten new
    recovery codes (shown once), or None when the code was wrong."""
    if device.user_id != actor.pk:
        raise NotPermitted()
    if not device.verify_token(otp_normalise(token)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    audit_record(
        actor=actor,
        event_type=AuditEventType.OTP_DEVICE_CONFIRMED,
        subject=actor,
        municipality_id=actor.municipality_id,
    )
    return _recovery_codes_make(actor)


@transaction.atomic
def otp_recovery_codes_renew(*, actor: Actor) -> list[str]:
    """Ten new recovery codes in place of the old ones (which stop working); shown once."""
    if not TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise NoAuthenticator()
    return _recovery_codes_make(actor)


def _recovery_codes_make(actor: Actor) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=actor, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_record(
        actor=actor,
        event_type=AuditEventType.USER_CHANGED,
        subject=actor,
        municipality_id=actor.municipality_id,
        extra_data={"changed": ["recovery_codes"], "count": RECOVERY_CODE_COUNT},
    )
    return codes


def otp_recovery_codes_left(*, user: Actor) -> int:
    """How many unused recovery codes the user has."""
    left: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return left


def otp_normalise(token: str) -> str:
    """A code as typed: spaces and hyphens dropped, letters in lower case."""
    return re.sub(r"[\s-]", "", token or "").lower()


def otp_match(*, user: User, token: str) -> Device | None:
    """The device that accepts the code at sign-in's second step: six digits are a code from
    the app, anything else a recovery code (used up once accepted)."""
    token = otp_normalise(token)
    if not token:
        return None
    devices: list[Device]
    if token.isdigit():
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        with transaction.atomic():
            if device.verify_token(token):
                return device
    return None


def otp_enrolled(user: Viewer) -> bool:
    """Whether the user has switched on two-step sign-in (a confirmed authenticator app)."""
    enrolled: bool = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()
    return enrolled


def otp_grace_deadline(user: Viewer) -> dt.datetime | None:
    """Until when a user who must use two-step sign-in may still work without it (None: the
    rule does not apply to them, or their grace period has not begun)."""
    if not account_policy.must_use_two_factor(user):
        return None
    started: dt.datetime | None = getattr(user, "otp_grace_started_at", None)
    if started is None:
        return None
    return started + dt.timedelta(days=settings.OTP_ENROL_GRACE_DAYS)


def otp_grace_begin(*, user: User) -> None:
    """Start the grace period at the first sign-in after the rule applies to the user.

    Not audited: nothing the user chose; it is the sign-in (audited itself) that starts it.
    """
    if user.otp_grace_started_at is None and account_policy.must_use_two_factor(user):
        user.otp_grace_started_at = timezone.now()
        User.objects.filter(pk=user.pk, otp_grace_started_at__isnull=True).update(
            otp_grace_started_at=user.otp_grace_started_at
        )
