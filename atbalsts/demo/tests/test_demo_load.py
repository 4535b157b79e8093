"""The demo loader runs once: a second run changes nothing; it builds a living municipality;
and the pilot report over the Balvi pilots it imports gives Balvi's published tables."""

import datetime as dt
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from atbalsts.accounts.models import User
from atbalsts.billing.models import Invoice, InvoiceLine, InvoiceStatus
from atbalsts.billing.selectors import budget_ledger
from atbalsts.bundle.models import ImportedKey
from atbalsts.bundle.services import bundle_import
from atbalsts.catalog.identifiers import normalise_iban
from atbalsts.catalog.models import Provider, ProviderMembership, RegisterKind
from atbalsts.core.models import AuditEvent
from atbalsts.core.money import round_money
from atbalsts.core.roles import Role
from atbalsts.delivery.models import Session
from atbalsts.demo import balvi as pilot
from atbalsts.demo.world import company_number
from atbalsts.people.models import Client, Representative, SupportCircleMember
from atbalsts.plans.models import (
    FundingSource,
    GuaranteeLetter,
    PlanLine,
    PlanStatus,
    PlanVersion,
    SupportPlan,
)
from atbalsts.reporting.selectors import extract_coverage, pilot_report

from .test_balvi_pilot import GROUPS, published


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            User,
            Client,
            Representative,
            Provider,
            SupportPlan,
            GuaranteeLetter,
            Session,
            Invoice,
            AuditEvent,
        )
    )


@dataclass(frozen=True)
class LoadedDemo:
    output: str  # what the first demo_load printed
    progress: str  # and wrote on stderr
    pilot: pilot.Loaded  # what its import of Balvi's pilots returned


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[LoadedDemo]:
    """`demo_load` run once for this module's tests, in a transaction rolled back after the
    last of them (each test runs in a savepoint inside it): importing Balvi's pilots takes
    minutes, and both the loader's test and the pilot report's test need that import."""
    imports: list[pilot.Loaded] = []
    load = pilot.load

    def recorded_load(**kwargs: Any) -> pilot.Loaded:
        imports.append(load(**kwargs))
        return imports[-1]

    first, progress = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        patch.setattr(pilot, "load", recorded_load)
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("demo_load", stdout=first, stderr=progress)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    assert len(imports) == 1
    yield LoadedDemo(first.getvalue(), progress.getvalue(), imports[0])
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_load_is_idempotent_and_builds_a_living_municipality(loaded_demo):
    """One test on purpose: loading the demo takes minutes, so it is loaded once (twice)."""
    assert "Balvu individuālā budžeta pilotprojekts 2019–2021 importēts: 20 klienti" in (
        loaded_demo.output
    )
    # the minute-long pilot import shows how far it is, ending at all of its rows
    steps = loaded_demo.progress.split("\r")[1:]
    assert len(steps) > 2
    done, total = steps[-1].split(": ")[1].split(" ")[0].split("/")
    assert done == total and int(total) > 1000
    counts = _counts()
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    assert _counts() == counts
    assert "Balvu pilotprojekts 2019–2021 jau ielādēts (20 klienti" in out.getvalue()

    # Balvi's 2019–2021 pilots (atbalsts/demo/tests/test_balvi_pilot.py checks their report)
    # live beside the living demo; what follows is about the living demo
    pilot_clients, pilot_providers = pilot.pilot_keys()
    assert Client.objects.filter(personal_code__in=pilot_clients).count() == 20
    living = Client.objects.exclude(personal_code__in=pilot_clients)

    # people, as before
    assert living.count() >= 30 and Representative.objects.exists()
    assert set(living.values_list("municipality__code", flat=True)) == {"balvi", "tukums"}

    # the provider staff login, linked to a Balvi provider, listed by the command
    staff = User.objects.get(username="sniedzejs")
    assert staff.role == Role.PROVIDER and staff.check_password("atbalsts-demo")
    membership = ProviderMembership.objects.get(user=staff)
    assert membership.provider.municipality.code == "balvi"
    assert "sniedzejs" in out.getvalue()

    # providers: valid numbers and accounts, verified registrations in the right register
    for code in ("balvi", "tukums"):
        providers = Provider.objects.filter(municipality__code=code).exclude(
            registration_number__in=pilot_providers
        )
        assert 4 <= providers.count() <= 6
        for provider in providers:
            number = provider.registration_number
            assert len(number) == 11 and number[0] in "45"
            assert normalise_iban(provider.iban) == provider.iban
            assert provider.tariffs.filter(valid_from="2025-01-01").exists()
            assert provider.locations.exists()
            for registration in provider.registrations.all():
                assert registration.verified_on and registration.verified_by_id
        registers = set(
            providers.values_list("registrations__register", flat=True).exclude(
                registrations__isnull=True
            )
        )
        assert registers == {
            RegisterKind.SOCIAL_SERVICE_PROVIDERS,
            RegisterKind.MEDICAL_PRACTITIONERS,
        }

    # the cycle: an active plan with letters, sessions and a paid invoice; money spent
    active = (
        PlanVersion.objects.filter(status=PlanStatus.ACTIVE)
        .exclude(plan__client__personal_code__in=pilot_clients)
        .select_related("plan__client")
    )
    balvi_clients = living.filter(municipality__code="balvi").count()
    assert 0.4 * balvi_clients <= active.count() <= 0.6 * balvi_clients
    paid_lines = Invoice.objects.filter(status=InvoiceStatus.PAID).values_list(
        "lines__client_id", flat=True
    )
    version = active.filter(plan__client_id__in=paid_lines).first()
    assert version is not None
    client = version.plan.client
    assert version.letters.exists() and client.sessions.exists()
    assert 2 <= version.lines.count() <= 4
    worker = User.objects.get(username="socdarbiniece")
    ledger = budget_ledger(user=worker, client=client, today=timezone.localdate())
    spent = sum(row.spent for entry in ledger.periods for row in entry.rows)
    assert spent > 0
    for entry in ledger.periods:
        row = entry.budget_row
        if row is not None and row.budget is not None:
            assert row.spent <= row.budget

    # invoices: different people at each step; the latest month waits for the accountant
    paid = Invoice.objects.filter(status=InvoiceStatus.PAID).exclude(
        provider__registration_number__in=pilot_providers
    )
    assert paid.exists()
    for invoice in paid:
        people = {invoice.submitted_by_id, invoice.confirmed_by_id, invoice.approved_by_id}
        assert len(people) == 3
    latest = Invoice.objects.order_by("-month").first()
    assert latest is not None and latest.status == InvoiceStatus.SUBMITTED
    assert (
        not Invoice.objects.filter(month__lt=latest.month)
        .exclude(status=InvoiceStatus.PAID)
        .exists()
    )

    # sessions stay inside their letters and end before this month
    first_of_month = timezone.localdate().replace(day=1)
    for session in Session.objects.select_related("letter")[:200]:
        assert session.letter.period_start <= session.date <= session.letter.period_end
        assert session.date < first_of_month


@pytest.mark.django_db
def test_demo_load_refuses_where_demo_data_is_not_allowed(settings):
    """Production sets DEMO_DATA_ALLOWED = False: the demo users' password is in the README."""
    settings.DEMO_DATA_ALLOWED = False
    counts = _counts()
    with pytest.raises(CommandError, match=r"DEMO_DATA_ALLOWED=False"):
        call_command("demo_load", stdout=io.StringIO(), stderr=io.StringIO())
    assert _counts() == counts


def test_company_numbers_pass_the_latvian_check():
    weights = (9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1)
    rng = random.Random(1)
    for prefix in ("40003", "40008", "40103", "50103"):
        number = company_number(rng, prefix)
        assert number.startswith(prefix) and len(number) == 11
        assert sum(w * int(d) for w, d in zip(weights, number, strict=True)) % 11 == 3
    # a real company number: only its check digit fits the first ten
    assert company_number(random.Random(0), "4000352160") == "40003521600"


def _state() -> dict[str, int]:
    models = (Client, SupportCircleMember, Provider, PlanLine, GuaranteeLetter, Session,
              Invoice, InvoiceLine, ImportedKey, AuditEvent)  # fmt: skip
    return {m.__name__: m.objects.count() for m in models}


@pytest.mark.slow
@pytest.mark.django_db
def test_the_pilot_report_reproduces_balvis_published_tables(loaded_demo, balvi):
    """One test on purpose: importing two pilots' history takes minutes. demo_load imported
    them (atbalsts/demo/tests/test_balvi_pilot.py checks the bundle) as the head, with the
    accountant approving payment, beside the living demo whose dates follow today."""
    head = User.objects.get(username="vaditaja")
    accountant = User.objects.get(username="gramatvede")

    loaded = loaded_demo.pilot
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
        # imported history: approved by the accountant as the records name her, recorded by
        # the head who imported it; nobody approved it in the accountant's name
        assert invoice.confirmed_by_id == head.pk and invoice.approved_by_id is None
        assert invoice.approved_by_name == "Rita Skaitle"
        assert invoice.historic_approver_id == accountant.pk
        assert invoice.approval_imported_by_id == invoice.paid_recorded_by_id == head.pk
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
    again = pilot.load(actor=head)
    assert not again.created and again.sessions == loaded.sessions
    assert _state() == before
    report = bundle_import(actor=head, municipality=balvi, files=pilot.pilot_bundle())
    assert report.counts["sessions"] == {"created": 0, "updated": 0, "unchanged": loaded.sessions}
    assert report.counts["budgets"]["unchanged"] == 30
    after = _state()
    assert after.pop("AuditEvent") == before.pop("AuditEvent") + 1
    assert AuditEvent.objects.order_by("-id")[0].event_type == "bundle.imported"
    assert after == before
