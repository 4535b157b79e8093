"""Reads of delivery: the letters a provider works under, sessions through the policy, the
shared client card, no-shows, the calendar and the week ahead, and what billing invoices."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from atbalsts.catalog.models import ServiceType
from atbalsts.catalog.policies import own_provider_id
from atbalsts.core.collation import latvian
from atbalsts.core.dates import month_end as month_end
from atbalsts.core.dates import month_start as month_start
from atbalsts.core.policies import Action, role_of
from atbalsts.core.roles import Role
from atbalsts.people.models import Client, Consent, ConsentPurpose, Municipality
from atbalsts.people.selectors import my_active_cases
from atbalsts.plans.models import GuaranteeLetter, LetterStatus, PlanLine
from atbalsts.plans.policies import plan_policy

from .errors import NoLetter
from .models import EmergencySituation, NoShowRule, Session, SessionStatus
from .policies import delivery_policy, municipal_rule_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

DEFAULT_RECORDING_GRACE_DAYS = 60
PAID_STATUSES = (SessionStatus.HELD, SessionStatus.NO_SHOW_NO_NOTICE)
COUNTED_STATUSES = PAID_STATUSES


def recording_grace_days() -> int:
    """How long after a letter's period its provider may still record the last sessions."""
    return int(getattr(settings, "DELIVERY_RECORDING_GRACE_DAYS", DEFAULT_RECORDING_GRACE_DAYS))


# --- letters and their lines -------------------------------------------------------------------


def letter_line(letter: GuaranteeLetter, line_key: Any) -> dict[str, Any]:
    """The line of the letter's snapshot with this plan-line key; NoLetter if it has none."""
    wanted = str(line_key)
    for line in letter.lines:
        if line.get("key") == wanted:
            return dict(line)
    raise NoLetter(field="line_key")


def letter_line_numbered(letter: GuaranteeLetter, number: int) -> dict[str, Any] | None:
    """The `number`-th line (1-based) of the letter, as the printed letter numbers them."""
    if 1 <= number <= len(letter.lines):
        return dict(letter.lines[number - 1])
    return None


def plan_line_of(letter: GuaranteeLetter, line_key: Any) -> PlanLine | None:
    """The plan line behind a letter line (for its recipient), from the letter's own version."""
    try:
        key = uuid.UUID(str(line_key))
    except ValueError:
        return None
    return PlanLine.objects.filter(version_id=letter.version_id, key=key).first()


def letters_for_recording(*, provider_id: int, today: dt.date) -> QuerySet[GuaranteeLetter]:
    """Issued (not replaced) letters of a provider in force today, or whose period ended so
    recently that its last sessions may still be recorded."""
    since = today - dt.timedelta(days=recording_grace_days())
    return GuaranteeLetter.objects.filter(
        provider_id=provider_id,
        status=LetterStatus.ISSUED,
        period_start__lte=today,
        period_end__gte=since,
    )


def letter_for_sessions(
    *, user: Viewer, pk: int | None = None, number: str | None = None
) -> GuaranteeLetter:
    """The letter (by id or number) to record or read sessions under; 404 unless the user
    may see it."""
    if number is not None and "\x00" in number:
        raise Http404
    qs = GuaranteeLetter.objects.select_related("provider", "version__plan__client")
    letter = qs.filter(pk=pk).first() if pk is not None else qs.filter(number=number).first()
    if letter is None or not delivery_policy.letter_visible(user, letter):
        raise Http404
    return letter


def letter_open_for(user: Viewer, letter: GuaranteeLetter, today: dt.date) -> bool:
    """May this user record sessions under the letter today (provider staff: only in force)."""
    if letter.status != LetterStatus.ISSUED:
        return False
    if delivery_policy.is_provider_staff(user):
        return (
            delivery_policy.letter_visible(user, letter)
            and letters_for_recording(provider_id=letter.provider_id, today=today)
            .filter(pk=letter.pk)
            .exists()
        )
    return delivery_policy.can(user, Action.CREATE, letter)


def letter_client(letter: GuaranteeLetter) -> Client:
    return letter.version.plan.client


# --- municipal rules ---------------------------------------------------------------------------


def emergency_on(*, municipality_id: int, day: dt.date) -> EmergencySituation | None:
    return (
        EmergencySituation.objects.filter(municipality_id=municipality_id, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .order_by("-start")
        .first()
    )


def no_show_rule_on(*, municipality_id: int, day: dt.date) -> NoShowRule | None:
    return (
        NoShowRule.objects.filter(municipality_id=municipality_id, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from", "-id")
        .first()
    )


def no_show_share_on(*, municipality_id: int, day: dt.date) -> Decimal:
    """The percentage of the price paid for a no-show without notice; 0 without a rule."""
    rule = no_show_rule_on(municipality_id=municipality_id, day=day)
    return rule.share_percent if rule is not None else Decimal("0.00")


def emergency_list(*, user: Viewer, municipality: Municipality | None = None) -> QuerySet[Any]:
    qs = EmergencySituation.objects.select_related("municipality", "declared_by")
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    result: QuerySet[Any] = municipal_rule_policy.visible(user, qs).order_by("-start", "-id")
    return result


def no_show_rule_list(*, user: Viewer, municipality: Municipality | None = None) -> QuerySet[Any]:
    qs = NoShowRule.objects.select_related("municipality", "created_by")
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    result: QuerySet[Any] = municipal_rule_policy.visible(user, qs).order_by("-valid_from", "-id")
    return result


# --- sessions ----------------------------------------------------------------------------------


def _sessions() -> QuerySet[Session]:
    return Session.objects.select_related(
        "client", "provider", "service_type", "recipient", "letter", "recorded_by"
    )


def session_list(
    *,
    user: Viewer,
    client: Client | None = None,
    provider_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    status: Iterable[str] | None = None,
) -> QuerySet[Session]:
    qs = delivery_policy.visible(user, _sessions())
    if client is not None:
        qs = qs.filter(client=client)
    if provider_id is not None:
        qs = qs.filter(provider_id=provider_id)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    if status is not None:
        qs = qs.filter(status__in=list(status))
    return qs.order_by("-date", "-start_time", "-id")


def session_get(*, user: Viewer, pk: Any) -> Session:
    return delivery_policy.get_visible(user, _sessions(), pk=pk)


def sessions_awaiting_decision(*, user: Viewer) -> QuerySet[Session]:
    """Sessions a social worker must look at: a differing duration or missing evidence."""
    qs = delivery_policy.visible(user, _sessions()).filter(is_invoiceable=False)
    return qs.filter(status=SessionStatus.HELD).order_by("date", "start_time", "id")


def no_shows_for_client(*, user: Viewer, client: Client) -> QuerySet[Session]:
    return session_list(
        user=user,
        client=client,
        status=[SessionStatus.NO_SHOW_NOTICE, SessionStatus.NO_SHOW_NO_NOTICE],
    )


def sessions_for_invoice(*, provider: Any, municipality: Any, month: dt.date) -> QuerySet[Session]:
    """Held and no-show-without-notice sessions of the provider for the municipality's clients
    in the calendar month of `month` (billing checks `is_invoiceable` and `over_quantity`)."""
    return (
        Session.objects.filter(
            provider=provider,
            client__municipality=municipality,
            date__gte=month_start(month),
            date__lte=month_end(month),
            status__in=PAID_STATUSES,
        )
        .select_related("client", "service_type", "recipient", "letter")
        .order_by("client_id", "date", "start_time", "id")
    )


def month_units(
    *, client_id: int, line_key: Any, month: dt.date, exclude_pk: int | None = None
) -> Decimal:
    """Units already counted against a letter line in the calendar month."""
    qs = Session.objects.filter(
        client_id=client_id,
        line_key=line_key,
        date__gte=month_start(month),
        date__lte=month_end(month),
        status__in=COUNTED_STATUSES,
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return sum((s.units for s in qs.only("units")), Decimal("0"))


# --- provider staff: their clients -------------------------------------------------------------


@dataclass
class ProviderClient:
    client: Client
    letters: list[GuaranteeLetter] = field(default_factory=list)

    @property
    def lines(self) -> list[dict[str, Any]]:
        return [
            {**line, "letter": letter, "number": n}
            for letter in self.letters
            for n, line in enumerate(letter.lines, start=1)
        ]


def my_clients(*, user: Viewer, today: dt.date | None = None) -> list[ProviderClient]:
    """The clients a provider-staff user may serve, with the letters (services, quantities)."""
    provider_id = own_provider_id(user)
    if provider_id is None:
        return []
    today = today or timezone.localdate()
    letters = (
        letters_for_recording(provider_id=provider_id, today=today)
        .select_related("version__plan__client")
        .order_by(
            latvian("version__plan__client__last_name"),
            latvian("version__plan__client__first_name"),
            "id",
        )
    )
    result: dict[int, ProviderClient] = {}
    for letter in letters:
        client = letter.version.plan.client
        result.setdefault(client.pk, ProviderClient(client=client)).letters.append(letter)
    return list(result.values())


def provider_client_get(*, user: Viewer, pk: Any, today: dt.date | None = None) -> ProviderClient:
    """One of the provider's clients; 404 for anyone else's."""
    for entry in my_clients(user=user, today=today):
        if str(entry.client.pk) == str(pk):
            return entry
    raise Http404()


def serves_client(*, provider_id: int, client: Client, today: dt.date) -> bool:
    return (
        letters_for_recording(provider_id=provider_id, today=today)
        .filter(version__plan__client=client)
        .exists()
    )


# --- the shared client card --------------------------------------------------------------------


def has_conclusion_consent(client: Client, day: dt.date | None = None) -> bool:
    day = day or timezone.localdate()
    return (
        Consent.objects.filter(
            client=client,
            purpose=ConsentPurpose.SHARE_SPECIALIST_CONCLUSION,
            given_on__lte=day,
        )
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
        .exists()
    )


def clients_with_conclusion_consent(
    client_ids: Iterable[int], day: dt.date | None = None
) -> set[int]:
    """`has_conclusion_consent` for many clients in one query (a page of sessions)."""
    day = day or timezone.localdate()
    return set(
        Consent.objects.filter(
            client_id__in=set(client_ids),
            purpose=ConsentPurpose.SHARE_SPECIALIST_CONCLUSION,
            given_on__lte=day,
        )
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
        .values_list("client_id", flat=True)
    )


@dataclass(frozen=True)
class CardAccess:
    notes: bool  # goals worked on and techniques
    conclusion: bool  # the specialist's conclusion


def card_access(user: Viewer, session: Session, *, consent: bool) -> CardAccess:
    """What of a session's card entry the user may read.

    The provider that wrote it reads everything. Other providers serving the same person and
    the social service read the notes of non-confidential services. A confidential service's
    notes stay with its provider; a specialist's conclusion reaches the social service only
    with the person's consent to share it.
    """
    if delivery_policy.is_provider_staff(user):
        if delivery_policy.provider_wrote(user, session):
            return CardAccess(notes=True, conclusion=True)
        return CardAccess(notes=not session.confidential, conclusion=False)
    if not delivery_policy.can(user, Action.VIEW_NOTES, session):
        return CardAccess(notes=False, conclusion=False)
    return CardAccess(notes=not session.confidential, conclusion=consent)


@dataclass(frozen=True)
class CardEntry:
    session: Session
    notes_visible: bool
    conclusion_visible: bool

    @property
    def goals_worked_on(self) -> str:
        return self.session.goals_worked_on if self.notes_visible else ""

    @property
    def techniques(self) -> str:
        return self.session.techniques if self.notes_visible else ""

    @property
    def conclusion(self) -> str:
        return self.session.conclusion if self.conclusion_visible else ""


def client_card(*, user: Viewer, client: Client, today: dt.date | None = None) -> list[CardEntry]:
    """The shared client card: every session of the person that took place, newest first,
    with the notes the user may read. Provider staff see it only for their own clients."""
    today = today or timezone.localdate()
    qs = _sessions().filter(client=client, status=SessionStatus.HELD)
    if delivery_policy.is_provider_staff(user):
        provider_id = own_provider_id(user)
        if provider_id is None or not serves_client(
            provider_id=provider_id, client=client, today=today
        ):
            return []
    elif not delivery_policy.can(user, Action.VIEW_NOTES, client):
        return []
    consent = has_conclusion_consent(client, today)
    entries = []
    for session in qs.order_by("-date", "-start_time", "-id"):
        access = card_access(user, session, consent=consent)
        entries.append(
            CardEntry(
                session=session,
                notes_visible=access.notes,
                conclusion_visible=access.conclusion and bool(session.conclusion),
            )
        )
    return entries


# --- the calendar: planned and recorded sessions -----------------------------------------------


def parse_month(text: Any, default: dt.date) -> dt.date:
    """'2026-10' → 1 Oct 2026; anything else → the first day of `default`'s month."""
    try:
        year, month = (int(part) for part in str(text).split("-"))
        return dt.date(year, month, 1)
    except (TypeError, ValueError):
        return month_start(default)


def expected_sessions(line: dict[str, Any], unit: str) -> int:
    """How many sessions a letter line expects in a month (0 when the unit is no session)."""
    quantity = Decimal(line["quantity"])
    if unit == "hour":
        minutes = line.get("session_minutes") or 60
        quantity = quantity * 60 / Decimal(minutes)
    elif unit not in ("session", "day", "trip"):
        return 0
    return int(quantity.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def planned_days(line: dict[str, Any], unit: str, first: dt.date) -> list[dt.date]:
    """The month's expected sessions spread evenly over its working days in the line's period."""
    start = max(first, dt.date.fromisoformat(line["start"]))
    end = min(month_end(first), dt.date.fromisoformat(line["end"]))
    days = [
        start + dt.timedelta(days=i)
        for i in range((end - start).days + 1)
        if (start + dt.timedelta(days=i)).weekday() < 5
    ]
    n = min(expected_sessions(line, unit), len(days))
    if n <= 0:
        return []
    return [days[(2 * i + 1) * len(days) // (2 * n)] for i in range(n)]


@dataclass
class CalendarRow:
    client: Client
    provider_name: str
    service: str
    unit: str
    quantity: str
    letter_number: str
    planned: list[dt.date] = field(default_factory=list)
    sessions: dict[dt.date, list[Session]] = field(default_factory=dict)
    paused: set[dt.date] = field(default_factory=set)  # days of a pause of the plan line

    @property
    def recorded(self) -> int:
        return sum(
            1 for day in self.sessions.values() for s in day if s.status != SessionStatus.CANCELLED
        )

    def cells(self, days: list[dt.date]) -> list[dict[str, Any]]:
        return [
            {
                "day": day,
                "planned": day in self.planned,
                "paused": day in self.paused,
                "sessions": self.sessions.get(day, []),
            }
            for day in days
        ]


@dataclass
class CalendarMonth:
    month: dt.date
    days: list[dt.date]
    rows: list[CalendarRow]

    @property
    def previous(self) -> dt.date:
        return month_start(self.month - dt.timedelta(days=1))

    @property
    def next(self) -> dt.date:
        return month_end(self.month) + dt.timedelta(days=1)

    def table(self) -> list[tuple[CalendarRow, list[dict[str, Any]]]]:
        return [(row, row.cells(self.days)) for row in self.rows]


def _calendar_letters(
    user: Viewer, first: dt.date, last: dt.date, client: Client | None, provider_id: int | None
) -> QuerySet[GuaranteeLetter]:
    qs = GuaranteeLetter.objects.filter(
        status=LetterStatus.ISSUED, period_start__lte=last, period_end__gte=first
    ).select_related("provider", "version__plan__client")
    if delivery_policy.is_provider_staff(user):
        own = own_provider_id(user)
        qs = qs.filter(provider_id=own) if own else qs.none()
    else:
        qs = plan_policy.visible_letters(user, qs)
        if client is None and provider_id is None and role_of(user) == Role.SOCIAL_WORKER:
            qs = qs.filter(version__plan__client__in=my_active_cases(user=user))
    if client is not None:
        qs = qs.filter(version__plan__client=client)
    if provider_id is not None:
        qs = qs.filter(provider_id=provider_id)
    return qs


def calendar_month(
    *,
    user: Viewer,
    month: dt.date,
    client: Client | None = None,
    provider_id: int | None = None,
) -> CalendarMonth:
    """Planned (spread from the letters) and recorded sessions of a month, one row per client
    and letter line, for the letters the user may see."""
    first, last = month_start(month), month_end(month)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    rows: dict[tuple[int, str], CalendarRow] = {}
    units = dict(ServiceType.objects.values_list("pk", "unit"))
    for letter in _calendar_letters(user, first, last, client, provider_id):
        owner = letter.version.plan.client
        for line in letter.lines:
            unit = units.get(line["service_type_id"], "")
            rows[(owner.pk, line["key"])] = CalendarRow(
                client=owner,
                provider_name=letter.provider.name,
                service=line["service"],
                unit=line.get("unit", ""),
                quantity=line["quantity"],
                letter_number=letter.number,
                planned=planned_days(line, unit, first),
            )
    _leave_out_paused_days(rows, first, last)
    sessions = session_list(
        user=user, client=client, provider_id=provider_id, start=first, end=last
    )
    for session in sessions.order_by("date", "start_time"):
        row = rows.get((session.client_id, str(session.line_key)))
        if row is None:
            continue  # a session under a letter no longer in force this month
        row.sessions.setdefault(session.date, []).append(session)
    ordered = sorted(
        rows.values(), key=lambda r: (r.client.last_name, r.client.first_name, r.service)
    )
    return CalendarMonth(month=first, days=days, rows=ordered)


def _leave_out_paused_days(
    rows: dict[tuple[int, str], CalendarRow], first: dt.date, last: dt.date
) -> None:
    """A paused plan line (a hospital stay, a holiday) plans no session on its paused days."""
    from atbalsts.plans.selectors.pauses import paused_days_by_line

    for key, days in paused_days_by_line({c for c, _k in rows}, first, last).items():
        if (row := rows.get(key)) is not None:
            row.paused, row.planned = days, [day for day in row.planned if day not in days]


@dataclass
class WeekDue:
    client: Client
    provider_name: str
    service: str
    planned: list[dt.date]
    recorded: list[Session]


def week_due(*, user: Viewer, today: dt.date | None = None) -> list[WeekDue]:
    """For the social worker: who of their cases is due where this week (Monday to Sunday),
    with the sessions planned from the letters and those already recorded."""
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    sunday = monday + dt.timedelta(days=6)
    result: list[WeekDue] = []
    months = {month_start(monday), month_start(sunday)}
    seen: dict[tuple[int, str, str], WeekDue] = {}
    for month in sorted(months):
        for row in calendar_month(user=user, month=month).rows:
            planned = [d for d in row.planned if monday <= d <= sunday]
            recorded = [
                s for day, items in row.sessions.items() if monday <= day <= sunday for s in items
            ]
            if not planned and not recorded:
                continue
            key = (row.client.pk, row.provider_name, row.service)
            entry = seen.get(key)
            if entry is None:
                entry = WeekDue(row.client, row.provider_name, row.service, [], [])
                seen[key] = entry
                result.append(entry)
            entry.planned.extend(planned)
            entry.recorded.extend(recorded)
    return sorted(result, key=lambda e: (e.client.last_name, e.client.first_name, e.provider_name))
