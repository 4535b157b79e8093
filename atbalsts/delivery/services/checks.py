"""The rules of the attendance sheet every recorded or corrected session passes, one each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files import File
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.catalog.models import ServiceCategory, ServiceType, ServiceUnit
from atbalsts.core.dates import dmy, hm
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.validation import (
    add_error,
    choice_field,
    date_field,
    decimal_field,
    int_field,
    raise_if_errors,
    text_field,
    time_field,
)
from atbalsts.people.models import Representative, SupportCircleMember
from atbalsts.plans.models import GuaranteeLetter, PlanLine

from .. import selectors
from ..errors import DuplicateSession, NoLetter, OutsideLetterPeriod, RemoteNotAllowed
from ..evidence import MAX_EVIDENCE_BYTES, evidence_kind
from ..goals import letter_goals
from ..models import Session, SessionMode, SessionStatus, Signer
from ..policies import delivery_policy
from .pricing import price_session

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

MAX_SESSION_MINUTES = 720  # twelve hours: anything longer is a typing error
MAX_KM = Decimal("2000")
MAX_TICKET = Decimal("1000.00")


class SessionFacts:
    """What the rules read from the database besides the payload. One session asks the
    database each time; a bulk import (`services.bulk.BulkFacts`) answers the same questions
    from what it read once for all its rows, so both run the very same rules."""

    def service_type(self, pk: int) -> ServiceType:
        return ServiceType.objects.get(pk=pk)

    def social_service(self, actor: Actor) -> bool:
        return delivery_policy.is_social_service(actor)

    def plan_line(self, letter: GuaranteeLetter, key: Any) -> PlanLine | None:
        return selectors.plan_line_of(letter, key)

    def representatives(self, client_id: int) -> Iterable[Representative]:
        return Representative.objects.filter(client_id=client_id)

    def emergency_on(self, *, municipality_id: int, day: dt.date) -> object | None:
        return selectors.emergency_on(municipality_id=municipality_id, day=day)

    def line_pause_on(self, *, plan_id: int, line_key: Any, day: dt.date) -> Any:
        """The pause of the plan line covering `day` (`plans.selectors.pauses`), if any; a
        plan's pauses are read once per instance (a bulk import asks for many rows)."""
        from atbalsts.plans.selectors.pauses import plan_pauses

        cache: dict[int, list[Any]] = self.__dict__.setdefault("_pauses", {})
        if plan_id not in cache:
            cache[plan_id] = plan_pauses(plan_id=plan_id)
        key = str(line_key)
        return next((p for p in cache[plan_id] if str(p.line_key) == key and p.covers(day)), None)

    def remote_quality_problem(
        self, *, client_id: int, service_type: ServiceType, day: dt.date
    ) -> str | None:
        """Why a remote session cannot count yet (`services.remote_quality`), if it cannot;
        a client's decisions for a service are read once per instance."""
        from .remote_quality import remote_quality_decisions_of, remote_quality_problem

        if service_type.remote_allowed:
            return None
        cache: dict[tuple[int, int], Any] = self.__dict__.setdefault("_remote", {})
        key = (client_id, service_type.pk)
        if key not in cache:
            cache[key] = remote_quality_decisions_of(
                client_id=client_id, service_type_id=service_type.pk
            )
        return remote_quality_problem(
            client_id=client_id, service_type=service_type, day=day, decisions=cache[key]
        )


@dataclass
class _Draft:
    """A session under check: the payload over what is stored, the values read so far and
    the errors found so far (in the order the fields appear on the sheet)."""

    actor: Actor
    session: Session
    letter: GuaranteeLetter
    line: dict[str, Any]
    data: Mapping[str, object]
    service_type: ServiceType
    social_service: bool
    facts: SessionFacts
    errors: dict[str, list[str]] = field(default_factory=dict)
    status: str = SessionStatus.HELD
    mode: str = SessionMode.IN_PERSON
    day: dt.date | None = None
    start_time: dt.time | None = None
    minutes: int | None = None
    km: Decimal | None = None
    ticket: Decimal | None = None
    recipient: SupportCircleMember | None = None
    signed_by: str = ""
    signer_note: str = ""
    evidence_protocol: str = ""
    upload: File[Any] | None = None
    no_evidence_reason: str = ""
    difference_reason: str = ""
    goals: str = ""
    goal_keys: list[str] = field(default_factory=list)
    techniques: str = ""
    conclusion: str = ""

    @property
    def unit(self) -> str:
        return str(self.service_type.unit)

    @property
    def expected(self) -> int | None:
        """The session length the letter line names; a kilometre line has none to match,
        whatever the plan line says."""
        minutes = self.line.get("session_minutes") if self.unit != ServiceUnit.KM else None
        return int(minutes) if minutes else None

    def value(self, name: str) -> object:
        """The payload's value; when correcting, the stored one for a field not given."""
        if name in self.data:
            return self.data[name]
        session = self.session
        if session.pk is None or name == "evidence_file":
            return None
        if name == "recipient":
            return session.recipient_id
        if name == "km":
            return session.units if session.service_type.unit == ServiceUnit.KM else None
        return getattr(session, name)

    def text(self, name: str, limit: int) -> str:
        return text_field(self.value(name), name, self.errors, limit=limit)


def _amount(d: _Draft, name: str, high: Decimal) -> Decimal | None:
    message = _(
        "Jābūt pozitīvam skaitlim ar ne vairāk kā diviem cipariem aiz komata, līdz %(max)s."
    ) % {"max": high}
    return decimal_field(d.value(name), name, d.errors, high=high, positive=True, message=message)


# --- the checks, in the order of the sheet's fields ------------------------------------------


def _read_when(d: _Draft) -> None:
    d.status = choice_field(
        d.value("status"),
        "status",
        d.errors,
        SessionStatus,
        default=SessionStatus.HELD,
        list_values=True,
    )
    d.mode = choice_field(
        d.value("mode"),
        "mode",
        d.errors,
        SessionMode,
        default=SessionMode.IN_PERSON,
        list_values=True,
    )
    d.day = date_field(d.value("date"), "date", d.errors)
    d.start_time = time_field(d.value("start_time"), "start_time", d.errors, required=True)


def _check_duration_given(d: _Draft) -> None:
    """A length not given is the letter's; an hourly session held needs one."""
    d.minutes = int_field(
        d.value("duration_minutes"),
        "duration_minutes",
        d.errors,
        low=1,
        high=MAX_SESSION_MINUTES,
        message=_("Ilgumam jābūt veselam minūšu skaitam no 1 līdz %(max)s.")
        % {"max": MAX_SESSION_MINUTES},
    )
    if d.minutes is not None or "duration_minutes" in d.errors:
        return
    if d.expected:
        d.minutes = d.expected
    elif d.unit == ServiceUnit.HOUR and d.status == SessionStatus.HELD:
        add_error(d.errors, "duration_minutes", _("Norādiet nodarbības ilgumu minūtēs."))


def _check_transport(d: _Draft) -> None:
    """Kilometres or a ticket, only for transport, never both; a kilometre trip needs one."""
    d.km = _amount(d, "km", MAX_KM)
    d.ticket = _amount(d, "ticket_amount", MAX_TICKET)
    is_transport = d.service_type.category == ServiceCategory.TRANSPORT
    if (d.km is not None or d.ticket is not None) and not is_transport:
        add_error(
            d.errors,
            "km" if d.km is not None else "ticket_amount",
            _("Kilometrus vai biļetes summu norāda tikai transporta pakalpojumam."),
        )
    elif d.km is not None and d.ticket is not None:
        add_error(
            d.errors, "ticket_amount", _("Norādiet vai nu kilometrus, vai biļetes summu, ne abus.")
        )
    elif (
        is_transport
        and d.unit == ServiceUnit.KM
        and d.status == SessionStatus.HELD
        and d.km is None
        and d.ticket is None
        and "km" not in d.errors
        and "ticket_amount" not in d.errors
    ):
        add_error(d.errors, "km", _("Norādiet nobraukto kilometru skaitu vai biļetes summu."))


def _check_recipient_on_line(d: _Draft) -> None:
    """The recipient is the client, or the support-circle member the letter line names."""
    given = d.value("recipient")
    if given in (None, ""):
        return
    plan_line = d.facts.plan_line(d.letter, d.line["key"])
    pk = given.pk if isinstance(given, models.Model) else given
    if plan_line is None or str(plan_line.recipient_id) != str(pk):
        add_error(d.errors, "recipient", _("Šis saņēmējs nav norādīts garantijas vēstules rindā."))
    else:
        d.recipient = plan_line.recipient


def _check_signed(d: _Draft) -> None:
    """A session held has the attendance sheet signed by someone the user chose; a session
    that did not take place (a no-show, a cancellation) is signed by no one. A correction
    that makes a session a no-show without naming a signer drops the stored one."""
    held = d.status == SessionStatus.HELD
    raw = d.value("signed_by") if held or "signed_by" in d.data else None
    d.signed_by = choice_field(raw, "signed_by", d.errors, Signer, list_values=True)
    d.signer_note = d.text("signer_note", 1000) if held or "signer_note" in d.data else ""
    if "signed_by" in d.errors:
        return
    if held and not d.signed_by:
        add_error(d.errors, "signed_by", _("Norādiet, kas parakstīja apmeklējumu."))
    elif not held and d.signed_by:
        add_error(
            d.errors,
            "signed_by",
            _(
                "Nodarbība nenotika (persona neieradās vai tā atcelta), tāpēc apmeklējumu "
                "neviens neparaksta: atstājiet lauku „Parakstīja” tukšu."
            ),
        )
    elif not held and d.signer_note:
        add_error(
            d.errors,
            "signer_note",
            _("Nodarbībai, kas nenotika, piezīmi par parakstu neraksta."),
        )


def _check_social_worker_signature(d: _Draft) -> None:
    """Only the social worker signs as the social worker, writing how they made sure."""
    if d.signed_by != Signer.SOCIAL_WORKER:
        return
    if not d.social_service:
        add_error(
            d.errors,
            "signed_by",
            _("Sociālā darbinieka parakstu reģistrē pats sociālais darbinieks."),
        )
    elif not d.signer_note:
        add_error(
            d.errors,
            "signer_note",
            _(
                "Sociālais darbinieks ieraksta, ka sazinājās ar personu un pārliecinājās, "
                "ka nodarbība notika."
            ),
        )


def _check_representative_signed(d: _Draft) -> None:
    """A representative signs only if the client has one registered on the day."""
    if d.signed_by != Signer.REPRESENTATIVE or d.day is None:
        return
    day = d.day
    representatives = d.facts.representatives(d.session.client_id)
    if not any(r.is_valid_on(day) for r in representatives):
        add_error(
            d.errors,
            "signed_by",
            _("Klientam %(day)s nav reģistrēta aizbildņa vai likumiskā pārstāvja.")
            % {"day": dmy(day)},
        )


def _check_evidence_file(d: _Draft) -> None:
    """Evidence of a remote session: a protocol, or a screenshot or PDF of at most 5 MB that
    decodes whole (`delivery.evidence`)."""
    d.evidence_protocol = d.text("evidence_protocol", 5000)
    upload = d.data.get("evidence_file")
    if not upload:
        return
    if not isinstance(upload, File) or upload.size is None or upload.size > MAX_EVIDENCE_BYTES:
        add_error(d.errors, "evidence_file", _("Datne nedrīkst būt lielāka par 5 MB."))
        return
    kind = evidence_kind(upload)
    if kind is None:
        add_error(
            d.errors,
            "evidence_file",
            _("Pievienojiet ekrānuzņēmumu PNG vai JPEG formātā vai PDF."),
        )
        return
    upload.name = f"evidence.{kind}"  # the stored name is generated from the type found
    d.upload = upload


def _check_no_evidence_reason(d: _Draft) -> None:
    """Why a remote session has no evidence is the social worker's to write (or change)."""
    d.no_evidence_reason = d.text("no_evidence_reason", 1000)
    if (
        d.no_evidence_reason
        and not d.social_service
        and d.no_evidence_reason != d.session.no_evidence_reason
    ):
        add_error(
            d.errors,
            "no_evidence_reason",
            _("Pamatojumu, kāpēc pierādījumu nav, ieraksta sociālais darbinieks."),
        )


def _read_notes(d: _Draft) -> None:
    d.difference_reason = d.text("duration_difference_reason", 1000)
    d.goals = d.text("goals_worked_on", 5000)
    d.techniques = d.text("techniques", 5000)
    d.conclusion = d.text("conclusion", 10000)


def _check_goals_from_plan(d: _Draft) -> None:
    """The goals worked on are picked from the person's support plan, nothing else."""
    given = d.value("goal_keys")
    if given in (None, ""):
        return
    if isinstance(given, str) or not isinstance(given, list | tuple):
        add_error(d.errors, "goal_keys", _("Izvēlieties mērķus no atbalsta plāna."))
        return
    keys = {str(goal.key): str(goal.key) for goal in letter_goals(d.letter)}
    chosen = [str(value).strip().lower() for value in given]
    if any(key not in keys for key in chosen):
        add_error(
            d.errors,
            "goal_keys",
            _("Var izvēlēties tikai šīs personas atbalsta plāna mērķus."),
        )
        return
    d.goal_keys = [key for key in keys if key in chosen]


def _check_letter_covers_day(d: _Draft, day: dt.date) -> None:
    """The day lies in both the letter's period and its line's."""
    letter, line = d.letter, d.line
    start = max(dt.date.fromisoformat(line["start"]), letter.period_start)
    end = min(dt.date.fromisoformat(line["end"]), letter.period_end)
    if not start <= day <= end:
        raise OutsideLetterPeriod(
            _(
                "Datums %(day)s ir ārpus garantijas vēstules %(number)s perioda šim "
                "pakalpojumam (%(start)s–%(end)s)."
            )
            % {"day": dmy(day), "number": letter.number, "start": dmy(start), "end": dmy(end)},
            field="date",
        )


def _check_not_future(d: _Draft, day: dt.date) -> None:
    """Only a cancellation may be recorded ahead."""
    if day > timezone.localdate() and d.status != SessionStatus.CANCELLED:
        raise ValidationFailed({"date": [_("Nodarbību, kas vēl nav notikusi, reģistrēt nevar.")]})


def _check_remote_allowed(d: _Draft, day: dt.date) -> None:
    """Remote work only where the service allows it, or in a declared emergency."""
    if (
        d.mode == SessionMode.REMOTE
        and not d.service_type.remote_allowed
        and d.facts.emergency_on(municipality_id=d.session.client.municipality_id, day=day) is None
    ):
        raise RemoteNotAllowed(
            _(
                "Pakalpojumu „%(service)s” attālināti sniegt nevar, un %(day)s pašvaldībā "
                "nav izsludināta ārkārtas situācija."
            )
            % {"service": d.service_type.name_lv, "day": dmy(day)},
            field="mode",
        )


def _check_not_paused(d: _Draft, day: dt.date) -> None:
    """No session of a paused plan line (a hospital stay, a holiday) is accepted; a
    cancellation may still be recorded."""
    if d.status == SessionStatus.CANCELLED:
        return
    pause = d.facts.line_pause_on(plan_id=d.letter.version.plan_id, line_key=d.line["key"], day=day)
    if pause is not None:
        raise ValidationFailed(
            {
                "date": [
                    _(
                        "Pakalpojums „%(service)s” no %(start)s līdz %(end)s ir pārtraukts "
                        "(%(reason)s): šajās dienās nodarbības nereģistrē."
                    )
                    % {
                        "service": d.service_type.name_lv,
                        "start": dmy(pause.start),
                        "end": dmy(pause.end),
                        "reason": pause.get_reason_display(),
                    }
                ]
            }
        )


def _check_remote_quality(d: _Draft, day: dt.date) -> None:
    """In an emergency, remote sessions of a service not remote by nature count only after
    the social worker decided remote delivery keeps its quality (`remote_quality`)."""
    if d.mode != SessionMode.REMOTE:
        return
    problem = d.facts.remote_quality_problem(
        client_id=d.session.client_id, service_type=d.service_type, day=day
    )
    if problem:
        raise RemoteNotAllowed(problem, field="mode")


# Field checks collect every error; the checks after them need a valid day and stop at once.
_FIELD_CHECKS = (
    _read_when,
    _check_duration_given,
    _check_transport,
    _check_recipient_on_line,
    _check_signed,
    _check_social_worker_signature,
    _check_representative_signed,
    _check_evidence_file,
    _check_no_evidence_reason,
    _read_notes,
    _check_goals_from_plan,
)
_DAY_CHECKS = (
    _check_letter_covers_day,
    _check_not_paused,
    _check_not_future,
    _check_remote_allowed,
    _check_remote_quality,
)


def session_line(letter: GuaranteeLetter, data: Mapping[str, object]) -> dict[str, Any]:
    """The letter line a new session is recorded under (`data["line_key"]`)."""
    if data.get("line_key") in (None, ""):
        raise ValidationFailed({"line_key": [_("Izvēlieties pakalpojumu no garantijas vēstules.")]})
    try:
        return selectors.letter_line(letter, data["line_key"])
    except NoLetter as exc:
        raise NoLetter(
            _("Garantijas vēstulē %(number)s nav šāda pakalpojuma.") % {"number": letter.number},
            field="line_key",
        ) from exc


def check_not_duplicate(session: Session, taken: Callable[[Session], bool]) -> None:
    """No second session (not cancelled) for the same recipient, service, day and time:
    `taken` says whether another holds the key (the database, or an import's set)."""
    if session.status == SessionStatus.CANCELLED or not taken(session):
        return
    raise DuplicateSession(
        _("Nodarbība „%(service)s” %(day)s plkst. %(time)s šim saņēmējam jau ir reģistrēta.")
        % {
            "service": session.service_type.name_lv,
            "day": dmy(session.date),
            "time": hm(session.start_time),
        },
        field="start_time",
    )


def clean_session(
    *,
    actor: Actor,
    session: Session,
    letter: GuaranteeLetter,
    line: dict[str, Any],
    data: Mapping[str, object],
    facts: SessionFacts | None = None,
) -> File[Any] | None:
    """Check the input against the letter line and the rules; fill `session`. Returns the
    file to store (if any) so it is saved only after every rule passed. `facts` answers what
    the rules read from the database (a bulk import passes its preloaded `BulkFacts`)."""
    facts = facts if facts is not None else SessionFacts()
    d = _Draft(
        actor=actor,
        session=session,
        letter=letter,
        line=line,
        data=data,
        service_type=facts.service_type(line["service_type_id"]),
        social_service=facts.social_service(actor),
        facts=facts,
    )
    for check in _FIELD_CHECKS:
        check(d)
    raise_if_errors(d.errors)
    if d.day is None or d.start_time is None:  # pragma: no cover - reported above
        raise ValidationFailed({"date": [_("Obligāts lauks.")]})
    for day_check in _DAY_CHECKS:
        day_check(d, d.day)
    _fill(d, d.day, d.start_time)
    return d.upload


def _fill(d: _Draft, day: dt.date, start_time: dt.time) -> None:
    session, line, actor = d.session, d.line, d.actor
    session.letter = d.letter
    session.line_key = line["key"]
    session.provider_id = d.letter.provider_id
    session.service_type = d.service_type
    session.funding_source = line["funding_source"]
    session.recipient = d.recipient
    session.date = day
    session.start_time = start_time
    session.duration_minutes = d.minutes
    session.expected_minutes = d.expected
    session.status = d.status
    session.mode = d.mode
    session.signed_by = d.signed_by
    session.signer_note = d.signer_note
    session.evidence_protocol = d.evidence_protocol if d.mode == SessionMode.REMOTE else ""
    if d.mode != SessionMode.REMOTE:
        session.evidence_file = None
    if d.no_evidence_reason != session.no_evidence_reason:
        session.no_evidence_reason = d.no_evidence_reason
        session.no_evidence_by = actor if d.no_evidence_reason else None
    if d.difference_reason != session.duration_difference_reason or "duration_minutes" in d.data:
        session.duration_difference_reason = d.difference_reason
        session.duration_accepted_by = None
    if d.social_service and d.difference_reason and d.minutes != session.expected_minutes:
        session.duration_accepted_by = actor
    session.goals_worked_on = d.goals
    session.goal_keys = d.goal_keys
    session.techniques = d.techniques
    session.conclusion = d.conclusion
    session.confidential = d.service_type.confidential
    price_session(session, d.unit, line, d.km, d.ticket)
