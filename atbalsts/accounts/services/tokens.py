"""API tokens: made with their limits (read-only, one municipality, an expiry), revoked, and
checked when a request presents one."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.dates import dmy
from atbalsts.core.errors import NotPermitted
from atbalsts.core.validation import add_error, raise_if_errors

from ..models import ApiToken, User, hash_token
from ..policies import account_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor
    from atbalsts.people.models import Municipality


def api_token_default_expiry() -> dt.date:
    """The expiry a new token is offered: API_TOKEN_DEFAULT_DAYS (90) days from today."""
    return timezone.localdate() + dt.timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)


def api_token_latest_expiry() -> dt.date:
    """The latest expiry a token may have: API_TOKEN_MAX_DAYS (365) days from today."""
    return timezone.localdate() + dt.timedelta(days=settings.API_TOKEN_MAX_DAYS)


@transaction.atomic
def api_token_create(
    *,
    actor: Actor,
    user: User,
    name: str,
    read_only: bool = False,
    municipality: Municipality | None = None,
    expires_on: dt.date | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; the raw key is returned once and never stored. Without `expires_on`
    the token gets the default expiry (the page shows it as the field's value)."""
    if not account_policy.may_manage_tokens_of(actor, user):
        raise NotPermitted()
    errors: dict[str, list[str]] = {}
    expires_on = expires_on or api_token_default_expiry()
    if expires_on <= timezone.localdate():
        add_error(errors, "expires_on", _("Derīguma beigu datumam jābūt nākotnē."))
    elif expires_on > api_token_latest_expiry():
        add_error(
            errors,
            "expires_on",
            _("Atslēga var būt derīga ne ilgāk kā līdz %(date)s.")
            % {"date": dmy(api_token_latest_expiry())},
        )
    if (
        municipality is not None
        and not account_policy.token_municipalities(user).filter(pk=municipality.pk).exists()
    ):
        add_error(
            errors,
            "municipality",
            _("Atslēgu var ierobežot tikai ar pašvaldību, kuras datus lietotājs drīkst redzēt."),
        )
    raise_if_errors(errors)
    raw = "atb_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "API",
        key_hash=hash_token(raw),
        prefix=raw[4:12],
        read_only=read_only,
        municipality=municipality,
        expires_on=expires_on,
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.API_TOKEN_CREATED,
        subject=token,
        municipality_id=user.municipality_id,
        extra_data={
            "name": token.name,
            "user": user.pk,
            "read_only": read_only,
            "municipality": municipality.pk if municipality else None,
            "expires_on": expires_on.isoformat(),
        },
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


def api_token_find(raw: str) -> ApiToken | None:
    """The live token (not revoked, not expired, its user active) a raw key belongs to, or
    None. Records when it was last used. Its user carries the token's limits:
    `token_municipality_id` (read by core.policies.municipality_scope) and
    `token_read_only`."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=hash_token(raw),
            revoked_at__isnull=True,
            user__is_active=True,
            expires_on__gte=timezone.localdate(),
        )
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    user = token.user
    user.token_municipality_id = token.municipality_id  # type: ignore[attr-defined]
    user.token_read_only = token.read_only  # type: ignore[attr-defined]
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The user of a live token, carrying its limits (see `api_token_find`), or None."""
    token = api_token_find(raw)
    return token.user if token is not None else None
