"""Writes to the provider register's providers and the staff logins linked to them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_record, diff, masked, snapshot
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.policies import Action
from atbalsts.core.validation import (
    add_error,
    add_model_field_errors,
    assign_fields,
    raise_if_errors,
)
from atbalsts.people.models import Municipality

from ..identifiers import (
    InvalidIban,
    InvalidRegistrationNumber,
    normalise_iban,
    normalise_registration_number,
)
from ..models import Provider, ProviderKind, ProviderMembership
from ..policies import provider_policy
from .rules import PROVIDER_FIELDS, check_choice, provider_audit

if TYPE_CHECKING:
    from atbalsts.accounts.models import User


def _validate_provider(provider: Provider) -> None:
    errors: dict[str, list[str]] = {}
    check_choice(provider, "kind", ProviderKind, errors)
    if "kind" not in errors:
        try:
            provider.registration_number = normalise_registration_number(
                provider.kind, provider.registration_number
            )
        except InvalidRegistrationNumber as exc:
            add_error(errors, "registration_number", exc.message)
    if provider.iban:
        try:
            provider.iban = normalise_iban(provider.iban)
        except InvalidIban as exc:
            add_error(errors, "iban", exc.message)
    add_model_field_errors(provider, errors, exclude=["municipality"])
    if (
        "registration_number" not in errors
        and Provider.objects.filter(
            municipality_id=provider.municipality_id,
            registration_number=provider.registration_number,
        )
        .exclude(pk=provider.pk)
        .exists()
    ):
        add_error(
            errors,
            "registration_number",
            _("Sniedzējs ar šo reģistrācijas numuru pašvaldībā jau ir reģistrēts."),
        )
    raise_if_errors(errors)


@transaction.atomic
def provider_create(
    *, actor: Actor, municipality: Municipality, data: Mapping[str, object]
) -> Provider:
    provider_policy.require(actor, Action.CREATE, municipality)
    provider = Provider(municipality=municipality)
    assign_fields(provider, data, PROVIDER_FIELDS)
    _validate_provider(provider)
    provider.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_PROVIDER_CREATED,
        subject=provider,
        extra_data={"values": masked(snapshot(provider, PROVIDER_FIELDS))},
        **provider_audit(provider),
    )
    return provider


@transaction.atomic
def provider_update(*, actor: Actor, provider: Provider, data: Mapping[str, object]) -> Provider:
    provider_policy.require(actor, Action.CHANGE, provider)
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    before = snapshot(provider, PROVIDER_FIELDS)
    assign_fields(provider, data, PROVIDER_FIELDS)
    _validate_provider(provider)
    changes = diff(before, snapshot(provider, PROVIDER_FIELDS))
    if changes:
        provider.save()
        if provider.kind == ProviderKind.NATURAL and "registration_number" in changes:
            changes["registration_number"] = {"before": "***", "after": "***"}
        audit_record(
            actor=actor,
            event_type=AuditEventType.CATALOG_PROVIDER_CHANGED,
            subject=provider,
            extra_data={"changes": changes},
            **provider_audit(provider),
        )
    return provider


@transaction.atomic
def provider_member_add(*, actor: Actor, provider: Provider, user: User) -> ProviderMembership:
    """Link a provider-staff login to its organisation (one organisation per login)."""
    provider_policy.require(actor, Action.CHANGE, provider)
    if getattr(user, "role", None) != "provider":
        raise ValidationFailed(
            {
                "user": [
                    _("Piesaistīt var tikai lietotāju ar lomu „pakalpojumu sniedzēja darbinieks”.")
                ]
            }
        )
    if ProviderMembership.objects.filter(user=user).exists():
        raise ValidationFailed({"user": [_("Lietotājs jau ir piesaistīts kādam sniedzējam.")]})
    membership = ProviderMembership.objects.create(user=user, provider=provider)
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_MEMBER_ADDED,
        subject=membership,
        extra_data={"user": user.pk, "provider": provider.pk},
        **provider_audit(provider),
    )
    return membership


@transaction.atomic
def provider_member_remove(*, actor: Actor, membership: ProviderMembership) -> None:
    provider_policy.require(actor, Action.CHANGE, membership.provider)
    pk, provider = membership.pk, membership.provider
    extra = {"user": membership.user_id, "provider": provider.pk}
    membership.delete()
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_MEMBER_REMOVED,
        subject_type=ProviderMembership._meta.label_lower,
        subject_id=str(pk),
        extra_data=extra,
        **provider_audit(provider),
    )
