"""The synthetic country is internally consistent at a tiny scale (no timing here: the
benchmark is bench/national_report.py)."""

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Sum

from atbalsts.billing import ledger
from atbalsts.billing.models import (
    SPENT_STATUSES,
    ClientMonths,
    Invoice,
    InvoicedSession,
    InvoiceLine,
    MonthlySpend,
    ServiceMonths,
    SpendSummary,
)
from atbalsts.core.money import round_money
from atbalsts.delivery.models import Session, SessionStatus
from atbalsts.demo import country
from atbalsts.people.models import Client
from atbalsts.people.personal_code import parse_personal_code
from atbalsts.plans.models import GuaranteeLetter, PlanLine, PlanStatus, PlanVersion
from atbalsts.reporting.policies import SYSTEM_READER
from atbalsts.reporting.selectors import pilot_report
from atbalsts.reporting.tests.factories import rollup_contents

START = dt.date(2023, 1, 1)
END = dt.date(2025, 12, 31)


@pytest.fixture
def small_country(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("country_generate", clients=50, sessions=5000, seed=7, stdout=out, stderr=err)
    assert "Izveidoti 50 klienti" in out.getvalue()
    assert "100.0%" in err.getvalue()  # the progress bar reached the end
    return out.getvalue()


def test_sizes_and_valid_people(small_country):
    assert Client.objects.count() == 50
    assert Session.objects.count() == 5000
    for code in Client.objects.values_list("personal_code", flat=True):
        assert parse_personal_code(code).value == code
    assert not PlanVersion.objects.exclude(status=PlanStatus.ACTIVE).exists()
    clients_with_letter = set(
        GuaranteeLetter.objects.values_list("version__plan__client", flat=True)
    )
    assert clients_with_letter == set(Client.objects.values_list("pk", flat=True))


def test_sessions_inside_their_letter_and_priced_to_the_cent(small_country):
    letters = {
        letter.pk: letter for letter in GuaranteeLetter.objects.select_related("version__plan")
    }
    lines = {line.key: line for line in PlanLine.objects.all()}
    for s in Session.objects.all():
        letter = letters[s.letter_id]
        assert letter.period_start <= s.date <= letter.period_end
        assert letter.version.plan.client_id == s.client_id
        assert letter.provider_id == s.provider_id
        line = lines[s.line_key]
        assert str(s.line_key) in {entry["key"] for entry in letter.lines}
        assert (line.service_type_id, line.unit_price) == (s.service_type_id, s.unit_price)
        # only a session that took place has a signer
        assert bool(s.signed_by) is (s.status == SessionStatus.HELD)
        if s.status == SessionStatus.HELD:
            assert s.amount == round_money(s.units * s.unit_price)
        elif s.status == SessionStatus.NO_SHOW_NO_NOTICE:
            assert s.amount == round_money(s.units * s.unit_price * s.no_show_share / 100)
        else:
            assert s.amount == Decimal("0.00") and not s.is_invoiceable


def test_monthly_quantity_stays_within_the_plan(small_country):
    used: dict[tuple, Decimal] = defaultdict(Decimal)
    for s in Session.objects.exclude(status=SessionStatus.CANCELLED):
        used[(s.line_key, s.date.replace(day=1))] += s.units
    quantity = dict(PlanLine.objects.values_list("key", "quantity"))
    assert all(units <= quantity[key] for (key, _month), units in used.items())


def test_invoices_add_up_to_their_sessions(small_country):
    for line in InvoiceLine.objects.all():
        sessions = Session.objects.filter(invoiced__line=line)
        sums = sessions.aggregate(units=Sum("units"), amount=Sum("amount"))
        assert (line.quantity, line.amount, line.sessions) == (
            round_money(sums["units"]),
            round_money(sums["amount"]),
            sessions.count(),
        )
    for invoice in Invoice.objects.all():
        total = invoice.lines.aggregate(t=Sum("amount"))["t"]
        assert invoice.total == round_money(total)
        assert invoice.lines.exclude(client__municipality=invoice.municipality_id).count() == 0
    assert InvoicedSession.objects.filter(session__is_invoiceable=False).count() == 0
    assert set(Session.objects.filter(invoice_locked=True).values_list("pk", flat=True)) == set(
        InvoicedSession.objects.values_list("session_id", flat=True)
    )
    assert Invoice.objects.exclude(status__in=SPENT_STATUSES).exists()  # the last month waits


def test_monthly_spend_equals_the_approved_invoice_lines(small_country):
    expected: dict[tuple, list] = defaultdict(lambda: [Decimal("0"), Decimal("0"), 0])
    for line in InvoiceLine.objects.filter(invoice__status__in=SPENT_STATUSES).select_related(
        "invoice", "client"
    ):
        key = (
            line.client_id,
            line.recipient_id or 0,
            line.service_type_id,
            line.funding_source,
            line.invoice.month,
        )
        expected[key][0] += line.amount
        expected[key][1] += line.quantity
        expected[key][2] += line.sessions
    actual = {
        (r.client_id, r.recipient_id, r.service_type_id, r.funding_source, r.month): [
            r.amount,
            r.units,
            r.sessions,
        ]
        for r in MonthlySpend.objects.all()
    }
    assert actual == {k: [round_money(a), round_money(u), n] for k, (a, u, n) in expected.items()}
    for row in MonthlySpend.objects.select_related("client"):
        assert (row.municipality_id, row.target_group) == (
            row.client.municipality_id,
            row.client.target_group,
        )


def test_pilot_report_equals_a_plain_aggregate_over_the_invoiced_sessions(small_country):
    report = pilot_report(
        user=SYSTEM_READER, municipalities=None, target_group=None, date_from=START, date_to=END
    )
    invoiced = Session.objects.filter(invoiced__line__invoice__status__in=SPENT_STATUSES)
    total = round_money(invoiced.aggregate(t=Sum("amount"))["t"])
    months = {(s.client_id, s.date.replace(day=1)) for s in invoiced.only("client_id", "date")}
    persons: dict[int, set[int]] = defaultdict(set)
    for s in invoiced.only("service_type_id", "client_id", "recipient_id"):
        persons[s.service_type_id].add(-s.recipient_id if s.recipient_id else s.client_id)
    assert report.total == total
    assert report.clients == len({client for client, _month in months})
    assert report.client_months == len(months)
    assert {s.service_type_id: s.persons for s in report.services} == {
        k: len(v) for k, v in persons.items()
    }


def test_roll_ups_rebuilt_after_the_bulk_load_equal_those_kept_line_by_line(small_country):
    """The generator writes the ledger in bulk and rebuilds the roll-ups; approving the same
    money line by line through billing.ledger.add_spend gives the same roll-ups."""
    rebuilt = rollup_contents()
    assert rebuilt["spend"] and rebuilt["service"] and rebuilt["client"]
    spend = list(MonthlySpend.objects.order_by("id"))
    for model in (SpendSummary, ServiceMonths, ClientMonths, MonthlySpend):
        model.objects.all().delete()
    for row in spend:
        ledger.add_spend(
            municipality_id=row.municipality_id,
            target_group=row.target_group,
            client_id=row.client_id,
            recipient_id=row.recipient_id,
            service_type_id=row.service_type_id,
            funding_source=row.funding_source,
            month=row.month,
            amount=row.amount,
            units=row.units,
            sessions=row.sessions,
        )
    assert rollup_contents() == rebuilt


def test_same_seed_same_country(db):
    def fingerprint():
        return (
            list(Client.objects.order_by("pk").values_list("personal_code", "first_name")),
            list(Session.objects.order_by("pk").values_list("date", "amount", "status")),
            list(MonthlySpend.objects.order_by("pk").values_list("client_id", "month", "amount")),
        )

    class Undo(Exception):
        pass

    prints = []
    for _ in range(2):
        with pytest.raises(Undo), transaction.atomic():
            country.generate(clients=20, sessions=800, seed=11, start=START)
            prints.append(fingerprint())
            raise Undo
    assert prints[0] == prints[1]
    assert len(prints[0][1]) == 800


def test_refuses_a_database_with_clients(small_country):
    with pytest.raises(CommandError, match="jau ir klienti"):
        call_command("country_generate", clients=5, sessions=10, stdout=io.StringIO())


@pytest.mark.django_db
def test_refuses_a_bad_start():
    with pytest.raises(CommandError, match="GGGG-MM-DD"):
        call_command("country_generate", start="2023-13-01", stdout=io.StringIO())
