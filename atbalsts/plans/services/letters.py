"""Guarantee letters: numbered per municipality and year, one per provider of an agreed
version's guaranteed lines, replacing the letters of the plan's earlier versions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from atbalsts.core.actors import Actor
from atbalsts.core.audit import AuditEventType, audit_for_client
from atbalsts.core.dates import recorded_at
from atbalsts.core.errors import DomainError
from atbalsts.core.policies import Action
from atbalsts.people.models import Client, Municipality

from ..errors import PlanNotAgreed
from ..models import (
    GUARANTEED_SOURCES,
    GuaranteeLetter,
    LetterCounter,
    LetterStatus,
    PlanLine,
    PlanStatus,
    PlanVersion,
)
from ..policies import plan_policy
from ..selectors import social_worker_of, version_lines
from .letter_contracts import letter_contract_find
from .lines import unapproved_price_text

if TYPE_CHECKING:
    from atbalsts.accounts.models import User


def _next_letter_number(municipality: Municipality, year: int) -> tuple[int, str]:
    """The next number of the municipality's year, taken under a row lock so that two letters
    issued at the same moment never share one."""
    counters = LetterCounter.objects.select_for_update()
    counter = counters.filter(municipality=municipality, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                LetterCounter.objects.create(municipality=municipality, year=year)
        except IntegrityError:
            pass  # someone created it first; lock theirs
        counter = counters.get(municipality=municipality, year=year)
    counter.last_sequence += 1
    counter.save(update_fields=["last_sequence"])
    sequence = counter.last_sequence
    return sequence, f"GV-{municipality.code.upper()}-{year}-{sequence:04d}"


def _letter_line(line: PlanLine) -> dict[str, object]:
    return {
        "key": str(line.key),
        "service_type_id": line.service_type_id,
        "service": line.service_type.name_lv,
        "unit": str(line.service_type.get_unit_display()),
        "quantity": str(line.quantity),
        "quantity_basis": line.quantity_basis,
        "unit_price": str(line.unit_price) if line.unit_price is not None else None,
        # The price agreed for the person, where there is one, and why: sessions and invoices
        # are priced from it (plans.selectors.letter_unit_price).
        "list_price": str(line.list_price) if line.list_price is not None else None,
        "agreed_unit_price": (
            str(line.agreed_unit_price) if line.agreed_unit_price is not None else None
        ),
        "agreed_price_reason": line.agreed_price_reason,
        "months": line.months,
        "start": line.start.isoformat(),
        "end": line.end.isoformat(),
        "session_minutes": line.session_minutes,
        "funding_source": line.funding_source,
        "funding_source_label": str(line.get_funding_source_display()),
        "recipient": str(line.recipient) if line.recipient else "",
        "total": str(line.total),
    }


def _client_identity(client: Client) -> dict[str, str]:
    # The provider needs to know whom to serve: the name and date of birth are enough; the
    # personal code is not put in a letter (data minimisation).
    return {"name": client.full_name, "date_of_birth": client.date_of_birth.isoformat()}


def _contact(user: User) -> dict[str, str]:
    return {
        "name": user.get_full_name() or user.username,
        "phone": getattr(user, "phone", "") or "",
        "email": user.email or "",
    }


def letters_issue(
    *, actor: Actor, version: PlanVersion, on: dt.date | None = None
) -> list[GuaranteeLetter]:
    """One numbered letter per provider of an agreed version's guaranteed lines; letters of
    earlier versions of the plan are marked replaced. Called inside `version_agree`."""
    plan_policy.require(actor, Action.CHANGE, version)
    if version.status not in (PlanStatus.AGREED, PlanStatus.ACTIVE):
        raise PlanNotAgreed()
    client = version.plan.client
    now = recorded_at(on, field="issued_on")
    day = timezone.localdate(now)
    year = day.year  # letters are numbered in the year they are issued
    worker = social_worker_of(client, day) or actor
    by_provider: dict[int, list[PlanLine]] = {}
    version_rows = list(version_lines(version))
    waiting = [
        unapproved_price_text(x)
        for x in version_rows
        if x.price_needs_approval and not x.price_approved
    ]
    if waiting:
        # No letter promises a price the head has not approved (nor is the version agreed:
        # this runs inside version_agree, whose transaction this refusal rolls back).
        raise DomainError(" ".join(waiting), field="lines")
    for line in version_rows:
        if line.funding_source in GUARANTEED_SOURCES:
            by_provider.setdefault(line.provider_id, []).append(line)
    old_letters = {
        letter.provider_id: letter
        for letter in GuaranteeLetter.objects.select_for_update()
        .filter(version__plan=version.plan, status=LetterStatus.ISSUED)
        .exclude(version=version)
    }
    issued = []
    for lines in by_provider.values():
        provider = lines[0].provider
        sequence, number = _next_letter_number(client.municipality, year)
        letter = GuaranteeLetter.objects.create(
            number=number,
            municipality=client.municipality,
            year=year,
            sequence=sequence,
            version=version,
            provider=provider,
            issued_at=now,
            issued_by=actor,
            period_start=min(line.start for line in lines),
            period_end=max(line.end for line in lines),
            lines=[_letter_line(line) for line in lines],
            client_identity=_client_identity(client),
            social_worker_contact=_contact(worker),
            total=sum((line.total for line in lines), Decimal("0.00")),
            budget_total=sum((line.total for line in lines if line.is_budget), Decimal("0.00")),
        )
        audit_for_client(
            actor,
            AuditEventType.LETTER_ISSUED,
            letter,
            client,
            {
                "number": number,
                "provider": provider.pk,
                "version": version.pk,
                "total": str(letter.total),
            },
        )
        issued.append(letter)
        letter_contract_find(actor=actor, letter=letter)  # only when exactly one contract fits
        old = old_letters.pop(provider.pk, None)
        if old is not None:
            _replace(actor, old, letter, now, client)
    for old in old_letters.values():
        _replace(actor, old, None, now, client)
    return issued


def _replace(
    actor: Actor,
    old: GuaranteeLetter,
    new: GuaranteeLetter | None,
    now: dt.datetime,
    client: Client,
) -> None:
    old.status = LetterStatus.REPLACED
    old.replaced_by = new
    old.replaced_at = now
    old.save(update_fields=["status", "replaced_by", "replaced_at", "updated_at"])
    audit_for_client(
        actor,
        AuditEventType.LETTER_REPLACED,
        old,
        client,
        {"number": old.number, "replaced_by": new.number if new else None},
    )


def letter_download_record(*, actor: Actor, letter: GuaranteeLetter) -> None:
    """A letter names the person: downloading it is an audit event."""
    audit_for_client(
        actor,
        AuditEventType.LETTER_DOWNLOADED,
        letter,
        letter.version.plan.client,
        {"number": letter.number},
    )
