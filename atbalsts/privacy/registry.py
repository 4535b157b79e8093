"""The system's processing of personal data, described in code (GDPR Art. 30).

`PURPOSES` lists why the system processes personal data: for each, the legal basis, the
categories of data subjects and of data, the recipients and which record types it keeps.
`RECORD_TYPES` lists every model that holds personal data with its retention category and
what the retention run (`privacy.retention`) does to it once the period is over. The record
of processing page and its PDF are generated from these two lists and the retention periods
in `settings.RETENTION_YEARS`, so they say what the code does.

A test (`privacy/tests/test_registry.py`) fails when a model with personal data fields is
missing here, or a field named here does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Retention categories and their default periods in years after the client's case closed
# (settings.RETENTION_YEARS overrides them; docs/user-guide/datu-aizsardziba.md).
DEFAULT_RETENTION_YEARS: Mapping[str, int] = {
    "case_notes": 5,  # session notes, assessments' and plans' free text, evidence files
    "identity": 10,  # names, personal codes, contacts of clients and their people
    "referral": 3,  # candidates not taken on: after the decision
    "notifications": 2,  # reminders in the app (their titles name clients): after creation
    "accounting": 10,  # invoices, the ledger: kept (money is never anonymised)
    "audit": 10,  # audit events: kept, append-only
}

RETENTION_LABELS: Mapping[str, Promise] = {
    "case_notes": _("lietas piezīmes un pierādījumi"),
    "identity": _("identitāte un kontakti"),
    "referral": _("neuzņemtie kandidāti"),
    "notifications": _("paziņojumi"),
    "accounting": _("grāmatvedība"),
    "audit": _("audita žurnāls"),
}

# How the retention run replaces a field: "blank" ("" / [] / {} / no file), "name" (the
# word below), "pseudonym" (the client's pseudonym), "code" (a unique non-code value
# ANON########), "year" (1 January of the same year: the birth year the reports use stays).
ANON_NAME = "Anonimizēts"


@dataclass(frozen=True)
class RecordType:
    model: str  # app_label.ModelName
    data: Promise  # the categories of personal data it holds
    retention: str  # a key of DEFAULT_RETENTION_YEARS
    client_path: str = ""  # lookup from the record to its client's id ("" = the client)
    anonymise: Mapping[str, str] = field(default_factory=dict)  # field → how (see above)
    basis: str = "closed"  # "closed": the client's case closed; or a date lookup of the row
    only: Mapping[str, object] = field(default_factory=dict)  # rows with another basis: filter
    kept: Promise | None = None  # what stays and why, when nothing is anonymised


_REFERRAL = {
    "first_name": "name",
    "last_name": "blank",
    "personal_code": "blank",
    "referred_by": "blank",
    "reason": "blank",
    "decision_reason": "blank",
}

RECORD_TYPES: tuple[RecordType, ...] = (
    RecordType(
        "people.Client",
        _("vārds, uzvārds, personas kods, dzimšanas datums, kontakti, invaliditāte, rīcībspēja"),
        "identity",
        client_path="pk",
        anonymise={
            "first_name": "name",
            "last_name": "pseudonym",
            "personal_code": "code",
            "date_of_birth": "year",
            "address": "blank",
            "address_point": "blank",
            "phone": "blank",
            "email": "blank",
            "languages": "blank",
            "notes": "blank",
        },
    ),
    RecordType(
        "people.Representative",
        _("pārstāvja vārds, personas kods, pilnvarojums, kontakti"),
        "identity",
        client_path="client_id",
        anonymise={
            "first_name": "name",
            "last_name": "blank",
            "personal_code": "blank",
            "authority": "blank",
            "phone": "blank",
            "email": "blank",
        },
    ),
    RecordType(
        "people.SupportCircleMember",
        _("atbalsta loka dalībnieka vārds, tālrunis"),
        "identity",
        client_path="client_id",
        anonymise={"first_name": "name", "last_name": "blank", "phone": "blank", "notes": "blank"},
    ),
    RecordType(
        "people.Consent",
        _("piekrišanas mērķis, saņēmējs, datumi"),
        "identity",
        client_path="client_id",
        anonymise={"recipient": "blank", "revoke_reason": "blank", "notes": "blank"},
    ),
    RecordType(
        "people.Referral",
        _("kandidāta vārds, personas kods, nosūtījuma iemesls"),
        "identity",
        client_path="client_id",
        anonymise=_REFERRAL,
    ),
    RecordType(
        "people.Referral",
        _("neuzņemta kandidāta vārds, personas kods, nosūtījuma iemesls"),
        "referral",
        client_path="",
        basis="decided_on",
        only={"client__isnull": True},
        anonymise=_REFERRAL,
    ),
    RecordType(
        "people.AppointmentReminderChoice",
        _("e-pasts atgādinājumiem"),
        "identity",
        client_path="client_id",
        anonymise={"email": "blank"},
    ),
    RecordType(
        "assessment.NeedsAssessment",
        _("vajadzību izvērtējums: anamnēze, ģimene, mērķi (veselības dati)"),
        "case_notes",
        client_path="client_id",
        anonymise={
            "own_goals": "blank",
            "anamnesis": "blank",
            "family_description": "blank",
            "common_goals": "blank",
        },
    ),
    RecordType(
        "assessment.SpecialistConclusion",
        _("speciālista atzinums un tā dokuments (veselības dati)"),
        "case_notes",
        client_path="assessment__client_id",
        anonymise={"text": "blank", "document": "blank", "document_name": "blank"},
    ),
    RecordType(
        "assessment.BudgetOverride",
        _("cita budžeta summas pamatojums un lēmuma piezīme"),
        "case_notes",
        client_path="budget__period__client_id",
        anonymise={"reason": "blank", "decision_note": "blank"},
    ),
    RecordType(
        "plans.PlanVersion",
        _("atbalsta plāna piezīmes"),
        "case_notes",
        client_path="plan__client_id",
        anonymise={"notes": "blank", "close_reason": "blank", "overrun_reason": "blank"},
    ),
    RecordType(
        "plans.Goal",
        _("plāna mērķi un rezultātu piezīmes"),
        "case_notes",
        client_path="version__plan__client_id",
        anonymise={"text": "blank", "progress_measure": "blank", "outcome_note": "blank"},
    ),
    RecordType(
        "plans.PlanReview",
        _("plāna pārskatīšanas piezīmes"),
        "case_notes",
        client_path="plan__client_id",
        anonymise={"note": "blank"},
    ),
    RecordType(
        "plans.GuaranteeLetter",
        _("garantijas vēstulē ierakstītā klienta identitāte"),
        "identity",
        client_path="version__plan__client_id",
        anonymise={"client_identity": "blank"},
    ),
    RecordType(
        "delivery.Session",
        _("nodarbību piezīmes, atzinumi, pierādījumi (veselības dati)"),
        "case_notes",
        client_path="client_id",
        anonymise={
            "goals_worked_on": "blank",
            "techniques": "blank",
            "conclusion": "blank",
            "evidence_protocol": "blank",
            "evidence_file": "blank",
            "signer_note": "blank",
            "no_evidence_reason": "blank",
            "duration_difference_reason": "blank",
        },
    ),
    # issue 16: cancellations (their reason may be an illness), the social worker's
    # remote-quality decisions and pauses of plan lines (a hospital stay): notes are blanked
    RecordType(
        "delivery.Cancellation",
        _("atceltās nodarbības: kas atcēla, iemesls (arī slimība), paskaidrojums"),
        "case_notes",
        client_path="client_id",
        anonymise={"note": "blank"},
    ),
    RecordType(
        "delivery.RemoteQualityDecision",
        _("sociālā darbinieka izvērtējums par attālinātu sniegšanu un tā pamatojums"),
        "case_notes",
        client_path="client_id",
        anonymise={"note": "blank"},
    ),
    RecordType(
        "plans.PlanLinePause",
        _("plāna rindu pārtraukumi (piemēram, ārstēšanās slimnīcā) un piezīmes"),
        "case_notes",
        client_path="plan__client_id",
        anonymise={"note": "blank"},
    ),
    RecordType(
        "notifications.Notification",
        _("paziņojumu virsraksti, kuros minēti klientu vārdi"),
        "notifications",
        basis="created_at__date",
        anonymise={"title": "name"},
    ),
    RecordType(
        "billing.Invoice",
        _("rēķini un maksājumi"),
        "accounting",
        kept=_("Glabā visu grāmatvedības periodu; summas netiek mainītas."),
    ),
    RecordType(
        "billing.MonthlySpend",
        _("izlietojums pa klientiem un mēnešiem (naudas virsgrāmata)"),
        "accounting",
        kept=_("Summas paliek precīzas: pārskati pirms un pēc anonimizēšanas sakrīt."),
    ),
    RecordType(
        "core.AuditEvent",
        _("kas, kad un ko darīja vai skatīja (identifikatori, mainītās vērtības)"),
        "audit",
        kept=_("Audita žurnāls ir nemaināms: anonimizēšana to neskar."),
    ),
    RecordType(
        "accounts.User",
        _("darbinieku vārdi, e-pasti, tālruņi, lomas"),
        "audit",
        kept=_("Lietotājus deaktivizē administrators; ieraksts paliek audita žurnālam."),
    ),
)


# Records that belong to a client but hold only ids, dates, codes and amounts (no names nor
# free text): kept as they are, with the plan and the ledger they explain.
IDS_ONLY: tuple[str, ...] = (
    "people.CaseAssignment",
    "people.AppointmentReminderSent",
    "assessment.DomainScore",
    "assessment.RecommendedService",
    "assessment.BudgetPeriod",
    "assessment.IndicativeBudget",
    "plans.SupportPlan",
    "plans.PlanLine",
    "billing.InvoiceLine",
    "billing.InvoicedSession",
    "billing.ClientMonths",
    "billing.CreditNoteLine",
    "billing.CreditedSession",
    "plans.LetterContract",
)


@dataclass(frozen=True)
class Purpose:
    name: Promise
    legal_basis: Promise
    subjects: Promise
    recipients: Promise
    models: tuple[str, ...]  # app_label.ModelName of RECORD_TYPES


PURPOSES: tuple[Purpose, ...] = (
    Purpose(
        _("Individuālā budžeta atbalsta lietas vadība: uzņemšana, vajadzību izvērtēšana, plāns"),
        _(
            "VDAR 6. panta 1. punkta e) apakšpunkts un 9. panta 2. punkta h) apakšpunkts; "
            "Sociālo pakalpojumu un sociālās palīdzības likums"
        ),
        _("klienti, viņu pārstāvji un atbalsta loka dalībnieki; kandidāti"),
        _("pašvaldības sociālā dienesta darbinieki; auditori"),
        (
            "people.Client",
            "people.Representative",
            "people.SupportCircleMember",
            "people.Referral",
            "assessment.NeedsAssessment",
            "assessment.SpecialistConclusion",
            "plans.PlanVersion",
            "plans.Goal",
            "plans.PlanReview",
            "notifications.Notification",
        ),
    ),
    Purpose(
        _("Pakalpojumu sniegšana un kopīgā klienta kartīte"),
        _("VDAR 6. panta 1. punkta e) apakšpunkts un 9. panta 2. punkta h) apakšpunkts"),
        _("klienti un atbalsta loka dalībnieki"),
        _(
            "pakalpojumu sniedzēji tikai saviem klientiem (speciālista atzinumi — ar klienta "
            "piekrišanu); sociālais dienests"
        ),
        ("plans.GuaranteeLetter", "delivery.Session", "people.AppointmentReminderChoice"),
    ),
    Purpose(
        _("Rēķini, maksājumi un budžeta uzskaite"),
        _("VDAR 6. panta 1. punkta c) apakšpunkts; Grāmatvedības likums"),
        _("klienti (identifikators), pakalpojumu sniedzēju darbinieki"),
        _("pašvaldības grāmatvedība; revidenti"),
        ("billing.Invoice", "billing.MonthlySpend"),
    ),
    Purpose(
        _("Pilotprojekta izvērtēšana un pārskati"),
        _(
            "kopsummas: VDAR 6. panta 1. punkta e) apakšpunkts; pseidonimizēts izvilkums: "
            "klienta piekrišana (6. panta 1. punkta a) apakšpunkts, 9. panta 2. punkta a) "
            "apakšpunkts)"
        ),
        _("klienti, kuri devuši piekrišanu pseidonimizētai izvērtēšanai"),
        _("Labklājības ministrijas analītiķi (tikai kopsummas un pseidonīmi)"),
        ("people.Consent", "billing.MonthlySpend"),
    ),
    Purpose(
        _("Drošība un pārskatatbildība: lietotāji, pieteikšanās, audita žurnāls"),
        _("VDAR 6. panta 1. punkta c) apakšpunkts un 32. pants"),
        _("darbinieki un pakalpojumu sniedzēju darbinieki; klienti (identifikatori)"),
        _("sociālā dienesta vadītājs, auditori, sistēmas administrators"),
        ("accounts.User", "core.AuditEvent"),
    ),
)


def retention_years() -> dict[str, int]:
    """The periods in force: the defaults, overridden by `settings.RETENTION_YEARS`."""
    years = dict(DEFAULT_RETENTION_YEARS)
    years.update(getattr(settings, "RETENTION_YEARS", {}) or {})
    return years
