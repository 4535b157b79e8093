"""Importing a bundle: check every sheet, row and cell first, then write everything through
the domain apps' own services in ONE transaction; if any row fails — in the checks or in a
service — nothing is written and the report lists every problem (sheet, row, column).

Importing the same bundle again changes nothing:
- register rows (providers and their registrations, locations, tariffs; clients;
  representatives; support-circle members) are matched on their natural keys and updated
  through the services when they differ — a service writes (and audits) only what actually
  changed;
- history rows are remembered by their natural keys with a checksum of what was imported:
  assessments by (client, day); budget periods with their budgets by (client, start); plans
  with their goals and lines by (client, plan_ref); sessions by (provider, client, date,
  start time, service); invoices with their lines by (provider, municipality, month).
  The same rows again are skipped; changed ones are refused — history is corrected in the
  system, where every version and every step of the workflow is kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atbalsts.assessment import services as assessment_services
from atbalsts.assessment.models import AssessmentStatus, NeedsAssessment
from atbalsts.billing import services as billing_services
from atbalsts.billing.models import Invoice
from atbalsts.catalog import exchange
from atbalsts.catalog.models import Provider, ServiceType
from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.dates import dmy
from atbalsts.core.errors import DomainError, ValidationFailed
from atbalsts.core.policies import Action
from atbalsts.delivery import selectors as delivery_selectors
from atbalsts.delivery import services as delivery_services
from atbalsts.people import services as people_services
from atbalsts.people.models import (
    Client,
    Consent,
    Municipality,
    Representative,
    SupportCircleMember,
    TargetGroup,
)
from atbalsts.people.personal_code import InvalidPersonalCode, parse_personal_code
from atbalsts.plans import services as plan_services
from atbalsts.plans.models import GuaranteeLetter, LetterStatus, PlanVersion

from .errors import BundleRejected, RowError
from .format import SHEETS, CellError, InvoiceState, PlanState
from .models import ImportedKey, ImportRun, RunStatus
from .policies import bundle_policy
from .reader import Sheet, read_bundle

# The order rows are written in: what a row refers to is written before it.
ORDER = (
    "providers",
    "registrations",
    "locations",
    "tariffs",
    "clients",
    "representatives",
    "support_circle",
    "consents",
    "assessments",
    "budgets",
    "plans",
    "sessions",
    "invoices",
)
CATALOG_SHEETS = ("providers", "registrations", "locations", "tariffs")
# The natural key of a history row (remembered in ImportedKey with the row's checksum).
HISTORY_KEYS: dict[str, Callable[[dict[str, Any]], str]] = {
    "assessments": lambda v: f"{v['client_personal_code']}|{v['assessed_on'].isoformat()}",
    "budgets": lambda v: f"{v['client_personal_code']}|{v['start'].isoformat()}",
    "sessions": lambda v: "|".join(
        str(v[c])
        for c in (
            "provider_registration_number",
            "client_personal_code",
            "date",
            "start_time",
            "service_type",
        )
    ),
    "invoices": lambda v: f"{v['provider_registration_number']}|{v['month'].isoformat()}",
}
# A service's field → the sheet's column, where their names differ.
SERVICE_COLUMNS: dict[str, dict[str, str]] = {
    "assessments": {"common_goals": "goals", "own_goals": "goals"},
    "budgets": {"assessment": "assessed_on", "end": "months"},
    "sessions": {"line_key": "service_type"},
    "consents": {"given_by_representative": "given_by"},
}
Progress = Callable[[int, int], None]


@dataclass
class Row:
    sheet: str
    number: int
    raw: dict[str, Any]
    values: dict[str, Any]


@dataclass
class BundleReport:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    rows: int = 0
    run_id: int | None = None

    def count(self, sheet: str, outcome: str, n: int = 1) -> None:
        bucket = self.counts.setdefault(sheet, {"created": 0, "updated": 0, "unchanged": 0})
        bucket[outcome] += n

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "counts": self.counts, "run": self.run_id}

    def in_sheet_order(self) -> None:
        self.counts = {name: self.counts[name] for name in SHEETS if name in self.counts}


class _RowFailed(Exception):
    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.errors = {k: [str(m) for m in v] for k, v in errors.items()}
        super().__init__(str(self.errors))


def _fail(column: str, message: Any) -> _RowFailed:
    return _RowFailed({column: [str(message)]})


# --- checking before writing -------------------------------------------------------------------


def _check_header(sheet: Sheet) -> list[RowError]:
    columns = SHEETS[sheet.name]
    known = {c.name for c in columns}
    problems = [
        RowError(sheet.name, 1, c.name, str(_("Trūkst obligātās kolonnas.")))
        for c in columns
        if c.required and c.name not in sheet.header
    ]
    problems += [
        RowError(sheet.name, 1, name, str(_("Nezināma kolonna.")))
        for name in sheet.header
        if name and name not in known
    ]
    return problems


def _parse_row(sheet: Sheet, number: int, raw: dict[str, Any]) -> tuple[Row, list[RowError]]:
    values: dict[str, Any] = {}
    problems: list[RowError] = []
    for column in SHEETS[sheet.name]:
        if column.name not in sheet.header:
            continue
        try:
            value = column.parse(raw.get(column.name))
        except CellError as exc:
            problems.append(RowError(sheet.name, number, column.name, exc.message))
            continue
        if column.required and value in (None, "", []):
            problems.append(RowError(sheet.name, number, column.name, str(_("Obligāts lauks."))))
            continue
        values[column.name] = value
    return Row(sheet.name, number, raw, values), problems


def _person_code(value: str) -> str:
    try:
        return parse_personal_code(value).value
    except InvalidPersonalCode as exc:
        raise CellError(exc.message) from None


class _Index:
    """What the rows refer to: the bundle's own rows and what the database already holds."""

    def __init__(self, municipality: Municipality, rows: dict[str, list[Row]]) -> None:
        self.municipality = municipality
        self.providers = {r.values.get("registration_number") for r in rows.get("providers", [])}
        # filled by _check_references once the personal codes are normalised
        self.clients: set[Any] = set()
        self.plans: set[tuple[Any, ...]] = set()
        self.goals: set[tuple[Any, ...]] = set()
        self.service_types = set(ServiceType.objects.values_list("code", flat=True))

    def has_client(self, code: str) -> bool:
        return (
            code in self.clients
            or Client.objects.filter(municipality=self.municipality, personal_code=code).exists()
        )

    def has_provider(self, number: str) -> bool:
        return (
            number in self.providers or Provider.objects.filter(registration_number=number).exists()
        )


def _check_references(rows: dict[str, list[Row]], index: _Index) -> list[RowError]:
    """Keys and references across sheets, reported before anything is written."""
    problems: list[RowError] = []

    def bad(row: Row, column: str, message: Any) -> None:
        problems.append(RowError(row.sheet, row.number, column, str(message)))

    for row in rows.get("clients", []):
        if "personal_code" in row.values:
            try:
                row.values["personal_code"] = _person_code(row.values["personal_code"])
            except CellError as exc:
                bad(row, "personal_code", exc.message)
        code = row.values.get("municipality")
        if code and code != index.municipality.code:
            if not Municipality.objects.filter(code=code).exists():
                bad(row, "municipality", _("Nezināma pašvaldība „%(code)s”.") % {"code": code})
            else:
                bad(
                    row,
                    "municipality",
                    _("Šajā importā var ievest tikai pašvaldības „%(name)s” klientus.")
                    % {"name": index.municipality.name},
                )
    index.clients = {r.values.get("personal_code") for r in rows.get("clients", [])}
    for sheet in ("providers", "registrations", "locations", "tariffs"):
        for row in rows.get(sheet, []):
            for column in ("municipality", "provider_municipality", "seat_municipality"):
                code = row.values.get(column)
                if code and not Municipality.objects.filter(code=code).exists():
                    bad(row, column, _("Nezināma pašvaldība „%(code)s”.") % {"code": code})
    for sheet in (
        "representatives",
        "support_circle",
        "consents",
        "assessments",
        "budgets",
        "plans",
        "goals",
        "plan_lines",
        "sessions",
        "invoice_lines",
    ):
        for row in rows.get(sheet, []):
            raw = row.values.get("client_personal_code")
            if not raw:
                continue
            try:
                code = _person_code(raw)
            except CellError as exc:
                bad(row, "client_personal_code", exc.message)
                continue
            row.values["client_personal_code"] = code
            if not index.has_client(code):
                bad(
                    row,
                    "client_personal_code",
                    _("Nezināms klients %(code)s: tā nav ne lapā „clients”, ne sistēmā.")
                    % {"code": code},
                )
    index.plans = {
        (r.values.get("client_personal_code"), r.values.get("plan_ref"))
        for r in rows.get("plans", [])
    }
    index.goals = {
        (r.values.get("client_personal_code"), r.values.get("plan_ref"), r.values.get("goal_ref"))
        for r in rows.get("goals", [])
    }
    for sheet in ("goals", "plan_lines"):
        for row in rows.get(sheet, []):
            key = (row.values.get("client_personal_code"), row.values.get("plan_ref"))
            if all(key) and key not in index.plans:
                bad(
                    row,
                    "plan_ref",
                    _("Lapā „plans” nav šī klienta plāna „%(ref)s”.") % {"ref": key[1]},
                )
    for row in [
        *rows.get("plan_lines", []),
        *rows.get("sessions", []),
        *rows.get("invoices", []),
        *rows.get("invoice_lines", []),
    ]:
        number = row.values.get("provider_registration_number")
        if number and not index.has_provider(number):
            bad(
                row,
                "provider_registration_number",
                _("Nezināms sniedzējs „%(number)s”: tā nav ne lapā „providers”, ne sistēmā.")
                % {"number": number},
            )
        service = row.values.get("service_type")
        if service and service not in index.service_types:
            bad(row, "service_type", _("Nezināms pakalpojuma kods „%(code)s”.") % {"code": service})
        goal = row.values.get("goal_ref")
        goal_key = (row.values.get("client_personal_code"), row.values.get("plan_ref"), goal)
        if (
            row.sheet == "plan_lines"
            and goal
            and goal_key[:2] in index.plans
            and goal_key not in index.goals
        ):
            bad(row, "goal_ref", _("Lapā „goals” nav šī plāna mērķa „%(ref)s”.") % {"ref": goal})
    invoices = {
        (r.values.get("provider_registration_number"), r.values.get("month"))
        for r in rows.get("invoices", [])
    }
    for row in rows.get("invoice_lines", []):
        key = (row.values.get("provider_registration_number"), row.values.get("month"))
        if all(key) and key not in invoices:
            bad(row, "month", _("Lapā „invoices” nav šī sniedzēja rēķina par šo mēnesi."))
    problems += _duplicates(rows, "clients", ("personal_code",))
    problems += _duplicates(
        rows,
        "sessions",
        (
            "provider_registration_number",
            "client_personal_code",
            "date",
            "service_type",
            "start_time",
        ),
    )
    problems += _duplicates(rows, "invoices", ("provider_registration_number", "month"))
    problems += _duplicates(rows, "plans", ("client_personal_code", "plan_ref"))
    problems += _duplicates(rows, "goals", ("client_personal_code", "plan_ref", "goal_ref"))
    problems += _duplicates(rows, "assessments", ("client_personal_code", "assessed_on"))
    problems += _duplicates(rows, "budgets", ("client_personal_code", "start"))
    problems += _duplicates(
        rows,
        "support_circle",
        ("client_personal_code", "last_name", "first_name"),
        optional=("last_name",),
    )
    return problems


def _duplicates(
    rows: dict[str, list[Row]], sheet: str, key: tuple[str, ...], optional: tuple[str, ...] = ()
) -> list[RowError]:
    seen: dict[tuple[Any, ...], int] = {}
    problems = []
    for row in rows.get(sheet, []):
        values = tuple(row.values.get(k) for k in key)
        if not all(v for k, v in zip(key, values, strict=True) if k not in optional):
            continue
        if values in seen:
            problems.append(
                RowError(
                    sheet,
                    row.number,
                    key[-1],
                    str(_("Rinda atkārto %(row)s. rindas atslēgu.") % {"row": seen[values]}),
                )
            )
        else:
            seen[values] = row.number
    return problems


# --- writing -----------------------------------------------------------------------------------


def _data(row: Row, columns: Sequence[str], *, skip_empty: Sequence[str] = ()) -> dict[str, Any]:
    """The row's values for the service: only columns the sheet has; empty choices keep the
    service's default."""
    return {
        c: row.values[c]
        for c in columns
        if c in row.values and not (c in skip_empty and row.values[c] in (None, ""))
    }


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


class _Writer:
    def __init__(
        self, actor: Any, municipality: Municipality, report: BundleReport, approver: Any
    ) -> None:
        self.actor = actor
        self.approver = approver
        self.municipality = municipality
        self.report = report
        self.lookups = exchange.Lookups()
        self.catalog_result = exchange.ImportResult()
        self._clients: dict[str, Client] = {}
        self._providers: dict[str, Provider | None] = {}
        self._types: dict[str, ServiceType] = {}
        self._letters: dict[tuple[int, int], list[GuaranteeLetter]] = {}
        self._members: dict[int, list[SupportCircleMember]] = {}
        # sheet → key → checksum of the bundle's history rows imported before (`preload`)
        self._keys: dict[str, dict[str, str]] = {}
        self._new_keys: list[ImportedKey] = []

    # what rows refer to, read once per import
    def client_of(self, code: str) -> Client:
        if code not in self._clients:
            self._clients[code] = Client.objects.select_related("municipality").get(
                personal_code=code
            )
        return self._clients[code]

    def provider_of(self, number: str) -> Provider | None:
        if number not in self._providers:
            self._providers[number] = _provider(number, self.municipality)
        return self._providers[number]

    def service_type_of(self, code: str) -> ServiceType:
        if code not in self._types:
            self._types[code] = ServiceType.objects.get(code=code)
        return self._types[code]

    def letters_of(self, provider: Provider | None, client: Client) -> list[GuaranteeLetter]:
        """The letters in force (read once: the plans, which issue letters, come first)."""
        if provider is None:
            return []
        key = (provider.pk, client.pk)
        if key not in self._letters:
            self._letters[key] = _issued_letters(provider, client)
        return self._letters[key]

    def member_of(self, client: Client, name: str, column: str = "recipient") -> int | None:
        """The id of the client's support-circle member called `name` (None for no name)."""
        if not name.strip():
            return None
        if client.pk not in self._members:
            self._members[client.pk] = list(SupportCircleMember.objects.filter(client=client))
        for member in self._members[client.pk]:
            if _same_name(str(member), name):
                return member.pk
        raise _fail(
            column,
            _("Klientam nav atbalsta loka dalībnieka „%(name)s” (lapa „support_circle”).")
            % {"name": name[:80]},
        )

    # catalogue sheets: the catalogue exchange's own row import (same columns, same rules)
    def catalog_row(self, row: Row, header: list[str]) -> list[RowError]:
        problems = exchange.import_row(
            self.actor, row.sheet, header, row.number, row.raw, self.lookups, self.catalog_result
        )
        return [RowError(p.sheet, p.row, p.field, p.message) for p in problems]

    def client(self, row: Row) -> str:
        data = _data(row, _CLIENT_FIELDS, skip_empty=_CLIENT_CHOICES)
        self._clients.pop(row.values["personal_code"], None)
        existing = Client.objects.filter(personal_code=row.values["personal_code"]).first()
        if existing is None:
            people_services.client_create(
                actor=self.actor, municipality=self.municipality, data=data
            )
            return "created"
        if existing.municipality_id != self.municipality.pk:
            raise _fail(
                "personal_code", _("Klients ar šo personas kodu ir reģistrēts citā pašvaldībā.")
            )
        before = existing.updated_at
        after = people_services.client_update(actor=self.actor, client=existing, data=data)
        return "updated" if after.updated_at != before else "unchanged"

    def representative(self, row: Row) -> str:
        client = self.client_of(row.values["client_personal_code"])
        data = _data(row, _REP_FIELDS)
        existing = Representative.objects.filter(
            client=client,
            kind=data["kind"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            valid_from=data["valid_from"],
        ).first()
        if existing is None:
            people_services.representative_create(actor=self.actor, client=client, data=data)
            return "created"
        before = existing.updated_at
        after = people_services.representative_update(
            actor=self.actor, representative=existing, data=data
        )
        return "updated" if after.updated_at != before else "unchanged"

    def circle_member(self, row: Row) -> str:
        client = self.client_of(row.values["client_personal_code"])
        self._members.pop(client.pk, None)
        data = _data(row, _CIRCLE_FIELDS)
        existing = SupportCircleMember.objects.filter(
            client=client,
            first_name=data["first_name"],
            last_name=data.get("last_name", ""),
        ).first()
        if existing is None:
            people_services.circle_member_create(actor=self.actor, client=client, data=data)
            return "created"
        before = existing.updated_at
        after = people_services.circle_member_update(actor=self.actor, member=existing, data=data)
        return "updated" if after.updated_at != before else "unchanged"

    def consent(self, row: Row) -> str:
        """A consent record, matched on client + purpose + recipient + the day it was given.
        A record is not edited by importing it again; a revocation date it did not have yet
        revokes it."""
        values = row.values
        client = self.client_of(values["client_personal_code"])
        recipient = values.get("recipient") or ""
        existing = Consent.objects.filter(
            client=client,
            purpose=values["purpose"],
            recipient=recipient,
            given_on=values["given_on"],
        ).first()
        outcome = "unchanged"
        if existing is None:
            existing = people_services.consent_give(
                actor=self.actor,
                client=client,
                data={
                    "purpose": values["purpose"],
                    "recipient": recipient,
                    "given_by_representative": self._representative(client, values),
                    "given_on": values["given_on"],
                    "notes": values.get("notes") or "",
                },
            )
            outcome = "created"
        revoked_on = values.get("revoked_on")
        if revoked_on and existing.revoked_on is None:
            people_services.consent_revoke(
                actor=self.actor,
                consent=existing,
                revoked_on=revoked_on,
                reason=values.get("revoke_reason") or "",
            )
            outcome = "updated" if outcome == "unchanged" else outcome
        return outcome

    @staticmethod
    def _representative(client: Client, values: Mapping[str, Any]) -> Representative | None:
        """The representative named in `given_by` ("Vārds Uzvārds"); None: the client."""
        name = " ".join((values.get("given_by") or "").split())
        if not name:
            return None
        for rep in client.representatives.all():
            if _same_name(str(rep), name):
                return rep
        raise _fail(
            "given_by",
            _("Klientam nav pārstāvja „%(name)s” (lapa „representatives” vai sistēmā).")
            % {"name": name},
        )

    def assessment(self, row: Row) -> str:
        """A completed needs assessment: what a budget is computed from."""
        values = row.values
        code, day = values["client_personal_code"], values["assessed_on"]
        key = HISTORY_KEYS["assessments"](values)
        checksum = _checksum([values])
        if self._known("assessments", key, checksum, row, "assessed_on"):
            return "unchanged"
        client = self.client_of(code)
        goals = "common_goals" if client.target_group == TargetGroup.CHILD_FT else "own_goals"
        data: dict[str, Any] = {
            "assessed_on": day,
            "scores": values["scores"],
            goals: values["goals"],
        }
        for column in ("conclusions", "anamnesis", "family_description"):
            if values.get(column) not in (None, "", []):
                data[column] = values[column]
        assessment = assessment_services.assessment_create(
            actor=self.actor, client=client, data=data
        )
        assessment_services.assessment_complete(
            actor=self.actor, assessment=assessment, on=values.get("completed_on")
        )
        self._remember("assessments", key, checksum, assessment.pk)
        return "created"

    def budget(self, row: Row) -> str:
        """A budget period and its indicative budget, computed from an imported (or earlier)
        completed assessment by the allocation rule in force; `band` and `monthly_amount`,
        if given, must be what the rule gives."""
        values = row.values
        code, start = values["client_personal_code"], values["start"]
        key = HISTORY_KEYS["budgets"](values)
        checksum = _checksum([values])
        if self._known("budgets", key, checksum, row, "start"):
            return "unchanged"
        client = self.client_of(code)
        completed = NeedsAssessment.objects.filter(
            client=client, status=AssessmentStatus.COMPLETED
        ).order_by("-assessed_on", "-id")
        if values.get("assessed_on"):
            assessment = completed.filter(assessed_on=values["assessed_on"]).first()
        else:
            assessment = completed.filter(assessed_on__lte=start).first()
        if assessment is None:
            raise _fail(
                "assessed_on",
                _(
                    "Klientam nav pabeigta vajadzību izvērtējuma %(when)s; pievienojiet to lapā "
                    "„assessments”."
                )
                % {
                    "when": dmy(values["assessed_on"])
                    if values.get("assessed_on")
                    else _("līdz perioda sākumam")
                },
            )
        period = assessment_services.budget_period_create(
            actor=self.actor, client=client, start=start, months=values["months"]
        )
        budget = assessment_services.budget_compute(
            actor=self.actor, period=period, assessment=assessment
        )
        band = values.get("band")
        if band and band != budget.band_code:
            raise _fail(
                "band",
                _("Pēc izvērtējuma budžeta grupa ir „%(computed)s”, nevis „%(given)s”.")
                % {"computed": budget.band_code, "given": band[:20]},
            )
        amount = values.get("monthly_amount")
        if amount is not None and amount != budget.monthly_amount:
            raise _fail(
                "monthly_amount",
                _("Pēc izvērtējuma budžets ir %(computed)s € mēnesī, nevis %(given)s €.")
                % {"computed": budget.monthly_amount, "given": amount},
            )
        self._remember("budgets", key, checksum, period.pk)
        return "created"

    # plans: the plan row, its goals and lines, then agreement and activation
    def plan(self, row: Row, goals: list[Row], lines: list[Row]) -> list[RowError]:
        code, ref = row.values["client_personal_code"], row.values["plan_ref"]
        key = f"{code}|{ref}"
        checksum = _checksum([r.values for r in (row, *goals, *lines)])
        known = ImportedKey.objects.filter(
            municipality=self.municipality, sheet="plans", key=key
        ).first()
        if known is not None:
            if known.checksum != checksum:
                return [
                    RowError(
                        "plans",
                        row.number,
                        "plan_ref",
                        str(
                            _(
                                "Plāns „%(ref)s” jau ir importēts ar citiem datiem (plānā, tā "
                                "mērķos vai rindās); importētu plānu maina sistēmā, veidojot "
                                "jaunu versiju."
                            )
                            % {"ref": ref}
                        ),
                    )
                ]
            self.report.count("plans", "unchanged")
            self.report.count("goals", "unchanged", len(goals))
            self.report.count("plan_lines", "unchanged", len(lines))
            return []
        client = self.client_of(code)
        self._letters.clear()
        problems: list[RowError] = []
        try:
            version = plan_services.plan_create(
                actor=self.actor,
                client=client,
                start=row.values["start"],
                end=row.values["end"],
                notes=row.values.get("notes", ""),
            )
        except DomainError as exc:
            return _service_errors(row, exc, {"__all__": "plan_ref"})
        self.report.count("plans", "created")
        goal_ids: dict[str, int] = {}
        for goal in goals:
            try:
                with transaction.atomic():
                    version.refresh_from_db()
                    data = _data(
                        goal, ("term", "domain", "decision_domain", "text", "progress_measure")
                    )
                    created = plan_services.goal_add(
                        actor=self.actor, version=version, revision=version.revision, data=data
                    )
                goal_ids[goal.values["goal_ref"]] = created.pk
                self.report.count("goals", "created")
            except DomainError as exc:
                problems += _service_errors(goal, exc, {})
        for line in lines:
            problems += self._line(version, line, goal_ids)
        state = row.values.get("status") or PlanState.DRAFT
        if not problems and state in (PlanState.AGREED, PlanState.ACTIVE):
            problems += self._agree(version, row, client, activate=state == PlanState.ACTIVE)
        if not problems:
            ImportedKey.objects.create(
                municipality=self.municipality,
                sheet="plans",
                key=key,
                object_id=version.plan_id,
                checksum=checksum,
            )
        return problems

    def _line(self, version: PlanVersion, line: Row, goal_ids: dict[str, int]) -> list[RowError]:
        values = line.values
        provider = self.provider_of(values["provider_registration_number"])
        service_type = self.service_type_of(values["service_type"])
        try:
            recipient = self.member_of(version.plan.client, values.get("recipient", ""))
        except _RowFailed as exc:
            return [
                RowError(line.sheet, line.number, c, m) for c, ms in exc.errors.items() for m in ms
            ]
        data: dict[str, Any] = {
            "service_type": service_type.pk,
            "provider": provider.pk if provider else None,
            "quantity": values["quantity"],
            "start": values["start"],
            "months": values["months"],
            "funding_source": values["funding_source"],
        }
        for column in ("session_minutes", "priority", "override_reason"):
            if values.get(column) not in (None, ""):
                data[column] = values[column]
        if values.get("goal_ref"):
            data["goal"] = goal_ids.get(values["goal_ref"])
        if recipient is not None:
            data["recipient"] = recipient
        try:
            with transaction.atomic():
                version.refresh_from_db()
                plan_services.line_add(
                    actor=self.actor, version=version, revision=version.revision, data=data
                )
        except DomainError as exc:
            return _service_errors(
                line, exc, {"provider": "provider_registration_number", "goal": "goal_ref"}
            )
        self.report.count("plan_lines", "created")
        return []

    def _agree(
        self, version: PlanVersion, row: Row, client: Client, *, activate: bool
    ) -> list[RowError]:
        signer = _signer(client, row.values.get("signer", ""))
        if row.values.get("signer") and signer is None:
            return [
                RowError(
                    "plans",
                    row.number,
                    "signer",
                    str(_("Klientam nav pārstāvja „%(name)s”.") % {"name": row.values["signer"]}),
                )
            ]
        try:
            with transaction.atomic():
                version.refresh_from_db()
                plan_services.version_agree(
                    actor=self.actor,
                    version=version,
                    revision=version.revision,
                    signed_on=row.values.get("signed_on"),
                    sign_method=row.values.get("sign_method"),
                    signed_by_representative=signer.pk if signer else None,
                    on=row.values.get("agreed_on"),
                )
                if activate:
                    plan_services.version_activate(
                        actor=self.actor, version=version, on=row.values.get("agreed_on")
                    )
        except DomainError as exc:
            return _service_errors(
                row,
                exc,
                {
                    "signed_by_representative": "signer",
                    "lines": "status",
                    "goals": "status",
                    "__all__": "status",
                    "activated_on": "agreed_on",
                    "issued_on": "agreed_on",
                },
            )
        return []

    # history that must not change: remembered by natural key and checksum
    def _known(self, sheet: str, key: str, checksum: str, row: Row, column: str) -> bool:
        """True if the row was imported before, identical; raises if it differs."""
        if sheet in self._keys:
            known = self._keys[sheet].get(key)
        else:
            known = (
                ImportedKey.objects.filter(municipality=self.municipality, sheet=sheet, key=key)
                .values_list("checksum", flat=True)
                .first()
            )
        if known is None:
            return False
        if known != checksum:
            raise _fail(
                column,
                _(
                    "Šis ieraksts jau ir importēts ar citiem datiem; importētu vēsturi labo "
                    "sistēmā, nevis importējot vēlreiz."
                ),
            )
        return True

    def preload(self, rows: dict[str, list[Row]]) -> None:
        """Read the earlier imports of this bundle's history rows at once (in batches), not
        one query per row."""
        for sheet, key_of in HISTORY_KEYS.items():
            keys = [key_of(row.values) for row in rows.get(sheet, [])]
            found: dict[str, str] = {}
            for i in range(0, len(keys), 500):
                found.update(
                    ImportedKey.objects.filter(
                        municipality=self.municipality, sheet=sheet, key__in=keys[i : i + 500]
                    ).values_list("key", "checksum")
                )
            self._keys[sheet] = found

    def _remember(self, sheet: str, key: str, checksum: str, object_id: int) -> None:
        """Written together at the end (any failed row rolls the whole import back)."""
        self._keys.setdefault(sheet, {})[key] = checksum
        self._new_keys.append(
            ImportedKey(
                municipality=self.municipality,
                sheet=sheet,
                key=key,
                object_id=object_id,
                checksum=checksum,
            )
        )

    def flush(self) -> None:
        ImportedKey.objects.bulk_create(self._new_keys, batch_size=500)
        self._new_keys = []

    def session(self, row: Row) -> str:
        values = row.values
        key = HISTORY_KEYS["sessions"](values)
        checksum = _checksum([values])
        if self._known("sessions", key, checksum, row, "date"):
            return "unchanged"
        client = self.client_of(values["client_personal_code"])
        provider = self.provider_of(values["provider_registration_number"])
        service_type = self.service_type_of(values["service_type"])
        recipient = self.member_of(client, values.get("recipient", ""))
        letter, line = _letter_line(
            provider,
            client,
            service_type,
            values["date"],
            recipient=values.get("recipient", ""),
            letters=self.letters_of(provider, client),
        )
        if letter is None or line is None:
            raise _fail(
                "service_type",
                _(
                    "Klientam %(day)s nav šī sniedzēja garantijas vēstules pakalpojumam "
                    "„%(service)s”: plānam ar šo pakalpojumu jābūt saskaņotam."
                )
                % {"day": dmy(values["date"]), "service": service_type.name_lv},
            )
        price = values.get("unit_price")
        if price is not None and str(price) != str(line.get("unit_price")):
            raise _fail(
                "unit_price",
                _("Cena %(price)s nesakrīt ar garantijas vēstules cenu %(letter)s.")
                % {"price": price, "letter": line.get("unit_price") or "—"},
            )
        data: dict[str, Any] = {"line_key": line["key"]}
        if recipient is not None:
            data["recipient"] = recipient
        for column in (
            "date", "start_time", "duration_minutes", "status", "mode", "signed_by",
            "signer_note", "km", "ticket_amount", "evidence_protocol", "goals_worked_on",
            "techniques",
        ):  # fmt: skip
            if values.get(column) not in (None, ""):
                data[column] = values[column]
        import_key = hashlib.sha256(f"bundle|{self.municipality.pk}|{key}".encode()).hexdigest()
        session = delivery_services.session_record(
            actor=self.actor, letter=letter, data=data, import_key=import_key
        )
        self._remember("sessions", key, checksum, session.pk)
        return "created"

    def invoice(self, row: Row, lines: list[Row]) -> list[RowError]:
        values = row.values
        key = HISTORY_KEYS["invoices"](values)
        checksum = _checksum([r.values for r in (row, *lines)])
        try:
            if self._known("invoices", key, checksum, row, "month"):
                self.report.count("invoices", "unchanged")
                self.report.count("invoice_lines", "unchanged", len(lines))
                return []
        except _RowFailed as exc:
            return [
                RowError(row.sheet, row.number, c, m) for c, ms in exc.errors.items() for m in ms
            ]
        provider = self.provider_of(values["provider_registration_number"])
        if provider is None:  # pragma: no cover - refused by the reference checks
            raise _fail("provider_registration_number", _("Nezināms sniedzējs."))
        problems: list[RowError] = []
        items: list[dict[str, Any]] = []
        for line in lines:
            client = self.client_of(line.values["client_personal_code"])
            service_type = self.service_type_of(line.values["service_type"])
            letter, found = _letter_line(
                provider,
                client,
                service_type,
                values["month"],
                month=True,
                recipient=line.values.get("recipient", ""),
                letters=self.letters_of(provider, client),
            )
            if letter is None or found is None:
                problems.append(
                    RowError(
                        line.sheet,
                        line.number,
                        "service_type",
                        str(
                            _(
                                "Klientam šajā mēnesī nav šī sniedzēja garantijas vēstules "
                                "pakalpojumam „%(service)s”."
                            )
                            % {"service": service_type.name_lv}
                        ),
                    )
                )
                continue
            item = {
                "letter": letter,
                "line_key": found["key"],
                "quantity": line.values["quantity"],
                "unit_price": line.values["unit_price"],
            }
            if line.values.get("amount") is not None:
                item["amount"] = line.values["amount"]
            items.append(item)
        if problems:
            return problems
        state = values.get("status") or InvoiceState.SUBMITTED
        try:
            invoice = billing_services.invoice_enter_paper(
                actor=self.actor,
                municipality=self.municipality,
                provider=provider,
                month=values["month"],
                number=values["number"],
                lines=items,
                on=values.get("submitted_on"),
            )
        except DomainError as exc:
            return _invoice_errors(row, lines, exc)
        self.report.count("invoices", "created")
        self.report.count("invoice_lines", "created", len(lines))
        problems = self._advance(invoice, row, state)
        if not problems:
            self._remember("invoices", key, checksum, invoice.pk)
        return problems

    def _advance(self, invoice: Invoice, row: Row, state: str) -> list[RowError]:
        """Take the invoice as far as the row says: the importer confirms the content, the
        approver (an accountant) approves payment and records it."""
        steps = [InvoiceState.CONFIRMED, InvoiceState.APPROVED, InvoiceState.PAID]
        wanted = steps[: steps.index(InvoiceState(state)) + 1] if state in steps else []
        if InvoiceState.APPROVED in wanted and self.approver is None:
            return [
                RowError(
                    row.sheet,
                    row.number,
                    "status",
                    str(
                        _(
                            "Apstiprinātu vai apmaksātu rēķinu var importēt, tikai norādot "
                            "apmaksas apstiprinātāju (pašvaldības grāmatvedi)."
                        )
                    ),
                )
            ]
        try:
            if InvoiceState.CONFIRMED in wanted:
                invoice = billing_services.invoice_confirm(
                    actor=self.actor, invoice=invoice, on=row.values.get("confirmed_on")
                )
            if InvoiceState.APPROVED in wanted:
                invoice = billing_services.invoice_approve(
                    actor=self.approver, invoice=invoice, on=row.values.get("approved_on")
                )
            if InvoiceState.PAID in wanted:
                billing_services.invoice_pay(
                    actor=self.approver,
                    invoice=invoice,
                    paid_on=row.values.get("paid_on"),
                    payment_reference=row.values.get("payment_reference", ""),
                )
        except DomainError as exc:
            return _service_errors(row, exc, {"__all__": "status"})
        return []


def _checksum(values: list[dict[str, Any]]) -> str:
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _letter_line(
    provider: Provider | None,
    client: Client,
    service_type: ServiceType,
    day: Any,
    *,
    month: bool = False,
    recipient: str = "",
    letters: Sequence[GuaranteeLetter] | None = None,
) -> tuple[GuaranteeLetter | None, dict[str, Any] | None]:
    """The issued letter to `provider` for the client, and its line for the service (for the
    support-circle member named `recipient`, or the client), in force on `day` (or, with
    month=True, at some time in the month starting on `day`)."""
    if provider is None:
        return None, None
    last = delivery_selectors.month_end(day) if month else day
    if letters is None:
        letters = _issued_letters(provider, client)
    for letter in letters:
        if letter.period_start > last or letter.period_end < day:
            continue
        for line in letter.lines:
            if line.get("service_type_id") != service_type.pk:
                continue
            if not _same_name(line.get("recipient") or "", recipient):
                continue
            if line["start"] <= last.isoformat() and line["end"] >= day.isoformat():
                return letter, dict(line)
    return None, None


def _same_name(a: str, b: str) -> bool:
    """Whether two written names ("Vārds Uzvārds") are the same person's: spaces and case aside."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _issued_letters(provider: Provider, client: Client) -> list[GuaranteeLetter]:
    """The letters in force for the client to the provider, the latest first."""
    return list(
        GuaranteeLetter.objects.filter(
            provider=provider, version__plan__client=client, status=LetterStatus.ISSUED
        ).order_by("-issued_at", "-id")
    )


def _invoice_errors(row: Row, lines: list[Row], exc: DomainError) -> list[RowError]:
    """The billing service names line fields `lines.<i>.<field>`: put them on the line rows."""
    result = []
    for name, messages in exc.field_errors.items():
        parts = name.split(".")
        if (
            parts[0] == "lines"
            and len(parts) == 3
            and parts[1].isdigit()
            and int(parts[1]) < len(lines)
        ):
            target = lines[int(parts[1])]
            column = (
                parts[2] if parts[2] in ("quantity", "unit_price", "amount") else "service_type"
            )
            result += [RowError(target.sheet, target.number, column, m) for m in messages]
        else:
            column = name if name in ("month", "number", "submitted_on") else "—"
            result += [RowError(row.sheet, row.number, column, m) for m in messages]
    return result


def _provider(number: str, municipality: Municipality) -> Provider | None:
    found = list(Provider.objects.filter(registration_number=number))
    own = [p for p in found if p.municipality_id == municipality.pk]
    candidates = own or found
    return candidates[0] if candidates else None


def _signer(client: Client, name: str) -> Representative | None:
    name = name.strip()
    if not name:
        return None
    for rep in client.representatives.all():
        if name.lower() in (rep.personal_code.lower(), f"{rep.first_name} {rep.last_name}".lower()):
            return rep
    return None


def _service_errors(row: Row, exc: DomainError, columns: Mapping[str, str]) -> list[RowError]:
    """A service's refusal, put on the row and (as near as can be said) the column."""
    known = {c.name for c in SHEETS[row.sheet]}
    result = []
    for name, messages in exc.field_errors.items():
        column = columns.get(name, name)
        if column not in known:
            head = name.split(".")[0]
            column = columns.get(head, head)
        if column not in known:
            column = "—"
        result += [RowError(row.sheet, row.number, column, m) for m in messages]
    return result


# --- the import --------------------------------------------------------------------------------


def bundle_checksum(files: Sequence[tuple[str, bytes]]) -> str:
    """What an ImportRun records of the files: their names and contents, hashed."""
    digest = hashlib.sha256()
    for name, content in files:
        digest.update(name.encode() + b"\0" + content)
    return digest.hexdigest()


def bundle_import(
    *,
    actor: Any,
    municipality: Municipality,
    files: Sequence[tuple[str, bytes]],
    approver: Any = None,
    progress: Progress | None = None,
) -> BundleReport:
    """Import a bundle for `municipality`. Raises BundleRejected with every problem; then
    nothing at all has been written (only the ImportRun that records the attempt)."""
    bundle_policy.require(actor, Action.CREATE, municipality)
    run = ImportRun.objects.create(
        municipality=municipality,
        actor=actor,
        file_name=", ".join(name for name, _c in files)[:200],
        checksum=bundle_checksum(files),
        started=timezone.now(),
    )
    try:
        report = _import(actor, municipality, files, approver, progress)
    except BundleRejected as exc:
        run.status = RunStatus.REJECTED
        run.errors = [r.as_dict() for r in exc.rows]
        run.finished = timezone.now()
        run.save(update_fields=["status", "errors", "finished"])
        raise
    report.run_id = run.pk
    run.status = RunStatus.DONE
    run.counts = report.counts
    run.finished = timezone.now()
    run.save(update_fields=["status", "counts", "finished"])
    return report


def _import(
    actor: Any,
    municipality: Municipality,
    files: Sequence[tuple[str, bytes]],
    approver: Any,
    progress: Progress | None,
) -> BundleReport:
    sheets = read_bundle(files)
    problems: list[RowError] = []
    for sheet in sheets.values():
        problems += _check_header(sheet)
    if problems:
        raise BundleRejected(problems)
    rows: dict[str, list[Row]] = {}
    for name, sheet in sheets.items():
        for number, raw in sheet.rows:
            row, row_problems = _parse_row(sheet, number, raw)
            rows.setdefault(name, []).append(row)
            problems += row_problems
    problems += _check_references(rows, _Index(municipality, rows))
    if problems:
        raise BundleRejected(_sorted(problems))
    report = BundleReport(rows=sum(len(r) for r in rows.values()))
    done = 0

    def step(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, report.rows)

    with transaction.atomic():
        writer = _Writer(actor, municipality, report, approver)
        writer.preload(rows)
        for name in ORDER:
            for row in rows.get(name, []):
                if name in CATALOG_SHEETS:
                    problems += writer.catalog_row(row, sheets[name].header)
                    step()
                    continue
                if name == "plans":
                    goals = _children(rows.get("goals", []), row)
                    lines = _children(rows.get("plan_lines", []), row)
                    problems += _savepoint(row, partial(writer.plan, row, goals, lines))
                    step(1 + len(goals) + len(lines))
                    continue
                if name == "invoices":
                    lines = [
                        r
                        for r in rows.get("invoice_lines", [])
                        if r.values.get("provider_registration_number")
                        == row.values["provider_registration_number"]
                        and r.values.get("month") == row.values["month"]
                    ]
                    problems += _savepoint(row, partial(writer.invoice, row, lines))
                    step(1 + len(lines))
                    continue
                handler = {
                    "clients": writer.client,
                    "representatives": writer.representative,
                    "support_circle": writer.circle_member,
                    "consents": writer.consent,
                    "assessments": writer.assessment,
                    "budgets": writer.budget,
                    "sessions": writer.session,
                }[name]
                try:
                    with transaction.atomic():
                        outcome = handler(row)
                except _RowFailed as exc:
                    problems += [
                        RowError(row.sheet, row.number, c, m)
                        for c, ms in exc.errors.items()
                        for m in ms
                    ]
                except (ValidationFailed, DomainError) as exc:
                    problems += _service_errors(row, exc, SERVICE_COLUMNS.get(name, {}))
                else:
                    report.count(name, outcome)
                step()
        for table, outcomes in (
            ("created", writer.catalog_result.created),
            ("updated", writer.catalog_result.updated),
            ("unchanged", writer.catalog_result.unchanged),
        ):
            for sheet_name, n in outcomes.items():
                report.count(sheet_name, table, n)
        if problems:
            raise BundleRejected(_sorted(problems))  # rolls back every row written above
        writer.flush()
        report.in_sheet_order()
        audit_record(
            actor=actor,
            event_type=AuditEventType.BUNDLE_IMPORTED,
            subject_type="bundle.import",
            municipality_id=municipality.pk,
            extra_data={"files": [name for name, _c in files][:20], "counts": report.counts},
        )
    return report


def _children(rows: list[Row], plan: Row) -> list[Row]:
    key = (plan.values["client_personal_code"], plan.values["plan_ref"])
    return [
        r for r in rows if (r.values.get("client_personal_code"), r.values.get("plan_ref")) == key
    ]


def _savepoint(row: Row, work: Callable[[], list[RowError]]) -> list[RowError]:
    """Run `work` in a savepoint; problems it reports (or a refusal it raises) undo its writes."""
    try:
        with transaction.atomic():
            problems = work()
            if problems:
                raise BundleRejected(problems)
    except BundleRejected as exc:
        return exc.rows
    except _RowFailed as exc:
        return [RowError(row.sheet, row.number, c, m) for c, ms in exc.errors.items() for m in ms]
    except DomainError as exc:
        return _service_errors(row, exc, {})
    return []


def _sorted(problems: list[RowError]) -> list[RowError]:
    order = {name: i for i, name in enumerate(SHEETS)}
    return sorted(problems, key=lambda p: (order.get(p.sheet, -1), p.row))
