"""Writes of delivery: recording and correcting sessions (with every rule of the attendance
sheet), a social worker's confirmations, the no-show rule, emergency situations and the
import of a month's sessions. Each checks permission, enforces the rules and audits in the
same transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.catalog.models import ServiceCategory, ServiceType, ServiceUnit
from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.dates import dmy
from atbalsts.core.errors import DomainError, NotPermitted, ValidationFailed
from atbalsts.core.money import parse_money, round_money
from atbalsts.core.policies import Action
from atbalsts.core.validation import add_error, raise_if_errors, refuse_unknown
from atbalsts.people.models import Client, Municipality, Representative
from atbalsts.plans.models import GuaranteeLetter, LetterStatus

from . import selectors
from .errors import (
    DuplicateSession,
    ImportFailed,
    NoLetter,
    OutsideLetterPeriod,
    RemoteNotAllowed,
)
from .models import (
    EmergencySituation,
    NoShowRule,
    Session,
    SessionMode,
    SessionStatus,
    Signer,
)
from .policies import delivery_policy, municipal_rule_policy
from .tabular import FileUnreadable, RowError, normalise, read_rows

MAX_SESSION_MINUTES = 720  # twelve hours: anything longer is a typing error
MAX_KM = Decimal("2000")
MAX_TICKET = Decimal("1000.00")
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
EVIDENCE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"%PDF-")

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
    "techniques",
    "conclusion",
)
# Fields whose content stays out of the audit trail (only that they changed).
NOTE_FIELDS = ("goals_worked_on", "techniques", "conclusion", "evidence_protocol")
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


# --- helpers ---------------------------------------------------------------------------------


def _text(
    value: Any, name: str, errors: dict[str, list[str]], *, limit: int, required: bool = False
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        add_error(errors, name, _("Jābūt tekstam."))
        return ""
    value = value.strip()
    if "\x00" in value:
        add_error(errors, name, _("Teksts satur neatļautu rakstzīmi."))
        return ""
    if required and not value:
        add_error(errors, name, _("Obligāts lauks."))
    if len(value) > limit:
        add_error(errors, name, _("Ne vairāk kā %(n)s zīmes.") % {"n": limit})
    return value


def _date(value: Any, name: str, errors: dict[str, list[str]]) -> dt.date | None:
    if value in (None, ""):
        add_error(errors, name, _("Obligāts lauks."))
        return None
    if isinstance(value, dt.datetime):
        add_error(errors, name, _("Datumam jābūt formā GGGG-MM-DD."))
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    add_error(errors, name, _("Datumam jābūt formā GGGG-MM-DD."))
    return None


def _time(value: Any, name: str, errors: dict[str, list[str]]) -> dt.time | None:
    if value in (None, ""):
        add_error(errors, name, _("Obligāts lauks."))
        return None
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, str):
        try:
            parsed = dt.time.fromisoformat(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is None:
            return parsed.replace(second=0, microsecond=0)
    add_error(errors, name, _("Laikam jābūt formā SS:MM, piemēram, 09:30."))
    return None


def _minutes(value: Any, name: str, errors: dict[str, list[str]]) -> int | None:
    if value in (None, ""):
        return None
    message = _("Ilgumam jābūt veselam minūšu skaitam no 1 līdz %(max)s.") % {
        "max": MAX_SESSION_MINUTES
    }
    if isinstance(value, bool) or not isinstance(value, int | str):
        add_error(errors, name, message)
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        add_error(errors, name, message)
        return None
    if not 1 <= number <= MAX_SESSION_MINUTES:
        add_error(errors, name, message)
        return None
    return number


def _decimal(value: Any, name: str, errors: dict[str, list[str]], *, high: Decimal) -> Any:
    if value in (None, ""):
        return None
    message = _(
        "Jābūt pozitīvam skaitlim ar ne vairāk kā diviem cipariem aiz komata, līdz %(max)s."
    )
    try:
        if isinstance(value, float | bool):
            raise ValueError(value)
        number = parse_money(value) if isinstance(value, str) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        add_error(errors, name, message % {"max": high})
        return None
    if not number.is_finite() or number != round_money(number) or not 0 < number <= high:
        add_error(errors, name, message % {"max": high})
        return None
    return number


def _choice(value: Any, name: str, errors: dict[str, list[str]], choices: Any, default: str) -> str:
    if value in (None, ""):
        return default
    if value not in choices.values:
        add_error(
            errors,
            name,
            _("Nederīga vērtība; atļautās: %(values)s.") % {"values": ", ".join(choices.values)},
        )
        return default
    return str(value)


def _audit(
    actor: Any, event: AuditEventType, subject: models.Model, client: Client, extra: Any
) -> None:
    audit_record(
        actor=actor,
        event_type=event,
        subject=subject,
        client_id=client.pk,
        municipality_id=client.municipality_id,
        extra_data=extra,
    )


def _check_file(upload: Any, errors: dict[str, list[str]]) -> None:
    size = getattr(upload, "size", None)
    if size is None or size > MAX_EVIDENCE_BYTES:
        add_error(errors, "evidence_file", _("Datne nedrīkst būt lielāka par 5 MB."))
        return
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in EVIDENCE_SIGNATURES):
        add_error(
            errors, "evidence_file", _("Pievienojiet ekrānuzņēmumu PNG vai JPEG formātā vai PDF.")
        )


# --- sessions --------------------------------------------------------------------------------


def _unit_of(service_type: ServiceType) -> str:
    return str(service_type.unit)


def _clean_session(
    *,
    actor: Any,
    session: Session,
    letter: GuaranteeLetter,
    line: dict[str, Any],
    data: Mapping[str, Any],
) -> dict[str, Any]:
    """Check the input against the letter line and the rules; fill `session`. Returns the
    file to store (if any) so it is saved only after every rule passed."""
    social_service = delivery_policy.is_social_service(actor)
    client = session.client
    errors: dict[str, list[str]] = {}
    creating = session.pk is None

    def value(name: str) -> Any:
        if name in data:
            return data[name]
        if creating:
            return None
        if name == "recipient":
            return session.recipient_id
        if name == "km":
            return session.units if session.service_type.unit == ServiceUnit.KM else None
        if name == "evidence_file":
            return None
        return getattr(session, name)

    service_type = ServiceType.objects.get(pk=line["service_type_id"])
    unit = _unit_of(service_type)
    status = _choice(value("status"), "status", errors, SessionStatus, SessionStatus.HELD)
    mode = _choice(value("mode"), "mode", errors, SessionMode, SessionMode.IN_PERSON)
    day = _date(value("date"), "date", errors)
    start_time = _time(value("start_time"), "start_time", errors)
    # A kilometre line has no session length to match, whatever the plan line says.
    expected = line.get("session_minutes") if unit != ServiceUnit.KM else None
    minutes = _minutes(value("duration_minutes"), "duration_minutes", errors)
    if minutes is None and "duration_minutes" not in errors:
        if expected:
            minutes = int(expected)
        elif unit == ServiceUnit.HOUR and status == SessionStatus.HELD:
            add_error(errors, "duration_minutes", _("Norādiet nodarbības ilgumu minūtēs."))
    km = _decimal(value("km"), "km", errors, high=MAX_KM)
    ticket = _decimal(value("ticket_amount"), "ticket_amount", errors, high=MAX_TICKET)
    is_transport = service_type.category == ServiceCategory.TRANSPORT
    if (km is not None or ticket is not None) and not is_transport:
        field = "km" if km is not None else "ticket_amount"
        add_error(
            errors, field, _("Kilometrus vai biļetes summu norāda tikai transporta pakalpojumam.")
        )
    elif km is not None and ticket is not None:
        add_error(
            errors, "ticket_amount", _("Norādiet vai nu kilometrus, vai biļetes summu, ne abus.")
        )
    elif (
        is_transport
        and unit == ServiceUnit.KM
        and status == SessionStatus.HELD
        and km is None
        and ticket is None
        and "km" not in errors
        and "ticket_amount" not in errors
    ):
        add_error(errors, "km", _("Norādiet nobraukto kilometru skaitu vai biļetes summu."))

    # The recipient: the client, or the support-circle member the letter line names.
    recipient = None
    recipient_value = value("recipient")
    if recipient_value not in (None, ""):
        plan_line = selectors.plan_line_of(letter, line["key"])
        pk = recipient_value.pk if isinstance(recipient_value, models.Model) else recipient_value
        if plan_line is None or str(plan_line.recipient_id) != str(pk):
            add_error(
                errors, "recipient", _("Šis saņēmējs nav norādīts garantijas vēstules rindā.")
            )
        else:
            recipient = plan_line.recipient

    # Who signed the attendance sheet.
    signed_by = _choice(value("signed_by"), "signed_by", errors, Signer, "")
    signer_note = _text(value("signer_note"), "signer_note", errors, limit=1000)
    if status == SessionStatus.HELD and not signed_by and "signed_by" not in errors:
        add_error(errors, "signed_by", _("Norādiet, kas parakstīja apmeklējumu."))
    if signed_by == Signer.SOCIAL_WORKER:
        if not social_service:
            add_error(
                errors,
                "signed_by",
                _("Sociālā darbinieka parakstu reģistrē pats sociālais darbinieks."),
            )
        elif not signer_note:
            add_error(
                errors,
                "signer_note",
                _(
                    "Sociālais darbinieks ieraksta, ka sazinājās ar personu un pārliecinājās, "
                    "ka nodarbība notika."
                ),
            )
    if signed_by == Signer.REPRESENTATIVE and day is not None:
        representatives = Representative.objects.filter(client=client)
        if not any(r.is_valid_on(day) for r in representatives):
            add_error(
                errors,
                "signed_by",
                _("Klientam %(day)s nav reģistrēta aizbildņa vai likumiskā pārstāvja.")
                % {"day": dmy(day)},
            )

    evidence_protocol = _text(value("evidence_protocol"), "evidence_protocol", errors, limit=5000)
    upload = data.get("evidence_file")
    if upload:
        _check_file(upload, errors)
    no_evidence_reason = _text(
        value("no_evidence_reason"), "no_evidence_reason", errors, limit=1000
    )
    if (
        no_evidence_reason
        and not social_service
        and no_evidence_reason != session.no_evidence_reason
    ):
        add_error(
            errors,
            "no_evidence_reason",
            _("Pamatojumu, kāpēc pierādījumu nav, ieraksta sociālais darbinieks."),
        )
    difference_reason = _text(
        value("duration_difference_reason"), "duration_difference_reason", errors, limit=1000
    )
    goals = _text(value("goals_worked_on"), "goals_worked_on", errors, limit=5000)
    techniques = _text(value("techniques"), "techniques", errors, limit=5000)
    conclusion = _text(value("conclusion"), "conclusion", errors, limit=10000)
    raise_if_errors(errors)
    if day is None or start_time is None:  # pragma: no cover - reported above
        raise ValidationFailed({"date": [_("Obligāts lauks.")]})

    line_start = dt.date.fromisoformat(line["start"])
    line_end = dt.date.fromisoformat(line["end"])
    start, end = max(line_start, letter.period_start), min(line_end, letter.period_end)
    if not start <= day <= end:
        raise OutsideLetterPeriod(
            _(
                "Datums %(day)s ir ārpus garantijas vēstules %(number)s perioda šim "
                "pakalpojumam (%(start)s–%(end)s)."
            )
            % {"day": dmy(day), "number": letter.number, "start": dmy(start), "end": dmy(end)},
            field="date",
        )
    if day > timezone.localdate() and status != SessionStatus.CANCELLED:
        raise ValidationFailed({"date": [_("Nodarbību, kas vēl nav notikusi, reģistrēt nevar.")]})
    if (
        mode == SessionMode.REMOTE
        and not service_type.remote_allowed
        and selectors.emergency_on(municipality_id=client.municipality_id, day=day) is None
    ):
        raise RemoteNotAllowed(
            _(
                "Pakalpojumu „%(service)s” attālināti sniegt nevar, un %(day)s pašvaldībā "
                "nav izsludināta ārkārtas situācija."
            )
            % {"service": service_type.name_lv, "day": dmy(day)},
            field="mode",
        )

    session.letter = letter
    session.line_key = line["key"]
    session.provider_id = letter.provider_id
    session.service_type = service_type
    session.funding_source = line["funding_source"]
    session.recipient = recipient
    session.date = day
    session.start_time = start_time
    session.duration_minutes = minutes
    session.expected_minutes = int(expected) if expected else None
    session.status = status
    session.mode = mode
    session.signed_by = signed_by
    session.signer_note = signer_note
    session.evidence_protocol = evidence_protocol if mode == SessionMode.REMOTE else ""
    if mode != SessionMode.REMOTE:
        session.evidence_file = None
    if no_evidence_reason != session.no_evidence_reason:
        session.no_evidence_reason = no_evidence_reason
        session.no_evidence_by = actor if no_evidence_reason else None
    if difference_reason != session.duration_difference_reason or "duration_minutes" in data:
        session.duration_difference_reason = difference_reason
        session.duration_accepted_by = None
    if social_service and difference_reason and minutes != session.expected_minutes:
        session.duration_accepted_by = actor
    session.goals_worked_on = goals
    session.techniques = techniques
    session.conclusion = conclusion
    session.confidential = service_type.confidential
    _price(session, unit, line, km, ticket)
    return {"upload": upload}


def _price(
    session: Session, unit: str, line: dict[str, Any], km: Any, ticket: Decimal | None
) -> None:
    """Units and amount: hours = minutes / 60; one per session, day or trip; km for km;
    a ticket is its own amount. A no-show without notice earns the rule's share of the price,
    one with notice or a cancellation earns nothing."""
    price = Decimal(line["unit_price"]) if line.get("unit_price") else Decimal("0.00")
    session.unit_price = price
    session.ticket_amount = ticket
    if unit == ServiceUnit.HOUR:
        units = round_money(Decimal(session.duration_minutes or 0) / 60)
    elif unit == ServiceUnit.KM:
        units = km if km is not None else Decimal("0")
    else:
        units = Decimal("1")
    session.units = units
    session.no_show_share = None
    amount = ticket if ticket is not None else round_money(units * price)
    if session.status == SessionStatus.NO_SHOW_NO_NOTICE:
        share = selectors.no_show_share_on(
            municipality_id=session.client.municipality_id, day=session.date
        )
        session.no_show_share = share
        amount = round_money(units * price * share / 100)
    elif session.status in (SessionStatus.NO_SHOW_NOTICE, SessionStatus.CANCELLED):
        amount = Decimal("0.00")
    session.amount = amount


def _invoiceable(session: Session) -> bool:
    if session.status not in selectors.PAID_STATUSES:
        return False
    return not (session.duration_pending or session.evidence_pending)


def _reflag_month(client_id: int, line_key: Any, day: dt.date, quantity: Decimal) -> None:
    """Mark the sessions past the line's monthly quantity, in the order they took place."""
    sessions = Session.objects.select_for_update().filter(
        client_id=client_id,
        line_key=line_key,
        date__gte=selectors.month_start(day),
        date__lte=selectors.month_end(day),
    )
    used = Decimal("0")
    for session in sessions.order_by("date", "start_time", "id"):
        over = False
        if session.status in selectors.COUNTED_STATUSES:
            used += session.units
            over = used > quantity
        if session.over_quantity != over:
            session.over_quantity = over
            session.save(update_fields=["over_quantity", "updated_at"])


def _check_duplicate(session: Session) -> None:
    if session.status == SessionStatus.CANCELLED:
        return
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
    if duplicates.exists():
        raise DuplicateSession(
            _("Nodarbība „%(service)s” %(day)s plkst. %(time)s šim saņēmējam jau ir reģistrēta.")
            % {
                "service": session.service_type.name_lv,
                "day": dmy(session.date),
                "time": session.start_time.strftime("%H:%M") if session.start_time else "",
            },
            field="start_time",
        )


def _save(session: Session, line: dict[str, Any], extra: dict[str, Any], old_day: Any) -> None:
    _check_duplicate(session)
    upload = extra.get("upload")
    session.is_invoiceable = _invoiceable(session)
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as exc:
        raise DuplicateSession(field="start_time") from exc
    if upload:
        session.evidence_file.save(upload.name, upload, save=False)
        session.is_invoiceable = _invoiceable(session)
        session.save(update_fields=["evidence_file", "is_invoiceable", "updated_at"])
    quantity = Decimal(line["quantity"])
    _reflag_month(session.client_id, session.line_key, session.date, quantity)
    if old_day is not None and selectors.month_start(old_day) != selectors.month_start(
        session.date
    ):
        _reflag_month(session.client_id, session.line_key, old_day, quantity)
    session.refresh_from_db()


def _audit_values(session: Session) -> dict[str, Any]:
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


def _letter_for_write(actor: Any, letter: GuaranteeLetter) -> GuaranteeLetter:
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
    *, actor: Any, letter: GuaranteeLetter, data: Mapping[str, Any], import_key: str | None = None
) -> Session:
    """Record one line of the attendance sheet under a letter line (`data["line_key"]`)."""
    refuse_unknown(data, SESSION_FIELDS)
    letter = _letter_for_write(actor, letter)
    if data.get("line_key") in (None, ""):
        raise ValidationFailed({"line_key": [_("Izvēlieties pakalpojumu no garantijas vēstules.")]})
    try:
        line = selectors.letter_line(letter, data["line_key"])
    except NoLetter as exc:
        raise NoLetter(
            _("Garantijas vēstulē %(number)s nav šāda pakalpojuma.") % {"number": letter.number},
            field="line_key",
        ) from exc
    session = Session(client=selectors.letter_client(letter), recorded_by=actor)
    session.import_key = import_key
    extra = _clean_session(actor=actor, session=session, letter=letter, line=line, data=data)
    _save(session, line, extra, None)
    _audit(
        actor,
        AuditEventType.DELIVERY_SESSION_RECORDED,
        session,
        session.client,
        {**_audit_values(session), "imported": import_key is not None},
    )
    return session


class SessionInvoiced(DomainError):
    code = "session_invoiced"
    default_message = _(
        "Nodarbība jau ir iekļauta rēķinā, tāpēc to mainīt nevar. Ja tajā ir kļūda, rēķins "
        "jānoraida; tad nodarbību var labot."
    )


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


@transaction.atomic
def session_update(*, actor: Any, session: Session, data: Mapping[str, Any]) -> Session:
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
    extra = _clean_session(actor=actor, session=session, letter=letter, line=line, data=data)
    _save(session, line, extra, old_day)
    after = {name: _plain(getattr(session, name)) for name in AUDITED_FIELDS}
    changes = {
        name: {"before": before[name], "after": after[name]}
        for name in AUDITED_FIELDS
        if before[name] != after[name]
    }
    notes_changed = [n for n in NOTE_FIELDS if getattr(session, n) != notes_before[n]]
    _audit(
        actor,
        AuditEventType.DELIVERY_SESSION_CHANGED,
        session,
        session.client,
        {"changes": changes, "notes_changed": notes_changed},
    )
    return session


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def session_accept_duration(*, actor: Any, session: Session, reason: str) -> Session:
    """A social worker accepts that a session lasted other than the letter says."""
    delivery_policy.require(actor, Action.DECIDE, session)
    session = _lock(session)
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", errors, limit=1000, required=True)
    raise_if_errors(errors)
    if not session.duration_pending:
        raise DomainError(
            _("Šīs nodarbības ilgums atbilst garantijas vēstulei vai jau ir akceptēts.")
        )
    session.duration_difference_reason = reason
    session.duration_accepted_by = actor
    session.is_invoiceable = _invoiceable(session)
    session.save()
    _audit(
        actor,
        AuditEventType.DELIVERY_DURATION_ACCEPTED,
        session,
        session.client,
        {
            "duration_minutes": session.duration_minutes,
            "expected_minutes": session.expected_minutes,
            "reason": reason,
        },
    )
    return session


@transaction.atomic
def session_accept_no_evidence(*, actor: Any, session: Session, reason: str) -> Session:
    """A social worker records why a remote session has no evidence (and that it took place)."""
    delivery_policy.require(actor, Action.DECIDE, session)
    session = _lock(session)
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", errors, limit=1000, required=True)
    raise_if_errors(errors)
    if not session.evidence_pending:
        raise DomainError(_("Šai nodarbībai pierādījumi nav vajadzīgi vai jau ir pievienoti."))
    session.no_evidence_reason = reason
    session.no_evidence_by = actor
    session.is_invoiceable = _invoiceable(session)
    session.save()
    _audit(
        actor,
        AuditEventType.DELIVERY_NO_EVIDENCE_ACCEPTED,
        session,
        session.client,
        {"reason": reason},
    )
    return session


def conclusion_view_record(*, actor: Any, client: Client, session_ids: list[int]) -> None:
    """A specialist's conclusion is health data: reading it (with consent) is an audit event."""
    if session_ids:
        _audit(
            actor,
            AuditEventType.DELIVERY_CONCLUSION_VIEWED,
            client,
            client,
            {"sessions": session_ids},
        )


def evidence_download_record(*, actor: Any, session: Session) -> None:
    delivery_policy.require(actor, Action.VIEW_NOTES, session)
    _audit(actor, AuditEventType.DELIVERY_EVIDENCE_DOWNLOADED, session, session.client, {})


# --- the no-show rule and emergency situations ---------------------------------------------------


def _percent(value: Any, errors: dict[str, list[str]]) -> Decimal | None:
    message = _("Daļai jābūt skaitlim no 0 līdz 100 ar ne vairāk kā diviem cipariem aiz komata.")
    if value in (None, ""):
        add_error(errors, "share_percent", _("Obligāts lauks."))
        return None
    try:
        if isinstance(value, float | bool):
            raise ValueError(value)
        number = parse_money(value) if isinstance(value, str) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        add_error(errors, "share_percent", message)
        return None
    if not number.is_finite() or number != round_money(number) or not 0 <= number <= 100:
        add_error(errors, "share_percent", message)
        return None
    return round_money(number)


@transaction.atomic
def no_show_rule_create(
    *, actor: Any, municipality: Municipality, data: Mapping[str, Any]
) -> NoShowRule:
    """A new share for no-shows without notice from a date; the open rule before it ends the
    day before (rules are dated, never overwritten)."""
    refuse_unknown(data, ("share_percent", "valid_from"))
    municipal_rule_policy.require(actor, Action.CREATE, municipality)
    errors: dict[str, list[str]] = {}
    share = _percent(data.get("share_percent"), errors)
    valid_from = _date(data.get("valid_from"), "valid_from", errors)
    raise_if_errors(errors)
    if valid_from is None or share is None:  # pragma: no cover - reported above
        raise ValidationFailed({"valid_from": [_("Obligāts lauks.")]})
    rules = NoShowRule.objects.select_for_update().filter(municipality=municipality)
    if rules.filter(valid_from__gte=valid_from).exists():
        raise ValidationFailed(
            {"valid_from": [_("Jaunam noteikumam jāsākas pēc pēdējā noteikuma sākuma datuma.")]}
        )
    for previous in rules.filter(valid_to__isnull=True) | rules.filter(valid_to__gte=valid_from):
        previous.valid_to = valid_from - dt.timedelta(days=1)
        previous.save(update_fields=["valid_to", "updated_at"])
    rule = NoShowRule.objects.create(
        municipality=municipality, share_percent=share, valid_from=valid_from, created_by=actor
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.DELIVERY_NO_SHOW_RULE_CREATED,
        subject=rule,
        municipality_id=municipality.pk,
        extra_data={"share_percent": str(share), "valid_from": valid_from.isoformat()},
    )
    return rule


@transaction.atomic
def emergency_declare(
    *, actor: Any, municipality: Municipality, data: Mapping[str, Any]
) -> EmergencySituation:
    refuse_unknown(data, ("start", "end", "reason"))
    municipal_rule_policy.require(actor, Action.CREATE, municipality)
    errors: dict[str, list[str]] = {}
    start = _date(data.get("start"), "start", errors)
    end = None
    if data.get("end") not in (None, ""):
        end = _date(data.get("end"), "end", errors)
    reason = _text(data.get("reason"), "reason", errors, limit=500, required=True)
    if start and end and end < start:
        add_error(errors, "end", _("Beigu datums nevar būt pirms sākuma datuma."))
    raise_if_errors(errors)
    if start is None:  # pragma: no cover - reported above
        raise ValidationFailed({"start": [_("Obligāts lauks.")]})
    overlapping = EmergencySituation.objects.filter(municipality=municipality).filter(
        models.Q(end__isnull=True) | models.Q(end__gte=start)
    )
    if end is not None:
        overlapping = overlapping.filter(start__lte=end)
    if overlapping.exists():
        raise ValidationFailed(
            {"start": [_("Šajā laikā pašvaldībā jau ir izsludināta ārkārtas situācija.")]}
        )
    emergency = EmergencySituation.objects.create(
        municipality=municipality, start=start, end=end, reason=reason, declared_by=actor
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.DELIVERY_EMERGENCY_DECLARED,
        subject=emergency,
        municipality_id=municipality.pk,
        extra_data={"start": start.isoformat(), "end": end.isoformat() if end else None},
    )
    return emergency


@transaction.atomic
def emergency_end(*, actor: Any, emergency: EmergencySituation, end: Any) -> EmergencySituation:
    municipal_rule_policy.require(actor, Action.CHANGE, emergency)
    emergency = EmergencySituation.objects.select_for_update().get(pk=emergency.pk)
    errors: dict[str, list[str]] = {}
    day = _date(end, "end", errors)
    if day is not None and day < emergency.start:
        add_error(errors, "end", _("Beigu datums nevar būt pirms sākuma datuma."))
    if emergency.end is not None and day is not None and day > emergency.end:
        add_error(errors, "end", _("Ārkārtas situācija jau beidzas agrāk."))
    raise_if_errors(errors)
    emergency.end = day
    emergency.ended_by = actor
    emergency.save(update_fields=["end", "ended_by", "updated_at"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.DELIVERY_EMERGENCY_ENDED,
        subject=emergency,
        municipality_id=emergency.municipality_id,
        extra_data={"end": day.isoformat() if day else None},
    )
    return emergency


def import_key_for(provider_id: int, values: Mapping[str, Any]) -> str:
    """A stable hash of one imported row: the same row imported again is recognised."""
    text = "|".join([str(provider_id), *(f"{k}={values[k]}" for k in sorted(values))])
    return hashlib.sha256(text.encode()).hexdigest()


# --- import of a month's sessions ----------------------------------------------------------------

# Column (normalised, see tabular.normalise) → what it holds. Latvian names first, English too.
IMPORT_COLUMNS = {
    "vestule": "letter",
    "rinda": "line",
    "datums": "date",
    "sakums": "start_time",
    "ilgums": "duration_minutes",
    "statuss": "status",
    "veids": "mode",
    "parakstija": "signed_by",
    "sanemejs": "recipient",
    "km": "km",
    "bilete": "ticket_amount",
    "protokols": "evidence_protocol",
    "merki": "goals_worked_on",
    "metodes": "techniques",
}
IMPORT_COLUMNS.update({value: value for value in list(IMPORT_COLUMNS.values())})
COLUMN_LABELS = {
    "letter": "vēstule",
    "line": "rinda",
    "line_key": "rinda",
    "date": "datums",
    "start_time": "sākums",
    "duration_minutes": "ilgums",
    "status": "statuss",
    "mode": "veids",
    "signed_by": "parakstīja",
    "signer_note": "parakstīja",
    "recipient": "saņēmējs",
    "km": "km",
    "ticket_amount": "biļete",
    "evidence_protocol": "protokols",
    "goals_worked_on": "mērķi",
    "techniques": "metodes",
    "__all__": "—",
}
REQUIRED_COLUMNS = ("letter", "line", "date", "start_time")
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "status": {
        "notika": SessionStatus.HELD,
        "bridinaja": SessionStatus.NO_SHOW_NOTICE,
        "nebridinaja": SessionStatus.NO_SHOW_NO_NOTICE,
        "atcelta": SessionStatus.CANCELLED,
    },
    "mode": {"klatiene": SessionMode.IN_PERSON, "attalinati": SessionMode.REMOTE},
    "signed_by": {"klients": Signer.CLIENT, "parstavis": Signer.REPRESENTATIVE},
}


class _Cell(Exception):
    def __init__(self, column: str, message: Any) -> None:
        self.column = column
        self.message = str(message)
        super().__init__(self.message)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\x00", "").strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def _cell_date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _cell_text(value)
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    raise _Cell("date", _("Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD."))


def _cell_time(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    text = _cell_text(value).replace(".", ":")
    if len(text) == 4 and text[1] == ":":
        text = "0" + text
    return text


def _alias(column: str, value: Any) -> str:
    text = normalise(_cell_text(value))
    return str(VALUE_ALIASES[column].get(text, text))


def _row_data(
    actor: Any, values: dict[str, Any], today: dt.date
) -> tuple[GuaranteeLetter, dict[str, Any], dict[str, Any]]:
    """One row as (letter, data for session_record, the values its import key is made of)."""
    number = _cell_text(values.get("letter"))
    letter = GuaranteeLetter.objects.filter(number=number).first() if number else None
    if letter is None or not selectors.letter_open_for(actor, letter, today):
        raise _Cell(
            "letter",
            _("Garantijas vēstule „%(number)s” nav atrasta vai nav spēkā jūsu organizācijai.")
            % {"number": number},
        )
    line_text = _cell_text(values.get("line"))
    line = selectors.letter_line_numbered(letter, int(line_text)) if line_text.isdigit() else None
    if line is None:
        raise _Cell(
            "line",
            _("Vēstulē %(number)s nav %(line)s. rindas (tajā ir %(count)s).")
            % {"number": letter.number, "line": line_text or "—", "count": len(letter.lines)},
        )
    recipient_name = _cell_text(values.get("recipient"))
    recipient = None
    if recipient_name:
        plan_line = selectors.plan_line_of(letter, line["key"])
        named = plan_line.recipient if plan_line is not None else None
        if named is None or str(named).strip().lower() != recipient_name.lower():
            raise _Cell(
                "recipient",
                _("Saņēmējs „%(name)s” nav norādīts vēstules %(line)s. rindā.")
                % {"name": recipient_name, "line": line_text},
            )
        recipient = named.pk
    data: dict[str, Any] = {
        "line_key": line["key"],
        "date": _cell_date(values.get("date")),
        "start_time": _cell_time(values.get("start_time")),
        "recipient": recipient,
    }
    for column in ("duration_minutes", "km", "ticket_amount"):
        data[column] = _cell_text(values.get(column)) or None
    for column in ("status", "mode", "signed_by"):
        data[column] = _alias(column, values.get(column)) or None
    for column in ("evidence_protocol", "goals_worked_on", "techniques"):
        data[column] = _cell_text(values.get(column))
    key_values = {"letter": letter.number, "line": line_text, **data}
    return letter, data, key_values


def _row_errors(sheet: str, row: int, error: DomainError) -> list[RowError]:
    return [
        RowError(sheet, row, COLUMN_LABELS.get(field, field), message)
        for field, messages in error.field_errors.items()
        for message in messages
    ]


@transaction.atomic
def sessions_import(*, actor: Any, name: str, content: bytes) -> dict[str, int]:
    """Import a month's sessions from CSV or XLSX: every row is recorded with the same rules
    as one typed in; if any row is wrong nothing is written and every problem is reported
    with its sheet, row, column and message. A row imported before is recognised by its
    import key and not recorded again. Returns {"created": n, "unchanged": m}."""
    try:
        rows = read_rows(name=name, content=content)
    except FileUnreadable as exc:
        raise ImportFailed([RowError(name, 0, "file", exc.message).as_dict()]) from exc
    problems: list[RowError] = []
    if rows:
        columns = set(rows[0][2])
        unknown = sorted(c for c in columns if c and c not in IMPORT_COLUMNS)
        for column in unknown:
            problems.append(RowError(rows[0][0], 1, column, str(_("Nezināma kolonna."))))
        present = {IMPORT_COLUMNS[c] for c in columns if c in IMPORT_COLUMNS}
        for column in REQUIRED_COLUMNS:
            if column not in present:
                problems.append(
                    RowError(rows[0][0], 1, COLUMN_LABELS[column], str(_("Trūkst kolonnas.")))
                )
    else:
        problems.append(RowError(name, 0, "file", str(_("Failā nav nevienas rindas."))))
    if problems:
        raise ImportFailed([p.as_dict() for p in problems])
    today = timezone.localdate()
    created = unchanged = 0
    seen: dict[str, int] = {}
    for sheet, number, raw in rows:
        values = {IMPORT_COLUMNS[c]: v for c, v in raw.items() if c in IMPORT_COLUMNS}
        try:
            letter, data, key_values = _row_data(actor, values, today)
        except _Cell as exc:
            problems.append(RowError(sheet, number, COLUMN_LABELS[exc.column], exc.message))
            continue
        except DomainError as exc:
            problems.extend(_row_errors(sheet, number, exc))
            continue
        key = import_key_for(letter.provider_id, key_values)
        if key in seen:
            problems.append(
                RowError(
                    sheet,
                    number,
                    "—",
                    str(_("Rinda atkārto %(row)s. rindu.") % {"row": seen[key]}),
                )
            )
            continue
        seen[key] = number
        if Session.objects.filter(import_key=key).exists():
            unchanged += 1
            continue
        try:
            with transaction.atomic():
                session_record(actor=actor, letter=letter, data=data, import_key=key)
        except DomainError as exc:
            problems.extend(_row_errors(sheet, number, exc))
            continue
        created += 1
    if problems:
        raise ImportFailed([p.as_dict() for p in problems])
    audit_record(
        actor=actor,
        event_type=AuditEventType.DELIVERY_IMPORTED,
        subject_type="delivery.import",
        subject_id=hashlib.sha256(content).hexdigest()[:32],
        extra_data={"file": name, "created": created, "unchanged": unchanged},
    )
    return {"created": created, "unchanged": unchanged}
