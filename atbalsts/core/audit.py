"""Writing audit events: every service that changes or reveals data calls `audit_record`.

The audit log is append-only and hash-chained. The database refuses UPDATE and DELETE on
`core_auditevent` (triggers, migration 0002; `audit_maintenance` lifts them for one
connection, for `manage.py flush` only). Each event stores:

- `data_hash`: SHA-256 of `canonical(extra_data)`;
- `prev_hash`: the previous event's `hash` (by id), or `GENESIS` for the first;
- `hash`: SHA-256 of `canonical` of the dict of `CHAIN_FIELDS` (`created_at` in UTC as
  ISO 8601 with microseconds, `…T05:06:07.123456+00:00`).

`canonical(value)` is JSON with sorted keys, no spaces (`,` and `:`), non-ASCII kept as is,
encoded as UTF-8. `audit_record_many` writes many events at once (an import's), chained
the same way in one go. `chain_verify` (`manage.py audit_verify`) recomputes all three and names
the first event where they disagree: an edited event breaks its own hash, a deleted one the
next event's `prev_hash`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .context import request_id_var
from .models import AuditEvent

if TYPE_CHECKING:
    from .actors import Viewer

# Values of these fields never enter the audit trail: only the fact that they changed.
MASKED_FIELDS = frozenset({"personal_code"})
MASK = "***"


class AuditEventType(models.TextChoices):
    LOGIN = "auth.login", _("pieteikšanās")
    LOGIN_FAILED = "auth.login_failed", _("neveiksmīga pieteikšanās")
    LOGOUT = "auth.logout", _("iziešana")
    OTP_DEVICE_CONFIRMED = "auth.otp_confirmed", _("divpakāpju pieteikšanās ieslēgta")
    API_TOKEN_CREATED = "auth.token_created", _("API atslēga izveidota")
    API_TOKEN_REVOKED = "auth.token_revoked", _("API atslēga atsaukta")
    USER_CREATED = "user.created", _("lietotājs izveidots")
    USER_CHANGED = "user.changed", _("lietotājs mainīts")
    CLIENT_CREATED = "client.created", _("klients izveidots")
    CLIENT_CHANGED = "client.changed", _("klients mainīts")
    CLIENT_DELETED = "client.deleted", _("klients dzēsts")
    CLIENT_VIEWED = "client.viewed", _("klienta kartīte atvērta")
    # reads in bulk (core.read_audit): one event per request with the ids returned
    CLIENTS_LISTED = "client.listed", _("klientu saraksts skatīts")
    CLIENTS_SEARCHED = "client.searched", _("klienti meklēti")
    REPRESENTATIVES_READ = "representative.read", _("klienta pārstāvji skatīti")
    SESSIONS_READ = "delivery.sessions_read", _("nodarbības ar piezīmēm skatītas")
    CARD_READ = "delivery.card_read", _("kopīgā klienta kartīte skatīta")
    REPRESENTATIVE_CREATED = "representative.created", _("pārstāvis pievienots")
    REPRESENTATIVE_CHANGED = "representative.changed", _("pārstāvis mainīts")
    REPRESENTATIVE_DELETED = "representative.deleted", _("pārstāvis dzēsts")
    CIRCLE_MEMBER_CREATED = "circle_member.created", _("atbalsta loka dalībnieks pievienots")
    CIRCLE_MEMBER_CHANGED = "circle_member.changed", _("atbalsta loka dalībnieks mainīts")
    CIRCLE_MEMBER_DELETED = "circle_member.deleted", _("atbalsta loka dalībnieks dzēsts")
    CONSENT_GIVEN = "consent.given", _("piekrišana reģistrēta")
    CONSENT_REVOKED = "consent.revoked", _("piekrišana atsaukta")
    REFERRAL_CREATED = "referral.created", _("nosūtījums reģistrēts")
    REFERRAL_CHANGED = "referral.changed", _("nosūtījums mainīts")
    REFERRAL_DECIDED = "referral.decided", _("lēmums par kandidātu")
    CASE_ASSIGNED = "case.assigned", _("lieta piešķirta")
    CASE_ENDED = "case.ended", _("lietas piešķīrums beidzies")
    # assessment: needs assessments, budget periods, indicative budgets, allocation rules
    ASSESSMENT_CREATED = "assessment.created", _("vajadzību izvērtējums sākts")
    ASSESSMENT_CHANGED = "assessment.changed", _("vajadzību izvērtējums mainīts")
    ASSESSMENT_COMPLETED = "assessment.completed", _("vajadzību izvērtējums pabeigts")
    ASSESSMENT_VIEWED = "assessment.viewed", _("vajadzību izvērtējums atvērts")
    BUDGET_PERIOD_CREATED = "budget.period_created", _("budžeta periods izveidots")
    BUDGET_COMPUTED = "budget.computed", _("indikatīvais budžets aprēķināts")
    BUDGET_OVERRIDE_PROPOSED = "budget.override_proposed", _("ierosināta cita budžeta summa")
    BUDGET_OVERRIDE_APPROVED = "budget.override_approved", _("cita budžeta summa apstiprināta")
    BUDGET_OVERRIDE_REJECTED = "budget.override_rejected", _("cita budžeta summa noraidīta")
    RULE_CREATED = "rule.created", _("budžeta sadales noteikums izveidots")
    RULE_CHANGED = "rule.changed", _("budžeta sadales noteikums mainīts")
    # catalog: service types, prices, providers and their registrations, locations, tariffs
    CATALOG_SERVICE_TYPE_CREATED = "catalog.service_type_created", _("pakalpojuma veids izveidots")
    CATALOG_SERVICE_TYPE_CHANGED = "catalog.service_type_changed", _("pakalpojuma veids mainīts")
    CATALOG_SERVICE_TYPE_RETIRED = (
        "catalog.service_type_retired",
        _("pakalpojuma veids izņemts no lietošanas"),
    )
    CATALOG_SERVICE_TYPE_DELETED = "catalog.service_type_deleted", _("pakalpojuma veids dzēsts")
    CATALOG_PRICE_CREATED = "catalog.price_created", _("pašvaldības cena noteikta")
    CATALOG_PRICE_CHANGED = "catalog.price_changed", _("pašvaldības cena mainīta")
    CATALOG_PROVIDER_CREATED = "catalog.provider_created", _("sniedzējs reģistrēts")
    CATALOG_PROVIDER_CHANGED = "catalog.provider_changed", _("sniedzēja dati mainīti")
    CATALOG_MEMBER_ADDED = "catalog.member_added", _("sniedzēja darbinieks piesaistīts")
    CATALOG_MEMBER_REMOVED = "catalog.member_removed", _("sniedzēja darbinieks atsaistīts")
    CATALOG_REGISTRATION_CREATED = (
        "catalog.registration_created",
        _("sniedzēja reģistrācija pievienota"),
    )
    CATALOG_REGISTRATION_CHANGED = (
        "catalog.registration_changed",
        _("sniedzēja reģistrācija mainīta"),
    )
    CATALOG_REGISTRATION_OVERRIDDEN = (
        "catalog.registration_overridden",
        _("sniedzējs izvēlēts bez derīgas reģistrācijas"),
    )
    CATALOG_LOCATION_CREATED = "catalog.location_created", _("sniegšanas vieta pievienota")
    CATALOG_LOCATION_CHANGED = "catalog.location_changed", _("sniegšanas vieta mainīta")
    CATALOG_TARIFF_CREATED = "catalog.tariff_created", _("tarifs noteikts")
    CATALOG_TARIFF_CHANGED = "catalog.tariff_changed", _("tarifs mainīts")
    CATALOG_IMPORTED = "catalog.imported", _("katalogs importēts")
    CATALOG_EXPORTED = "catalog.exported", _("katalogs eksportēts")
    # addresses and the state registers' open-data extracts
    ADDRESSES_IMPORTED = "addresses.imported", _("adrešu reģistra dati importēti")
    REGISTERS_IMPORTED = "registers.imported", _("reģistra izraksts importēts")
    # plans: support plans, versions, goals, lines, guarantee letters
    PLAN_CREATED = "plan.created", _("atbalsta plāns izveidots")
    PLAN_CHANGED = "plan.changed", _("plāna melnraksts mainīts")
    PLAN_VIEWED = "plan.viewed", _("atbalsta plāns atvērts")
    PLAN_GOAL_ADDED = "plan.goal_added", _("plānam pievienots mērķis")
    PLAN_GOAL_CHANGED = "plan.goal_changed", _("plāna mērķis mainīts")
    PLAN_GOAL_REMOVED = "plan.goal_removed", _("plāna mērķis dzēsts")
    PLAN_LINE_ADDED = "plan.line_added", _("plānam pievienots pakalpojums")
    PLAN_LINE_CHANGED = "plan.line_changed", _("plāna pakalpojums mainīts")
    PLAN_LINE_REMOVED = "plan.line_removed", _("plāna pakalpojums dzēsts")
    PLAN_OVERRUN_APPROVED = "plan.overrun_approved", _("budžeta pārsniegums apstiprināts")
    PLAN_AGREED = "plan.agreed", _("plāns saskaņots un parakstīts")
    PLAN_ACTIVATED = "plan.activated", _("plāns stājies spēkā")
    PLAN_SUPERSEDED = "plan.superseded", _("plāna versija aizstāta")
    PLAN_CLOSED = "plan.closed", _("plāns slēgts")
    PLAN_VERSION_CREATED = "plan.version_created", _("izveidota jauna plāna versija")
    PLAN_EXTENDED = "plan.extended", _("plāna periods pagarināts")
    LETTER_ISSUED = "letter.issued", _("garantijas vēstule izsniegta")
    LETTER_REPLACED = "letter.replaced", _("garantijas vēstule aizstāta")
    LETTER_DOWNLOADED = "letter.downloaded", _("garantijas vēstule lejupielādēta")
    # reporting: downloads of aggregate reports
    REPORT_EXPORTED = "report.exported", _("pārskats lejupielādēts")
    # billing: invoices, their reconciliation, approval and payment, the accounting export
    BILLING_INVOICE_SUBMITTED = "billing.invoice_submitted", _("rēķins iesniegts")
    BILLING_INVOICE_ENTERED = "billing.invoice_entered", _("papīra rēķins ievadīts")
    BILLING_INVOICE_RECHECKED = "billing.invoice_rechecked", _("rēķins pārbaudīts no jauna")
    BILLING_INVOICE_CONFIRMED = "billing.invoice_confirmed", _("rēķina saturs apstiprināts")
    BILLING_INVOICE_APPROVED = "billing.invoice_approved", _("rēķina apmaksa apstiprināta")
    BILLING_INVOICE_REJECTED = "billing.invoice_rejected", _("rēķins noraidīts")
    BILLING_INVOICE_PAID = "billing.invoice_paid", _("rēķins apmaksāts")
    BILLING_EXPORTED = "billing.exported", _("rēķini eksportēti grāmatvedībai")
    BILLING_CREDIT_NOTE_PROPOSED = "billing.credit_note_proposed", _("kredītrēķins sagatavots")
    BILLING_CREDIT_NOTE_APPROVED = "billing.credit_note_approved", _("kredītrēķins apstiprināts")
    BILLING_CREDIT_NOTE_REJECTED = "billing.credit_note_rejected", _("kredītrēķins noraidīts")
    BILLING_CO_FINANCING_SET = "billing.co_financing_set", _("līdzfinansējuma daļas noteiktas")
    BILLING_ENVELOPE_SET = "billing.envelope_set", _("programmas piešķīrums noteikts")
    # delivery: sessions, no-shows, the shared client card, transport, emergencies, imports
    DELIVERY_SESSION_RECORDED = "delivery.session_recorded", _("nodarbība reģistrēta")
    DELIVERY_SESSION_CHANGED = "delivery.session_changed", _("nodarbība mainīta")
    DELIVERY_DURATION_ACCEPTED = (
        "delivery.duration_accepted",
        _("nodarbības ilguma atšķirība akceptēta"),
    )
    DELIVERY_NO_EVIDENCE_ACCEPTED = (
        "delivery.no_evidence_accepted",
        _("attālinātā nodarbība apstiprināta bez pierādījumiem"),
    )
    DELIVERY_EVIDENCE_DOWNLOADED = (
        "delivery.evidence_downloaded",
        _("attālinātās nodarbības pierādījums lejupielādēts"),
    )
    DELIVERY_IMPORTED = "delivery.imported", _("nodarbības importētas")
    # many sessions recorded at once (an import): one event per client and letter
    DELIVERY_SESSIONS_RECORDED = (
        "delivery.sessions_recorded",
        _("nodarbības reģistrētas vairākas reizē"),
    )
    DELIVERY_CONCLUSION_VIEWED = "delivery.conclusion_viewed", _("speciālista atzinums atvērts")
    DELIVERY_NO_SHOW_RULE_CREATED = (
        "delivery.no_show_rule_created",
        _("neierašanās apmaksas noteikums noteikts"),
    )
    DELIVERY_EMERGENCY_DECLARED = "delivery.emergency_declared", _("izsludināta ārkārtas situācija")
    DELIVERY_EMERGENCY_ENDED = "delivery.emergency_ended", _("ārkārtas situācija beigusies")
    # delivery as it really happens: cancellations, remote quality, pauses, contracts, capacity
    # and complaints (issue 16)
    DELIVERY_CANCELLATION_RECORDED = "delivery.cancellation_recorded", _("atcelšana reģistrēta")
    DELIVERY_REMOTE_QUALITY_DECIDED = (
        "delivery.remote_quality_decided",
        _("attālinātas sniegšanas kvalitāte izvērtēta"),
    )
    PLAN_LINE_PAUSED = "plan.line_paused", _("plāna rinda pārtraukta")
    PLAN_LINE_PAUSE_CHANGED = "plan.line_pause_changed", _("plāna rindas pārtraukums mainīts")
    LETTER_CONTRACT_SET = "plan.letter_contract_set", _("vēstulei norādīts līgums")
    CATALOG_CONTRACT_CREATED = "catalog.contract_created", _("līgums reģistrēts")
    CATALOG_CAPACITY_SET = "catalog.capacity_set", _("norādītas brīvās vietas")
    CATALOG_COMPLAINT_RECORDED = (
        "catalog.complaint_recorded",
        _("reģistrēta sūdzība par sniedzēju"),
    )
    CATALOG_COMPLAINT_RESOLVED = "catalog.complaint_resolved", _("sūdzība par sniedzēju atrisināta")
    # bundle: a municipality's spreadsheet records brought in as one set of files
    BUNDLE_IMPORTED = "bundle.imported", _("datu komplekts importēts")
    # outcomes: goals' outcomes and plan reviews; the pseudonymised research extract
    PLAN_GOAL_OUTCOME_RECORDED = "plan.goal_outcome_recorded", _("mērķa rezultāts novērtēts")
    PLAN_REVIEW_RECORDED = "plan.review_recorded", _("plāns pārskatīts")
    REPORT_EXTRACT_EXPORTED = (
        "report.extract_exported",
        _("pseidonimizēts izvilkums lejupielādēts"),
    )
    # jobs: work that runs in the background worker, and the files it leaves
    JOB_CREATED = "job.created", _("fona darbs sākts")
    JOB_OUTPUT_DOWNLOADED = "job.output_downloaded", _("fona darba rezultāts lejupielādēts")


def _plain(value: Any) -> Any:
    """Turn a field value into something JSON can hold and a person can read."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, ready to compare with a later snapshot."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = _plain(getattr(instance, attname))
    return values


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Changed fields as {field: {"before": …, "after": …}}, masking the sensitive ones."""
    changes: dict[str, dict[str, Any]] = {}
    for name, new in after.items():
        old = before.get(name)
        if old == new:
            continue
        if name in MASKED_FIELDS:
            changes[name] = {"before": MASK, "after": MASK}
        else:
            changes[name] = {"before": old, "after": new}
    return changes


def masked(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: (MASK if name in MASKED_FIELDS and value else value) for name, value in values.items()
    }


# --- the chain -------------------------------------------------------------------------------

GENESIS = "0" * 64
CHAIN_FIELDS = (
    "event_type",
    "actor_id",
    "subject_type",
    "subject_id",
    "client_id",
    "municipality_id",
    "request_id",
    "created_at",
    "data_hash",
    "prev_hash",
)
# pg_advisory_xact_lock's key for the chain: "audit" in ASCII.
CHAIN_LOCK = 0x6175646974
# What lifts the append-only triggers for one connection: on PostgreSQL this setting being
# 'on', on SQLite an in-memory database attached under this name.
PG_MAINTENANCE = "atbalsts.audit_maintenance"
SQLITE_MAINTENANCE = "atbalsts_audit_maintenance"


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def data_hash(extra_data: Any) -> str:
    return hashlib.sha256(canonical(extra_data)).hexdigest()


def chain_hash(values: Mapping[str, Any]) -> str:
    """The hash of one event from its `CHAIN_FIELDS` (`created_at` a datetime)."""
    fields = {name: values[name] for name in CHAIN_FIELDS}
    fields["created_at"] = _utc(values["created_at"])
    return hashlib.sha256(canonical(fields)).hexdigest()


def _take_chain(using: str) -> None:
    """Make this transaction the only writer of the chain until it ends, so that two writers
    never link to the same previous event. PostgreSQL: a transaction-level advisory lock
    (held until commit). SQLite: the database's write lock, taken by a write that touches
    no row, before the previous event is read."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        elif connection.vendor == "sqlite":
            table = connection.ops.quote_name(AuditEvent._meta.db_table)
            cursor.execute(f"UPDATE {table} SET id = id WHERE 0")  # noqa: S608 - the model's table


def audit_record(
    *,
    actor: Viewer | None,
    event_type: AuditEventType,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: str = "",
    client_id: int | None = None,
    municipality_id: int | None = None,
    extra_data: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event in the caller's transaction, linked to the one before it. `actor`
    None (or not signed in) is the system itself, or a failed sign-in."""
    if subject is not None:
        subject_type = subject._meta.label_lower
        subject_id = str(subject.pk)
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    # What the database will give back (tuples become lists, keys strings).
    data = json.loads(json.dumps(dict(extra_data or {})))
    using = DEFAULT_DB_ALIAS
    with transaction.atomic(using=using, savepoint=False):
        _take_chain(using)
        previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            event_type=str(event_type),
            actor_id=actor_id,
            subject_type=subject_type,
            subject_id=subject_id,
            client_id=client_id,
            municipality_id=municipality_id,
            extra_data=data,
            request_id=request_id_var.get(),
            created_at=timezone.now(),
            data_hash=data_hash(data),
            prev_hash=previous or GENESIS,
        )
        event.hash = chain_hash(vars(event))
        event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class AuditEntry:
    """One event of `audit_record_many`: what `audit_record` takes besides the actor."""

    event_type: AuditEventType
    subject_type: str = ""
    subject_id: str = ""
    client_id: int | None = None
    municipality_id: int | None = None
    extra_data: Mapping[str, Any] | None = None


def audit_record_many(
    *, actor: Viewer | None, entries: Sequence[AuditEntry], batch_size: int = 500
) -> list[AuditEvent]:
    """Write many events in the caller's transaction, chained exactly as `audit_record`
    chains them one by one: the chain is taken once, each event links to the one before it
    in `entries` (the first to the chain's head), and they are inserted in that order, so
    their ids follow the chain (`audit_verify` walks it by id). For an import that records
    thousands of rows: one INSERT per `batch_size` events instead of a query and a lock each."""
    if not entries:
        return []
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    using = DEFAULT_DB_ALIAS
    request_id = request_id_var.get()
    with transaction.atomic(using=using, savepoint=False):
        _take_chain(using)
        previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        previous = previous or GENESIS
        now = timezone.now()
        events = []
        for entry in entries:
            data = json.loads(json.dumps(dict(entry.extra_data or {})))
            event = AuditEvent(
                event_type=str(entry.event_type),
                actor_id=actor_id,
                subject_type=entry.subject_type,
                subject_id=entry.subject_id,
                client_id=entry.client_id,
                municipality_id=entry.municipality_id,
                extra_data=data,
                request_id=request_id,
                created_at=now,
                data_hash=data_hash(data),
                prev_hash=previous,
            )
            event.hash = previous = chain_hash(vars(event))
            events.append(event)
        # One statement per batch, in order: nobody else writes the chain until we commit.
        return AuditEvent.objects.bulk_create(events, batch_size=batch_size)


@dataclass(frozen=True)
class ChainReport:
    events: int
    head: str
    last_id: int | None
    problem: str = ""


def chain_problem(row: Mapping[str, Any], previous: str) -> str:
    """What is wrong with one event given the previous event's hash, or ""."""
    if row["prev_hash"] != previous:
        return (
            f"event {row['id']}: the event before it is missing or was changed "
            f"(it links to {row['prev_hash'][:12] or 'nothing'}, "
            f"the previous event is {previous[:12]})"
        )
    if row["data_hash"] != data_hash(row["extra_data"]):
        return f"event {row['id']}: its data was changed after it was written"
    if row["hash"] != chain_hash(row):
        return f"event {row['id']}: it was changed after it was written"
    return ""


def chain_rows(using: str = DEFAULT_DB_ALIAS) -> Iterator[dict[str, Any]]:
    fields = ("id", "extra_data", "hash", *CHAIN_FIELDS)
    rows = AuditEvent.objects.using(using).order_by("id").values(*fields)
    return (dict(row) for row in rows.iterator(chunk_size=5000))


def chain_verify(using: str = DEFAULT_DB_ALIAS) -> ChainReport:
    """Walk the chain from the first event; stop at the first that does not verify."""
    previous, count, last_id = GENESIS, 0, None
    for row in chain_rows(using):
        problem = chain_problem(row, previous)
        if problem:
            return ChainReport(count, previous, last_id, problem)
        previous, count, last_id = row["hash"], count + 1, row["id"]
    return ChainReport(count, previous, last_id)


@contextmanager
def audit_maintenance(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Lift the append-only triggers on this connection while the block runs. Only for
    emptying the whole database (`manage.py flush`, which the tests' teardown calls): an
    event changed or deleted this way is what `audit_verify` reports."""
    connection = connections[using]
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(f"SET {PG_MAINTENANCE} = 'on'")
        elif vendor == "sqlite":
            cursor.execute(f"ATTACH DATABASE ':memory:' AS {SQLITE_MAINTENANCE}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute(f"RESET {PG_MAINTENANCE}")
            elif vendor == "sqlite":
                cursor.execute(f"DETACH DATABASE {SQLITE_MAINTENANCE}")


class _ClientLike(Protocol):
    """A client as the audit log files it: its id and its municipality's."""

    @property
    def pk(self) -> Any: ...

    @property
    def municipality_id(self) -> int | None: ...


def audit_for_client(
    actor: Viewer | None,
    event_type: AuditEventType,
    subject: models.Model,
    client: _ClientLike,
    extra: Mapping[str, Any],
) -> AuditEvent:
    """An audit event about `subject`, filed under the client it concerns and that client's
    municipality (where the client's record and the municipality's log find it)."""
    return audit_record(
        actor=actor,
        event_type=event_type,
        subject=subject,
        client_id=client.pk,
        municipality_id=client.municipality_id,
        extra_data=extra,
    )
