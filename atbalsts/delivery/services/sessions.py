"""Recording, correcting and deciding on sessions, and freezing them while invoiced."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files import File
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.core.audit import AuditEventType, audit_for_client
from atbalsts.core.errors import DomainError, NotPermitted, ValidationFailed
from atbalsts.core.policies import Action
from atbalsts.core.validation import raise_if_errors, refuse_unknown, text_field
from atbalsts.plans.models import GuaranteeLetter, LetterStatus

from .. import selectors
from ..errors import DuplicateSession, NoLetter, SessionInvoiced
from ..models import Session, SessionStatus
from ..policies import delivery_policy
from .checks import check_not_duplicate, clean_session, session_line
from .flags import reflag_after_save
from .pricing import is_invoiceable

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

SESSION_FIELDS = (
    "line_key",
    "date",
    "start_time",
    "duration_minutes",
    "recipient",
    "status",
    "mode",
    "signed_by",
    "signer_note",
    "evidence_protocol",
    "evidence_file",
    "no_evidence_reason",
    "duration_difference_reason",
    "km",
    "ticket_amount",
    "goals_worked_on",
    "goal_keys",
    "techniques",
    "conclusion",
)
# Fields whose content stays out of the audit trail (only that they changed).
NOTE_FIELDS = ("goals_worked_on", "goal_keys", "techniques", "conclusion", "evidence_protocol")
AUDITED_FIELDS = (
    "date",
    "start_time",
    "duration_minutes",
    "recipient",
    "status",
    "mode",
    "signed_by",
    "units",
    "unit_price",
    "ticket_amount",
    "amount",
    "over_quantity",
    "is_invoiceable",
)


def _check_duplicate(session: Session) -> None:
    def taken(session: Session) -> bool:
        duplicates = Session.objects.filter(
            provider_id=session.provider_id,
            client_id=session.client_id,
            recipient_id=session.recipient_id,
            service_type_id=session.service_type_id,
            date=session.date,
            start_time=session.start_time,
        ).exclude(status=SessionStatus.CANCELLED)
        if session.pk:
            duplicates = duplicates.exclude(pk=session.pk)
        return duplicates.exists()

    check_not_duplicate(session, taken)


def _save(
    session: Session, line: dict[str, Any], upload: File[Any] | None, old_day: dt.date | None
) -> None:
    _check_duplicate(session)
    session.is_invoiceable = is_invoiceable(session)
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as exc:
        raise DuplicateSession(field="start_time") from exc
    if upload:
        session.evidence_file.save(upload.name, upload, save=False)
        session.is_invoiceable = is_invoiceable(session)
        session.save(update_fields=["evidence_file", "is_invoiceable", "updated_at"])
    reflag_after_save(session, Decimal(line["quantity"]), old_day, line)
    session.refresh_from_db()


def _audit_values(session: Session) -> dict[str, object]:
    return {
        "letter": session.letter.number,
        "line_key": str(session.line_key),
        "date": session.date.isoformat(),
        "status": session.status,
        "mode": session.mode,
        "amount": str(session.amount),
        "over_quantity": session.over_quantity,
        "is_invoiceable": session.is_invoiceable,
    }


def _letter_for_write(actor: Actor, letter: GuaranteeLetter) -> GuaranteeLetter:
    letter = GuaranteeLetter.objects.select_related("version__plan__client").get(pk=letter.pk)
    if not delivery_policy.can(actor, Action.CREATE, letter):
        raise NotPermitted()
    if not selectors.letter_open_for(actor, letter, timezone.localdate()):
        if letter.status == LetterStatus.REPLACED:
            raise NoLetter(
                _(
                    "Garantijas vēstule %(number)s ir aizstāta; reģistrējiet nodarbības pēc "
                    "jaunās vēstules."
                )
                % {"number": letter.number},
                field="letter",
            )
        raise NoLetter(field="letter")
    return letter


@transaction.atomic
def session_record(
    *,
    actor: Actor,
    letter: GuaranteeLetter,
    data: Mapping[str, object],
    import_key: str | None = None,
    group_key: uuid.UUID | None = None,
) -> Session:
    """Record one line of the attendance sheet under a letter line (`data["line_key"]`);
    `group_key` marks the sessions of one group session (`services.groups`)."""
    refuse_unknown(data, SESSION_FIELDS)
    letter = _letter_for_write(actor, letter)
    line = session_line(letter, data)
    session = Session(client=selectors.letter_client(letter), recorded_by=actor)
    session.import_key = import_key
    session.group_key = group_key
    upload = clean_session(actor=actor, session=session, letter=letter, line=line, data=data)
    _save(session, line, upload, None)
    audit_for_client(
        actor,
        AuditEventType.DELIVERY_SESSION_RECORDED,
        session,
        session.client,
        {
            **_audit_values(session),
            "imported": import_key is not None,
            **({"group": str(group_key)} if group_key else {}),
        },
    )
    return session


def _lock(session: Session) -> Session:
    locked = (
        Session.objects.select_for_update()
        .select_related("client", "letter", "service_type", "letter__version__plan__client")
        .get(pk=session.pk)
    )
    if locked.invoice_locked:
        raise SessionInvoiced()
    return locked


def sessions_mark_invoiced(*, session_ids: list[int], invoiced: bool) -> int:
    """Freeze (or free) sessions while an invoice holds them.

    Called by billing inside its own transaction, which also writes the audit event of the
    invoice action that caused it; returns how many sessions changed.
    """
    return Session.objects.filter(pk__in=session_ids).update(invoice_locked=invoiced)


def _plain(value: object) -> object:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def session_update(*, actor: Actor, session: Session, data: Mapping[str, object]) -> Session:
    """Correct a recorded session; the same rules apply again, the month is re-counted."""
    refuse_unknown(data, SESSION_FIELDS)
    delivery_policy.require(actor, Action.CHANGE, session)
    session = _lock(session)
    if "line_key" in data and str(data["line_key"]) != str(session.line_key):
        raise ValidationFailed(
            {
                "line_key": [
                    _("Nodarbības pakalpojumu mainīt nevar; atceliet to un reģistrējiet no jauna.")
                ]
            }
        )
    letter = _letter_for_write(actor, session.letter)
    line = selectors.letter_line(letter, session.line_key)
    before = {name: _plain(getattr(session, name)) for name in AUDITED_FIELDS}
    notes_before = {name: getattr(session, name) for name in NOTE_FIELDS}
    old_day = session.date
    upload = clean_session(actor=actor, session=session, letter=letter, line=line, data=data)
    _save(session, line, upload, old_day)
    after = {name: _plain(getattr(session, name)) for name in AUDITED_FIELDS}
    changes = {
        name: {"before": before[name], "after": after[name]}
        for name in AUDITED_FIELDS
        if before[name] != after[name]
    }
    notes_changed = [n for n in NOTE_FIELDS if getattr(session, n) != notes_before[n]]
    audit_for_client(
        actor,
        AuditEventType.DELIVERY_SESSION_CHANGED,
        session,
        session.client,
        {"changes": changes, "notes_changed": notes_changed},
    )
    return session


def _locked_for_decision(actor: Actor, session: Session, reason: object) -> tuple[Session, str]:
    """The session, locked, and the reason a social worker gives for their decision."""
    delivery_policy.require(actor, Action.DECIDE, session)
    session = _lock(session)
    errors: dict[str, list[str]] = {}
    text = text_field(reason, "reason", errors, limit=1000, required=True)
    raise_if_errors(errors)
    return session, text


def _decided(
    actor: Actor, session: Session, event: AuditEventType, extra: dict[str, object]
) -> Session:
    session.is_invoiceable = is_invoiceable(session)
    session.save()
    audit_for_client(actor, event, session, session.client, extra)
    return session


@transaction.atomic
def session_accept_duration(*, actor: Actor, session: Session, reason: str) -> Session:
    """A social worker accepts that a session lasted other than the letter says."""
    session, reason = _locked_for_decision(actor, session, reason)
    if not session.duration_pending:
        raise DomainError(
            _("Šīs nodarbības ilgums atbilst garantijas vēstulei vai jau ir akceptēts.")
        )
    session.duration_difference_reason = reason
    session.duration_accepted_by = actor
    return _decided(
        actor,
        session,
        AuditEventType.DELIVERY_DURATION_ACCEPTED,
        {
            "duration_minutes": session.duration_minutes,
            "expected_minutes": session.expected_minutes,
            "reason": reason,
        },
    )


@transaction.atomic
def session_accept_no_evidence(*, actor: Actor, session: Session, reason: str) -> Session:
    """A social worker records why a remote session has no evidence (and that it took place)."""
    session, reason = _locked_for_decision(actor, session, reason)
    if not session.evidence_pending:
        raise DomainError(_("Šai nodarbībai pierādījumi nav vajadzīgi vai jau ir pievienoti."))
    session.no_evidence_reason = reason
    session.no_evidence_by = actor
    return _decided(
        actor, session, AuditEventType.DELIVERY_NO_EVIDENCE_ACCEPTED, {"reason": reason}
    )
