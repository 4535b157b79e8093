"""The people sheets: clients, representatives, support circle, consents."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from atbalsts.people import services as people_services
from atbalsts.people.models import Client, Consent, Representative, SupportCircleMember

from .rows import Context, Row, fail, row_data, same_name

_CLIENT_FIELDS = (
    "personal_code", "first_name", "last_name", "target_group", "start_date", "date_of_birth",
    "status", "disability_group", "disability_valid_until", "legal_capacity", "address",
    "phone", "email", "languages", "notes",
)  # fmt: skip
_CLIENT_CHOICES = ("status", "disability_group", "legal_capacity", "date_of_birth")
_REP_FIELDS = (
    "kind", "first_name", "last_name", "valid_from", "personal_code", "authority", "valid_to",
    "phone", "email",
)  # fmt: skip
_CIRCLE_FIELDS = ("first_name", "last_name", "relation", "phone", "notes")


def client(ctx: Context, row: Row) -> str:
    data = row_data(row, _CLIENT_FIELDS, skip_empty=_CLIENT_CHOICES)
    ctx.clients.pop(row.values["personal_code"], None)
    existing = Client.objects.filter(personal_code=row.values["personal_code"]).first()
    if existing is None:
        people_services.client_create(actor=ctx.actor, municipality=ctx.municipality, data=data)
        return "created"
    if existing.municipality_id != ctx.municipality.pk:
        raise fail("personal_code", _("Klients ar šo personas kodu ir reģistrēts citā pašvaldībā."))
    before = existing.updated_at
    after = people_services.client_update(actor=ctx.actor, client=existing, data=data)
    return "updated" if after.updated_at != before else "unchanged"


def representative(ctx: Context, row: Row) -> str:
    owner = ctx.client_of(row.values["client_personal_code"])
    data = row_data(row, _REP_FIELDS)
    existing = Representative.objects.filter(
        client=owner,
        kind=data["kind"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        valid_from=data["valid_from"],
    ).first()
    if existing is None:
        people_services.representative_create(actor=ctx.actor, client=owner, data=data)
        return "created"
    before = existing.updated_at
    after = people_services.representative_update(
        actor=ctx.actor, representative=existing, data=data
    )
    return "updated" if after.updated_at != before else "unchanged"


def circle_member(ctx: Context, row: Row) -> str:
    owner = ctx.client_of(row.values["client_personal_code"])
    ctx.members.pop(owner.pk, None)
    data = row_data(row, _CIRCLE_FIELDS)
    existing = SupportCircleMember.objects.filter(
        client=owner,
        first_name=data["first_name"],
        last_name=data.get("last_name", ""),
    ).first()
    if existing is None:
        people_services.circle_member_create(actor=ctx.actor, client=owner, data=data)
        return "created"
    before = existing.updated_at
    after = people_services.circle_member_update(actor=ctx.actor, member=existing, data=data)
    return "updated" if after.updated_at != before else "unchanged"


def consent(ctx: Context, row: Row) -> str:
    """A consent record, matched on client + purpose + recipient + the day it was given.
    A record is not edited by importing it again; a revocation date it did not have yet
    revokes it."""
    values = row.values
    owner = ctx.client_of(values["client_personal_code"])
    recipient = values.get("recipient") or ""
    existing = Consent.objects.filter(
        client=owner,
        purpose=values["purpose"],
        recipient=recipient,
        given_on=values["given_on"],
    ).first()
    outcome = "unchanged"
    if existing is None:
        existing = people_services.consent_give(
            actor=ctx.actor,
            client=owner,
            data={
                "purpose": values["purpose"],
                "recipient": recipient,
                "given_by_representative": _given_by(owner, values.get("given_by") or ""),
                "given_on": values["given_on"],
                "notes": values.get("notes") or "",
            },
        )
        outcome = "created"
    revoked_on = values.get("revoked_on")
    if revoked_on and existing.revoked_on is None:
        people_services.consent_revoke(
            actor=ctx.actor,
            consent=existing,
            revoked_on=revoked_on,
            reason=values.get("revoke_reason") or "",
        )
        outcome = "updated" if outcome == "unchanged" else outcome
    return outcome


def _given_by(owner: Client, written: str) -> Representative | None:
    """The representative named in `given_by` ("Vārds Uzvārds"); None: the client."""
    name = " ".join(written.split())
    if not name:
        return None
    for rep in owner.representatives.all():
        if same_name(str(rep), name):
            return rep
    raise fail(
        "given_by",
        _("Klientam nav pārstāvja „%(name)s” (lapa „representatives” vai sistēmā).")
        % {"name": name},
    )
