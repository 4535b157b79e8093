"""API for delivery: sessions, no-shows, import, calendar, emergencies and the no-show rule —
the same services, rules and policies as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from atbalsts.api.schemas import BoundedSchema, Offset, StrictSchema
from atbalsts.core.actors import Viewer
from atbalsts.core.audit import AuditEventType
from atbalsts.core.dates import hm
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.read_audit import read_record
from atbalsts.delivery import progress as import_progress
from atbalsts.delivery import selectors, services
from atbalsts.delivery.models import (
    EmergencySituation,
    NoShowRule,
    Session,
    SessionMode,
    SessionStatus,
    Signer,
)
from atbalsts.delivery.policies import delivery_policy, municipal_rule_policy
from atbalsts.delivery.tabular import MAX_BYTES
from atbalsts.jobs.selectors import job_get
from atbalsts.people import selectors as people_selectors

router = Router(tags=["delivery"])
MAX_PAGE = 500


class SessionIn(StrictSchema):
    letter: int | None = Field(None, description="Garantijas vēstules id")
    letter_number: str | None = Field(None, max_length=80, description="vai vēstules numurs")
    line: int | None = Field(None, ge=1, description="Vēstules rindas numurs (no 1)")
    line_key: str | None = Field(None, max_length=40, description="vai rindas atslēga")
    date: dt.date
    start_time: str = Field(max_length=8, description="SS:MM")
    duration_minutes: int | None = None
    status: SessionStatus = SessionStatus.HELD
    mode: SessionMode = SessionMode.IN_PERSON
    recipient: int | None = Field(None, description="Atbalsta loka dalībnieka id; null — klients")
    signed_by: Signer | None = None
    signer_note: str = Field("", max_length=1000)
    evidence_protocol: str = Field("", max_length=5000)
    no_evidence_reason: str = Field("", max_length=1000)
    duration_difference_reason: str = Field("", max_length=1000)
    km: str | None = Field(None, max_length=20, description="kilometri, piem. „42,5”")
    ticket_amount: str | None = Field(None, max_length=20, description="biļetes summa, €")
    goals_worked_on: str = Field("", max_length=5000)
    techniques: str = Field("", max_length=5000)
    conclusion: str = Field("", max_length=10000)


class SessionPatch(StrictSchema):
    date: dt.date | None = None
    start_time: str | None = Field(None, max_length=8)
    duration_minutes: int | None = None
    status: SessionStatus | None = None
    mode: SessionMode | None = None
    recipient: int | None = None
    signed_by: Signer | None = None
    signer_note: str | None = Field(None, max_length=1000)
    evidence_protocol: str | None = Field(None, max_length=5000)
    no_evidence_reason: str | None = Field(None, max_length=1000)
    duration_difference_reason: str | None = Field(None, max_length=1000)
    km: str | None = Field(None, max_length=20)
    ticket_amount: str | None = Field(None, max_length=20)
    goals_worked_on: str | None = Field(None, max_length=5000)
    techniques: str | None = Field(None, max_length=5000)
    conclusion: str | None = Field(None, max_length=10000)


class SessionOut(Schema):
    id: int
    client_id: int
    client_name: str
    letter: str
    line_key: str
    provider_id: int
    service_type_id: int
    service: str
    recipient_id: int | None
    funding_source: str
    date: dt.date
    start_time: str | None
    duration_minutes: int | None
    expected_minutes: int | None
    units: Decimal
    unit_price: Decimal
    ticket_amount: Decimal | None
    amount: Decimal
    status: str
    mode: str
    signed_by: str
    over_quantity: bool
    is_invoiceable: bool
    duration_pending: bool
    evidence_pending: bool
    confidential: bool
    goals_worked_on: str | None = Field(None, description="null, ja saturs jums nav redzams")
    techniques: str | None = None
    conclusion: str | None = None


class SessionPage(Schema):
    count: int
    offset: int
    limit: int
    items: list[SessionOut]


class SessionQuery(BoundedSchema):
    client: int | None = None
    provider: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    status: SessionStatus | None = None
    offset: Offset = 0
    limit: int = Field(100, ge=1, le=MAX_PAGE)


class ReasonIn(StrictSchema):
    reason: str = Field(max_length=1000)


class ImportRunStarted(Schema):
    run: int


class ImportRowError(Schema):
    sheet: str
    row: int
    field: str
    message: str


class ImportRunOut(Schema):
    run: int
    status: str
    phase: str
    done: int
    total: int
    report: dict[str, int] | None
    message: str
    rows: list[ImportRowError]


class EmergencyIn(StrictSchema):
    start: dt.date
    end: dt.date | None = None
    reason: str = Field(max_length=500)


class EmergencyEndIn(StrictSchema):
    end: dt.date


class EmergencyOut(Schema):
    id: int
    municipality: str
    start: dt.date
    end: dt.date | None
    reason: str


class NoShowRuleIn(StrictSchema):
    share_percent: str = Field(max_length=10, description="0–100, piem. „50” vai „25,5”")
    valid_from: dt.date


class NoShowRuleOut(Schema):
    id: int
    municipality: str
    share_percent: Decimal
    valid_from: dt.date
    valid_to: dt.date | None


class CalendarRowOut(Schema):
    client_id: int
    client_name: str
    provider: str
    service: str
    letter: str
    quantity: str
    unit: str
    planned: list[dt.date]
    recorded: list[int]


class CalendarOut(Schema):
    month: dt.date
    rows: list[CalendarRowOut]


class ClientLineOut(Schema):
    letter: str
    line: int
    line_key: str
    service: str
    quantity: str
    unit: str
    session_minutes: int | None
    start: dt.date
    end: dt.date
    recipient: str


class ProviderClientOut(Schema):
    id: int
    name: str
    lines: list[ClientLineOut]


# --- helpers -----------------------------------------------------------------------------------


def _session_out(user: Viewer, session: Session, consent: bool | None = None) -> dict[str, Any]:
    if consent is None:
        consent = selectors.has_conclusion_consent(session.client)
    access = selectors.card_access(user, session, consent=consent)
    return {
        "id": session.pk,
        "client_id": session.client_id,
        "client_name": session.client.full_name,
        "letter": session.letter.number,
        "line_key": str(session.line_key),
        "provider_id": session.provider_id,
        "service_type_id": session.service_type_id,
        "service": session.service_type.name_lv,
        "recipient_id": session.recipient_id,
        "funding_source": session.funding_source,
        "date": session.date,
        "start_time": hm(session.start_time) or None,
        "duration_minutes": session.duration_minutes,
        "expected_minutes": session.expected_minutes,
        "units": session.units,
        "unit_price": session.unit_price,
        "ticket_amount": session.ticket_amount,
        "amount": session.amount,
        "status": session.status,
        "mode": session.mode,
        "signed_by": session.signed_by,
        "over_quantity": session.over_quantity,
        "is_invoiceable": session.is_invoiceable,
        "duration_pending": session.duration_pending,
        "evidence_pending": session.evidence_pending,
        "confidential": session.confidential,
        "goals_worked_on": session.goals_worked_on if access.notes else None,
        "techniques": session.techniques if access.notes else None,
        "conclusion": session.conclusion if access.conclusion else None,
    }


def _sessions_out(user: Viewer, sessions: list[Session]) -> list[dict[str, Any]]:
    """A page of sessions: the clients' consents read in one query, not one per row. The
    sessions whose notes or conclusion it shows are an audit event (their ids)."""
    consents = selectors.clients_with_conclusion_consent(s.client_id for s in sessions)
    out = [_session_out(user, s, consent=s.client_id in consents) for s in sessions]
    with_notes = [o["id"] for o in out if o["goals_worked_on"] is not None or o["conclusion"]]
    if with_notes:
        read_record(
            actor=user,
            event=AuditEventType.SESSIONS_READ,
            subject_type="delivery.session",
            ids=with_notes,
            via="api",
        )
    return out


def _client_for(request: AuthedHttpRequest, pk: int) -> Any:
    """Provider staff reach only their own clients; others through the people register."""
    if delivery_policy.is_provider_staff(request.user):
        return selectors.provider_client_get(user=request.user, pk=pk).client
    return people_selectors.client_get(user=request.user, pk=pk)


# --- sessions ----------------------------------------------------------------------------------


@router.get("/sessions", response=SessionPage, summary="Nodarbības")
def list_sessions(request: AuthedHttpRequest, query: Query[SessionQuery]) -> dict[str, Any]:
    client = _client_for(request, query.client) if query.client is not None else None
    qs = selectors.session_list(
        user=request.user,
        client=client,
        provider_id=query.provider,
        start=query.start,
        end=query.end,
        status=[query.status] if query.status else None,
    )
    items = list(qs[query.offset : query.offset + query.limit])
    return {
        "count": qs.count(),
        "offset": query.offset,
        "limit": query.limit,
        "items": _sessions_out(request.user, items),
    }


@router.post("/sessions", response={201: SessionOut}, summary="Reģistrēt nodarbību")
def create_session(request: AuthedHttpRequest, payload: SessionIn) -> tuple[int, dict[str, Any]]:
    if payload.letter is None and not payload.letter_number:
        raise ValidationFailed({"letter": [_("Norādiet vēstules id vai numuru.")]})
    letter = selectors.letter_for_sessions(
        user=request.user, pk=payload.letter, number=payload.letter_number
    )
    data = payload.model_dump(exclude={"letter", "letter_number", "line"})
    if payload.line is not None:
        line = selectors.letter_line_numbered(letter, payload.line)
        data["line_key"] = line["key"] if line else "—"
    data["signed_by"] = data["signed_by"] or ""
    session = services.session_record(actor=request.user, letter=letter, data=data)
    return 201, _session_out(request.user, session)


@router.get("/sessions/{session_id}", response=SessionOut, summary="Nodarbība")
def get_session(request: AuthedHttpRequest, session_id: int) -> dict[str, Any]:
    session = selectors.session_get(user=request.user, pk=session_id)
    out = _session_out(request.user, session)
    if out["conclusion"] and not delivery_policy.provider_wrote(request.user, session):
        services.conclusion_view_record(
            actor=request.user, client=session.client, session_ids=[session.pk]
        )
    return out


@router.patch("/sessions/{session_id}", response=SessionOut, summary="Labot nodarbību")
def update_session(
    request: AuthedHttpRequest, session_id: int, payload: SessionPatch
) -> dict[str, Any]:
    session = selectors.session_get(user=request.user, pk=session_id)
    data = payload.model_dump(exclude_unset=True)
    session = services.session_update(actor=request.user, session=session, data=data)
    return _session_out(request.user, session)


@router.post(
    "/sessions/{session_id}/evidence",
    response=SessionOut,
    summary="Pievienot attālinātas nodarbības pierādījumu (ekrānuzņēmums PNG/JPEG vai PDF)",
)
def add_evidence(
    request: AuthedHttpRequest, session_id: int, file: File[UploadedFile]
) -> dict[str, Any]:
    session = selectors.session_get(user=request.user, pk=session_id)
    session = services.session_update(
        actor=request.user, session=session, data={"evidence_file": file}
    )
    return _session_out(request.user, session)


@router.post(
    "/sessions/{session_id}/accept-duration",
    response=SessionOut,
    summary="Akceptēt ilguma atšķirību (sociālais darbinieks)",
)
def accept_duration(
    request: AuthedHttpRequest, session_id: int, payload: ReasonIn
) -> dict[str, Any]:
    session = selectors.session_get(user=request.user, pk=session_id)
    session = services.session_accept_duration(
        actor=request.user, session=session, reason=payload.reason
    )
    return _session_out(request.user, session)


@router.post(
    "/sessions/{session_id}/accept-no-evidence",
    response=SessionOut,
    summary="Apstiprināt attālinātu nodarbību bez pierādījumiem (sociālais darbinieks)",
)
def accept_no_evidence(
    request: AuthedHttpRequest, session_id: int, payload: ReasonIn
) -> dict[str, Any]:
    session = selectors.session_get(user=request.user, pk=session_id)
    session = services.session_accept_no_evidence(
        actor=request.user, session=session, reason=payload.reason
    )
    return _session_out(request.user, session)


@router.get("/clients/{client_id}/no-shows", response=list[SessionOut], summary="Neierašanās")
def list_no_shows(request: AuthedHttpRequest, client_id: int) -> list[dict[str, Any]]:
    client = _client_for(request, client_id)
    sessions = list(selectors.no_shows_for_client(user=request.user, client=client)[:MAX_PAGE])
    return _sessions_out(request.user, sessions)


@router.get("/clients", response=list[ProviderClientOut], summary="Mani klienti (sniedzējam)")
def my_clients(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    if not delivery_policy.serves_clients(request.user):
        raise NotPermitted()
    return [
        {
            "id": entry.client.pk,
            "name": entry.client.full_name,
            "lines": [
                {
                    "letter": line["letter"].number,
                    "line": line["number"],
                    "line_key": line["key"],
                    "service": line["service"],
                    "quantity": line["quantity"],
                    "unit": line["unit"],
                    "session_minutes": line["session_minutes"],
                    "start": line["start"],
                    "end": line["end"],
                    "recipient": line["recipient"],
                }
                for line in entry.lines
            ],
        }
        for entry in selectors.my_clients(user=request.user)
    ]


@router.post(
    "/import",
    response={202: ImportRunStarted},
    summary="Importēt mēneša nodarbības (CSV/XLSX) fonā",
)
def import_sessions(request: AuthedHttpRequest, file: File[UploadedFile]) -> Any:
    """Stores the file and queues its import (202 with the run's id); the worker imports it
    all or nothing. GET /import/{run} gives its progress, then the counts or the row errors.
    Both the start and the worker ask delivery_policy.may_import_sessions, as the page does."""
    job = import_progress.import_start(
        actor=request.user, name=file.name or "", content=file.read(MAX_BYTES + 1)
    )
    return 202, {"run": job.pk}


@router.get("/import/{run_id}", response=ImportRunOut, summary="Nodarbību importa gaita")
def import_run(request: AuthedHttpRequest, run_id: int) -> dict[str, Any]:
    """`status`: queued, running, done or failed; `done` of `total` rows checked; when done
    the `report` ({"created", "unchanged"}), when failed the `message` and every row error in
    `rows`. 404 for another user's run."""
    if not delivery_policy.may_import_sessions(request.user):
        raise NotPermitted()
    return import_progress.job_json(job_get(request.user, run_id, kind=import_progress.KIND))


@router.get("/calendar", response=CalendarOut, summary="Plānotās un reģistrētās nodarbības")
def calendar(
    request: AuthedHttpRequest,
    month: str = "",
    client: int | None = None,
    provider: int | None = None,
) -> dict[str, Any]:
    if not delivery_policy.may_see_calendar(request.user):
        raise NotPermitted()
    who = _client_for(request, client) if client is not None else None
    first = selectors.parse_month(month, timezone.localdate())
    data = selectors.calendar_month(
        user=request.user,
        month=first,
        client=who,
        provider_id=None if delivery_policy.is_provider_staff(request.user) else provider,
    )
    return {
        "month": data.month,
        "rows": [
            {
                "client_id": row.client.pk,
                "client_name": row.client.full_name,
                "provider": row.provider_name,
                "service": row.service,
                "letter": row.letter_number,
                "quantity": row.quantity,
                "unit": row.unit,
                "planned": row.planned,
                "recorded": [s.pk for day in row.sessions.values() for s in day],
            }
            for row in data.rows
        ],
    }


# --- emergencies and the no-show rule ----------------------------------------------------------


def _emergency_out(e: EmergencySituation) -> dict[str, Any]:
    return {
        "id": e.pk,
        "municipality": e.municipality.code,
        "start": e.start,
        "end": e.end,
        "reason": e.reason,
    }


def _own_municipality(request: AuthedHttpRequest) -> Any:
    municipality = request.user.municipality
    if municipality is None:
        raise NotPermitted()
    return municipality


@router.get("/emergencies", response=list[EmergencyOut], summary="Ārkārtas situācijas")
def list_emergencies(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    if not municipal_rule_policy.can(request.user, Action.VIEW):
        raise NotPermitted()
    return [_emergency_out(e) for e in selectors.emergency_list(user=request.user)[:MAX_PAGE]]


@router.post("/emergencies", response={201: EmergencyOut}, summary="Izsludināt ārkārtas situāciju")
def declare_emergency(
    request: AuthedHttpRequest, payload: EmergencyIn
) -> tuple[int, dict[str, Any]]:
    emergency = services.emergency_declare(
        actor=request.user,
        municipality=_own_municipality(request),
        data=payload.model_dump(),
    )
    return 201, _emergency_out(emergency)


@router.post(
    "/emergencies/{emergency_id}/end", response=EmergencyOut, summary="Beigt ārkārtas situāciju"
)
def end_emergency(request: AuthedHttpRequest, emergency_id: int, payload: EmergencyEndIn) -> Any:
    emergency = municipal_rule_policy.get_visible(
        request.user, EmergencySituation.objects.select_related("municipality"), pk=emergency_id
    )
    emergency = services.emergency_end(actor=request.user, emergency=emergency, end=payload.end)
    return _emergency_out(emergency)


def _rule_out(rule: NoShowRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "municipality": rule.municipality.code,
        "share_percent": rule.share_percent,
        "valid_from": rule.valid_from,
        "valid_to": rule.valid_to,
    }


@router.get("/no-show-rules", response=list[NoShowRuleOut], summary="Neierašanās noteikumi")
def list_rules(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    if not municipal_rule_policy.can(request.user, Action.VIEW):
        raise NotPermitted()
    return [_rule_out(r) for r in selectors.no_show_rule_list(user=request.user)[:MAX_PAGE]]


@router.post("/no-show-rules", response={201: NoShowRuleOut}, summary="Noteikt neierašanās apmaksu")
def create_rule(request: AuthedHttpRequest, payload: NoShowRuleIn) -> tuple[int, dict[str, Any]]:
    rule = services.no_show_rule_create(
        actor=request.user, municipality=_own_municipality(request), data=payload.model_dump()
    )
    return 201, _rule_out(rule)
