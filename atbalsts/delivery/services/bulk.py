"""Recording many sessions at once (an import: a provider's month, the bundle's sessions
sheet) with the rules of one, set-based.

What the rules read from the database — the letters, the service types, the plan lines,
representatives, emergencies, the sessions already recorded — is read once for all rows
(`BulkFacts`); every row then passes the very same rule functions as a session typed in
(`checks.clean_session`, `checks.check_not_duplicate`), in memory. Only when no row is
refused is anything written: the sessions in a few INSERTs, the quantity flags computed
once per month (or period) and line for all its sessions (`flags.over_quantity_flags`),
and one audit event per client and letter naming the sessions, written in bulk
(`core.audit.audit_record_many`)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from atbalsts.catalog.models import ServiceType
from atbalsts.core.audit import AuditEntry, AuditEventType, audit_record_many
from atbalsts.core.errors import DomainError, ValidationFailed
from atbalsts.core.money import round_money
from atbalsts.core.validation import refuse_unknown
from atbalsts.people.models import Representative
from atbalsts.plans.models import GuaranteeLetter, PlanLine
from atbalsts.plans.pause_models import PlanLinePause

from ..models import EmergencySituation, Session, SessionStatus
from ..policies import delivery_policy
from .checks import SessionFacts, check_not_duplicate, clean_session
from .checks import session_line as line_of
from .flags import over_quantity_flags, quantity_window
from .pricing import is_invoiceable
from .sessions import SESSION_FIELDS, _letter_for_write

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

BATCH = 1000
# A plain SQL parameter list stays well under SQLite's limit of variables per statement.
CHUNK = 900


@dataclass(frozen=True)
class BulkEntry:
    """One session to record: the letter, the single form's data, the import key."""

    letter: GuaranteeLetter
    data: Mapping[str, object]
    import_key: str | None = None


@dataclass
class BulkOutcome:
    """The sessions written (in the entries' order), or the refusals by entry index (then
    nothing was written)."""

    sessions: list[Session] = field(default_factory=list)
    errors: dict[int, DomainError] = field(default_factory=dict)


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


class BulkFacts(SessionFacts):
    """`SessionFacts` answered from what was read once for all the letters' rows."""

    def __init__(self, actor: Actor, letters: Iterable[GuaranteeLetter]) -> None:
        letters = list(letters)
        self._social = delivery_policy.is_social_service(actor)
        self._types = {t.pk: t for t in ServiceType.objects.all()}
        versions = sorted({letter.version_id for letter in letters})
        self._plan_lines: dict[tuple[int, uuid.UUID], PlanLine] = {}
        for part in _chunks(versions):
            for line in PlanLine.objects.filter(version_id__in=part).select_related("recipient"):
                self._plan_lines[(line.version_id, line.key)] = line
        clients = sorted({letter.version.plan.client_id for letter in letters})
        self._representatives: dict[int, list[Representative]] = defaultdict(list)
        for part in _chunks(clients):
            for person in Representative.objects.filter(client_id__in=part):
                self._representatives[person.client_id].append(person)
        plans = sorted({letter.version.plan_id for letter in letters})
        self._pauses: dict[tuple[int, uuid.UUID], list[PlanLinePause]] = defaultdict(list)
        for part in _chunks(plans):
            for pause in PlanLinePause.objects.filter(plan_id__in=part).order_by("start", "id"):
                self._pauses[(pause.plan_id, pause.line_key)].append(pause)
        municipalities = {letter.version.plan.client.municipality_id for letter in letters}
        self._emergencies: dict[int, list[EmergencySituation]] = defaultdict(list)
        for situation in EmergencySituation.objects.filter(
            municipality_id__in=municipalities
        ).order_by("-start"):
            self._emergencies[situation.municipality_id].append(situation)

    def service_type(self, pk: int) -> ServiceType:
        return self._types[pk]

    def social_service(self, actor: Actor) -> bool:
        return self._social

    def plan_line(self, letter: GuaranteeLetter, key: Any) -> PlanLine | None:
        try:
            wanted = uuid.UUID(str(key))
        except ValueError:
            return None
        return self._plan_lines.get((letter.version_id, wanted))

    def representatives(self, client_id: int) -> Iterable[Representative]:
        return self._representatives.get(client_id, [])

    def line_pause_on(self, *, plan_id: int, line_key: Any, day: dt.date) -> Any:
        try:
            key = uuid.UUID(str(line_key))
        except ValueError:
            return None
        for pause in self._pauses.get((plan_id, key), []):
            if pause.start <= day <= pause.end:
                return pause
        return None

    def emergency_on(self, *, municipality_id: int, day: dt.date) -> object | None:
        for situation in self._emergencies.get(municipality_id, []):
            if situation.covers(day):
                return situation
        return None


def _open_letters(
    actor: Actor, entries: Sequence[BulkEntry]
) -> dict[int, GuaranteeLetter | DomainError]:
    """Each distinct letter as `session_record` takes it (may the actor record under it
    today?), once: the letter, or why not."""
    found: dict[int, GuaranteeLetter | DomainError] = {}
    for entry in entries:
        pk = entry.letter.pk
        if pk in found:
            continue
        try:
            found[pk] = _letter_for_write(actor, entry.letter)
        except DomainError as exc:
            found[pk] = exc
    return found


SessionKey = tuple[int, int, int, int, dt.date, dt.time | None]


def session_key(session: Session) -> SessionKey:
    """What makes a session a duplicate of another (the constraint `session_no_duplicate`)."""
    return (
        session.provider_id,
        session.client_id,
        session.recipient_id or 0,
        session.service_type_id,
        session.date,
        session.start_time,
    )


class _Taken:
    """The duplicate keys of the sessions already recorded (not cancelled) for these clients
    in these days, and of the rows accepted so far."""

    def __init__(self, client_ids: set[int], first: dt.date | None, last: dt.date | None) -> None:
        self.keys: set[SessionKey] = set()
        if first is None or last is None:
            return
        for part in _chunks(sorted(client_ids)):
            rows = (
                Session.objects.filter(client_id__in=part, date__gte=first, date__lte=last)
                .exclude(status=SessionStatus.CANCELLED)
                .values_list(
                    "provider_id",
                    "client_id",
                    "recipient_id",
                    "service_type_id",
                    "date",
                    "start_time",
                )
            )
            self.keys.update((p, c, r or 0, s, d, t) for p, c, r, s, d, t in rows)

    def __call__(self, session: Session) -> bool:
        return session_key(session) in self.keys

    def add(self, session: Session) -> None:
        if session.status != SessionStatus.CANCELLED:
            self.keys.add(session_key(session))


def _day_bounds(entries: Sequence[BulkEntry]) -> tuple[dt.date | None, dt.date | None]:
    """The earliest and latest day the rows name (a superset of what they may hold)."""
    days = []
    for entry in entries:
        raw = entry.data.get("date")
        if isinstance(raw, dt.date):
            days.append(raw)
        elif isinstance(raw, str):
            try:
                days.append(dt.date.fromisoformat(raw.strip()[:10]))
            except ValueError:
                continue
    return (min(days), max(days)) if days else (None, None)


def _check(
    actor: Actor, entries: Sequence[BulkEntry], outcome: BulkOutcome
) -> list[tuple[Session, dict[str, Any]]]:
    """Every entry through the single session's rules; the sessions to write with their lines."""
    letters = _open_letters(actor, entries)
    open_letters = [v for v in letters.values() if isinstance(v, GuaranteeLetter)]
    facts = BulkFacts(actor, open_letters)
    first, last = _day_bounds(entries)
    taken = _Taken({letter.version.plan.client_id for letter in open_letters}, first, last)
    accepted: list[tuple[Session, dict[str, Any]]] = []
    for index, entry in enumerate(entries):
        try:
            refuse_unknown(entry.data, SESSION_FIELDS)
            letter = letters[entry.letter.pk]
            if isinstance(letter, DomainError):
                raise letter
            line = line_of(letter, entry.data)
            session = Session(client=letter.version.plan.client, recorded_by=actor)
            session.import_key = entry.import_key
            upload = clean_session(
                actor=actor, session=session, letter=letter, line=line, data=entry.data, facts=facts
            )
            if upload is not None:  # an import names no files; record such a session alone
                raise ValidationFailed({"evidence_file": ["—"]})
            check_not_duplicate(session, taken)
        except DomainError as exc:
            outcome.errors[index] = exc
            continue
        session.is_invoiceable = is_invoiceable(session)
        taken.add(session)
        accepted.append((session, line))
    return accepted


def _order(session: Session, new: int | None) -> tuple[Any, ...]:
    """The order sessions took place in, as `reflag_month` reads them (date, time, id):
    a new session comes after every stored one of the same day and time."""
    time = session.start_time or dt.time.min
    return (session.date, time, 0 if new is None else 1, session.pk or 0, new or 0)


def _flag(accepted: list[tuple[Session, dict[str, Any]]]) -> dict[bool, list[int]]:
    """Set the new sessions' quantity flags, each month (or period) of each line computed
    once over the stored and the new sessions together; the stored sessions whose flag
    changes are returned: their ids by the flag to give them."""
    windows: dict[tuple[int, str, dt.date, dt.date], list[tuple[int, Session]]] = defaultdict(list)
    quantity: dict[tuple[int, str, dt.date, dt.date], Decimal] = {}
    for position, (session, line) in enumerate(accepted):
        start, end = quantity_window(line, session.date)
        key = (session.client_id, str(session.line_key), start, end)
        windows[key].append((position, session))
        quantity[key] = Decimal(line["quantity"])
    stored = _stored(windows)
    changed: dict[bool, list[int]] = {True: [], False: []}
    for key, new in windows.items():
        client_id, line_key, start, end = key
        old = [s for s in stored.get((client_id, line_key), []) if start <= s.date <= end]
        ordered = sorted(
            [(_order(s, None), s) for s in old] + [(_order(s, p), s) for p, s in new],
            key=lambda pair: pair[0],
        )
        flags = over_quantity_flags(((s.status, s.units) for _k, s in ordered), quantity[key])
        for (_key, session), over in zip(ordered, flags, strict=True):
            if session.pk is None:
                session.over_quantity = over
            elif session.over_quantity != over:
                changed[over].append(session.pk)
    return changed


def _stored(
    windows: Mapping[tuple[int, str, dt.date, dt.date], object],
) -> dict[tuple[int, str], list[Session]]:
    """The sessions already recorded in the windows' lines and days, read in one go."""
    if not windows:
        return {}
    clients = sorted({key[0] for key in windows})
    lines = {key[1] for key in windows}
    first = min(key[2] for key in windows)
    last = max(key[3] for key in windows)
    found: dict[tuple[int, str], list[Session]] = defaultdict(list)
    for part in _chunks(clients):
        rows = Session.objects.filter(client_id__in=part, date__gte=first, date__lte=last).only(
            "id", "client_id", "line_key", "date", "start_time", "status", "units", "over_quantity"
        )
        for session in rows:
            if str(session.line_key) in lines:
                found[(session.client_id, str(session.line_key))].append(session)
    return found


def _audit(actor: Actor, sessions: Sequence[Session]) -> None:
    """One event per client and letter: the sessions recorded, their count and money."""
    groups: dict[tuple[int, int], list[Session]] = defaultdict(list)
    for session in sessions:
        groups[(session.client_id, session.letter_id)].append(session)
    entries = []
    for (_client, _letter), group in groups.items():
        first = group[0]
        entries.append(
            AuditEntry(
                event_type=AuditEventType.DELIVERY_SESSIONS_RECORDED,
                subject_type=GuaranteeLetter._meta.label_lower,
                subject_id=str(first.letter_id),
                client_id=first.client_id,
                municipality_id=first.client.municipality_id,
                extra_data={
                    "letter": first.letter.number,
                    "sessions": [s.pk for s in group],
                    "count": len(group),
                    "amount": str(round_money(sum((s.amount for s in group), Decimal("0")))),
                    "over_quantity": sum(1 for s in group if s.over_quantity),
                    "not_invoiceable": sum(1 for s in group if not s.is_invoiceable),
                    "imported": any(s.import_key for s in group),
                },
            )
        )
    audit_record_many(actor=actor, entries=entries)


@transaction.atomic
def sessions_record_bulk(
    *, actor: Actor, entries: Sequence[BulkEntry], write: bool = True
) -> BulkOutcome:
    """Record every entry with the rules of `session_record`, or none: the refusals come
    back by entry index (`BulkOutcome.errors`, each what `session_record` would raise for
    that row recorded after the rows before it) and nothing is written. `write=False` only
    checks (the caller found other problems already and wants every row's)."""
    outcome = BulkOutcome()
    accepted = _check(actor, entries, outcome)
    if outcome.errors or not accepted or not write:
        return outcome
    changed = _flag(accepted)
    sessions = [session for session, _line in accepted]
    Session.objects.bulk_create(sessions, batch_size=BATCH)
    now = timezone.now()
    for over, ids in changed.items():
        for part in _chunks(ids):
            Session.objects.filter(pk__in=part).update(over_quantity=over, updated_at=now)
    _audit(actor, sessions)
    outcome.sessions = sessions
    return outcome
