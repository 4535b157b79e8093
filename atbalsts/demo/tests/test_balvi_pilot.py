"""Balvi's 2019–2021 pilots, generated as an import bundle: the records are plausible, and
the pilot report over them gives Balvi's published tables and headline figures exactly."""

import csv
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.models import F, Sum

from atbalsts.billing.models import Invoice, InvoiceLine, InvoiceStatus
from atbalsts.bundle.models import ImportedKey
from atbalsts.bundle.services import bundle_import
from atbalsts.catalog.models import Provider, ServiceType
from atbalsts.core.models import AuditEvent
from atbalsts.core.money import round_money
from atbalsts.core.roles import Role
from atbalsts.delivery.models import Session
from atbalsts.demo import balvi as pilot
from atbalsts.people.models import Client, SupportCircleMember, TargetGroup
from atbalsts.people.personal_code import parse_personal_code
from atbalsts.plans.models import FundingSource, GuaranteeLetter, PlanLine, PlanStatus
from atbalsts.reporting.selectors import extract_coverage, pilot_report

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "reporting" / "data"
GROUPS = (
    # table, target group, last day, months, total, per person-month
    ("balvi_children.csv", TargetGroup.CHILD_FT, dt.date(2020, 10, 31), 12, "63236.60", "526.97"),
    ("balvi_adults.csv", TargetGroup.ADULT_GRT, dt.date(2021, 1, 31), 15, "110258.19", "735.05"),
)


def published(name: str) -> set[tuple[str, int, Decimal]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return {
            (r["service"], int(r["persons"]), Decimal(r["spent_eur"])) for r in csv.DictReader(f)
        }


def rows(sheets: Any, sheet: str) -> list[dict[str, str]]:
    header, *data = sheets[sheet]
    return [dict(zip(header, (str(v) for v in row), strict=True)) for row in data]


def day(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()  # noqa: DTZ007 - a calendar date


def test_the_generated_bundle_is_plausible_and_adds_up():
    sheets = pilot.pilot_sheets()
    assert sheets == pilot.pilot_sheets(), "the same seed gives the same bundle"
    types = {t.code: t for t in ServiceType.objects.all()}
    clients = {r["personal_code"]: r for r in rows(sheets, "clients")}

    # people: valid new-form personal codes (never a living-demo code, which all have the old
    # form with the date of birth); children under 18 and adults 18+ when the pilot starts
    assert len(clients) == 20
    for code, client in clients.items():
        assert parse_personal_code(code).is_new_form
        born = day(client["date_of_birth"])
        age = (pilot.PILOT_START - born).days // 365
        assert age < 18 if client["target_group"] == TargetGroup.CHILD_FT else age >= 18

    # sessions on working days (care also on weekends), in daytime, at the line's price
    # near the catalogue's; per invoice line the sessions add up to its quantity and amount
    daily = {
        t.code
        for t in types.values()
        if t.name_lv in pilot.STYLES and pilot.STYLES[t.name_lv].daily
    }
    totals: dict[tuple[str, ...], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for s in rows(sheets, "sessions"):
        when = day(s["date"])
        assert (when.weekday() < 5 and when not in pilot.HOLIDAYS) or s["service_type"] in daily
        assert "08:00" <= s["start_time"] <= "16:30"
        service_type = types[s["service_type"]]
        price = Decimal(s["unit_price"])
        assert abs(price / service_type.default_unit_price - 1) < Decimal("0.16")
        units = Decimal(s["km"] or (int(s["duration_minutes"] or 60) // 60))
        if service_type.unit in ("session", "day", "course"):
            units = Decimal(1)
        key = (s["provider_registration_number"], f"{when:%m.%Y}", s["client_personal_code"],
               s["service_type"], s["recipient"])  # fmt: skip
        totals[key][0] += units
        totals[key][1] += round_money(units * price)
    lines = rows(sheets, "invoice_lines")
    assert len(lines) == len(totals)
    for line in lines:
        key = (line["provider_registration_number"], line["month"], line["client_personal_code"],
               line["service_type"], line["recipient"])  # fmt: skip
        assert totals[key] == [Decimal(line["quantity"]), Decimal(line["amount"])]

    # the invoice lines add up to the published table, service by service
    by_service: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        group = clients[line["client_personal_code"]]["target_group"]
        by_service[(group, types[line["service_type"]].name_lv)] += Decimal(line["amount"])
    for table, group, *_rest in GROUPS:
        assert {name: amount for (g, name), amount in by_service.items() if g == group} == {
            name: spent for name, _persons, spent in published(table)
        }

    # the workflow's days: received after the month, then confirmed, approved and paid
    for invoice in rows(sheets, "invoices"):
        month = day(f"01.{invoice['month']}")
        steps = [day(invoice[c]) for c in ("submitted_on", "confirmed_on", "approved_on")]
        steps.append(day(invoice["paid_on"]))
        assert month < steps[0] <= steps[1] <= steps[2] <= steps[3] <= dt.date(2021, 3, 31)
        assert all(d.weekday() < 5 for d in steps)

    # the state-paid assistant never from the individual budget; other sources as planned
    sources = {(r["service_type"], r["funding_source"]) for r in rows(sheets, "plan_lines")}
    state = next(t.code for t in types.values() if not t.ib_fundable)
    assert {f for c, f in sources if c == state} == {FundingSource.STATE}
    assert {f for _c, f in sources} == {
        FundingSource.STATE,
        FundingSource.INDIVIDUAL_BUDGET,
        FundingSource.MUNICIPAL,
    }


def _state() -> dict[str, int]:
    models = (Client, SupportCircleMember, Provider, PlanLine, GuaranteeLetter, Session,
              Invoice, InvoiceLine, ImportedKey, AuditEvent)  # fmt: skip
    return {m.__name__: m.objects.count() for m in models}


def test_the_pilot_report_reproduces_balvis_published_tables(head, make_user, balvi):
    """One test on purpose: importing two pilots' history takes a while."""
    accountant = make_user(Role.ACCOUNTANT, balvi)

    loaded = pilot.load(actor=head, approver=accountant)
    assert loaded.created and loaded.clients == 20

    for table, group, end, months, total, per_month in GROUPS:
        report = pilot_report(
            user=head,
            municipalities=[balvi],
            target_group=group,
            date_from=pilot.PILOT_START,
            date_to=end,
        )
        assert {(s.name, s.persons, s.amount) for s in report.services} == published(table)
        assert report.total == Decimal(total)
        assert report.average_per_person_month == Decimal(per_month)
        assert report.average_months == Decimal(months)
        assert report.clients == 10
        assert report.client_months == 10 * months
        # every participant consented to the evaluation, so the research extract holds them all
        coverage = extract_coverage(
            user=head,
            municipalities=[balvi],
            target_group=group,
            date_from=pilot.PILOT_START,
            date_to=end,
            day=dt.date(2021, 6, 1),
        )
        assert (coverage.clients, coverage.consenting) == (10, 10)
        # every funding source is counted; the state-paid assistant is the state's
        state = next(s for s in report.services if s.name == pilot.STATE_ASSISTANT)
        assert {s.funding_source for s in report.by_source} >= {
            FundingSource.STATE,
            FundingSource.INDIVIDUAL_BUDGET,
        }
        assert next(s for s in report.by_source if s.funding_source == "state").amount == (
            state.amount
        )

    # the sessions at their unit prices are the invoice lines; every invoice approved and paid
    # on its own (historical) days, by another person than the one who confirmed it
    invoices = Invoice.objects.filter(municipality=balvi, month__lt=dt.date(2021, 2, 1))
    assert invoices.count() == len(pilot.pilot_sheets()["invoices"]) - 1
    for invoice in invoices:
        assert invoice.status == InvoiceStatus.PAID
        assert invoice.difference_count == 0
        assert invoice.confirmed_by_id == head.pk and invoice.approved_by_id == accountant.pk
        approved = invoice.approved_at.date()
        assert invoice.month < approved <= invoice.paid_on < dt.date(2021, 4, 1)
    lines = InvoiceLine.objects.filter(invoice__in=invoices).annotate(
        session_amount=Sum("links__session__amount"), session_units=Sum("links__session__units")
    )
    assert lines.count() == len(pilot.pilot_sheets()["invoice_lines"]) - 1
    for line in lines:
        # (SQLite adds decimals as floats)
        assert round_money(line.session_amount) == line.amount == line.recorded_amount
        assert round_money(line.session_units) == line.quantity
    sessions = Session.objects.filter(invoiced__line__invoice__in=invoices)
    assert (
        sessions.count() == Session.objects.filter(client__personal_code__startswith="32").count()
    )
    assert not sessions.exclude(unit_price=F("invoiced__line__unit_price")).exists()
    # letters numbered in the year they were issued, from the plans agreed in October 2019
    letters = GuaranteeLetter.objects.filter(version__plan__client__personal_code__startswith="32")
    assert letters.exists()
    assert {letter.number.split("-")[2] for letter in letters} == {"2019"}
    assert set(
        PlanLine.objects.filter(version__plan__client__municipality=balvi)
        .values_list("version__status", flat=True)
        .distinct()
    ) == {PlanStatus.ACTIVE}

    # loading again does nothing; importing the same bundle again changes nothing but the
    # record of the import itself
    before = _state()
    again = pilot.load(actor=head, approver=accountant)
    assert not again.created and again.sessions == loaded.sessions
    assert _state() == before
    report = bundle_import(
        actor=head, municipality=balvi, files=pilot.pilot_bundle(), approver=accountant
    )
    assert report.counts["sessions"] == {"created": 0, "updated": 0, "unchanged": loaded.sessions}
    assert report.counts["budgets"]["unchanged"] == 30
    after = _state()
    assert after.pop("AuditEvent") == before.pop("AuditEvent") + 1
    assert AuditEvent.objects.order_by("-id")[0].event_type == "bundle.imported"
    assert after == before
