"""After any sequence of invoice approvals and (partial or full) credit notes, the pilot
report of any period equals a plain computation over the ledger rows, and the roll-ups equal
what `ledger.rebuild` computes from those rows."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts.assessment.dates import add_months
from atbalsts.billing import ledger, services
from atbalsts.billing.models import InvoiceStatus, MonthlySpend
from atbalsts.delivery.tests.factories import (
    LAST_MONTH,
    make_delivery_world,
    make_letters,
    make_session,
)
from atbalsts.plans.models import FundingSource
from atbalsts.reporting.selectors import pilot_report

from .factories import confirm, submit
from .test_credit_notes import rollups

pytestmark = pytest.mark.django_db

PREVIOUS = add_months(LAST_MONTH, -1)
MONTHS = [PREVIOUS, LAST_MONTH]


def _sessions(letter: Any, month: dt.date, days: list[int], line: int = 1) -> None:
    for day in days:
        make_session(letter, date=month + dt.timedelta(days=day - 1), line=line)


@pytest.fixture
def invoices(social_worker: Any, head: Any, balvi: Any) -> list[Any]:
    """Confirmed invoices of two clients: the first from two providers in two months (two
    services and two sources on one of them), the second from one provider in one month."""
    result = []
    first = make_delivery_world(worker=social_worker, head=head, municipality=balvi)
    letters = make_letters(
        first,
        lines=[
            {"quantity": Decimal("6")},
            {
                "service_type": first.session_service,
                "quantity": Decimal("4"),
                "session_minutes": 45,
                "funding_source": FundingSource.MUNICIPAL,
            },
            {"provider": first.other_provider, "quantity": Decimal("4")},
        ],
    )
    mine, other = letters[first.provider.pk], letters[first.other_provider.pk]
    for month in MONTHS:
        _sessions(mine, month, [3, 10], line=1)
        _sessions(mine, month, [4], line=2)
        _sessions(other, month, [5, 12])
        result.append(confirm(first, submit(first, month=month)))
        result.append(
            confirm(
                first,
                submit(first, month=month, actor=first.other_staff, provider=first.other_provider),
            )
        )
    second = make_delivery_world(worker=social_worker, head=head, municipality=balvi)
    letter = make_letters(second, lines=[{"quantity": Decimal("5")}])[second.provider.pk]
    _sessions(letter, LAST_MONTH, [6, 13, 20])
    result.append(confirm(second, submit(second)))
    return result


step = st.one_of(
    st.tuples(st.just("approve"), st.integers(0, 4)),
    st.tuples(
        st.just("credit"),
        st.integers(0, 4),  # invoice
        st.integers(0, 1),  # line
        st.one_of(st.none(), st.integers(1, 6000)),  # None: the whole rest; else cents
        st.booleans(),  # approved (else rejected)
    ),
)


def plain_report(date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """The pilot report's figures straight from the ledger rows, in Python."""
    rows = MonthlySpend.objects.filter(month__gte=date_from, month__lte=date_to)
    total = Decimal("0.00")
    by_source: dict[str, Decimal] = defaultdict(Decimal)
    money: dict[int, Decimal] = defaultdict(Decimal)
    persons: dict[int, set[int]] = defaultdict(set)
    client_months: set[tuple[int, dt.date]] = set()
    for row in rows:
        total += row.amount
        if row.amount:
            by_source[row.funding_source] += row.amount
            money[row.service_type_id] += row.amount
            persons[row.service_type_id].add(ledger.person_of(row.client_id, row.recipient_id))
            client_months.add((row.client_id, row.month))
    return {
        "total": total,
        "by_source": dict(by_source),
        "services": {pk: (len(persons[pk]), amount) for pk, amount in money.items()},
        "clients": len({client for client, _ in client_months}),
        "client_months": len(client_months),
    }


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(step, min_size=1, max_size=12),
    period=st.sampled_from([(0, 0), (0, 1), (1, 1)]),
)
def test_report_equals_the_ledger_after_approvals_and_corrections(
    invoices: list[Any], accountant: Any, head: Any, social_worker: Any, steps: Any, period: Any
) -> None:
    with transaction.atomic():
        credited = Decimal("0.00")
        for op in steps:
            invoice = invoices[op[1]]
            invoice.refresh_from_db()
            if op[0] == "approve":
                if invoice.status == InvoiceStatus.CONFIRMED:
                    services.invoice_approve(actor=accountant, invoice=invoice)
                continue
            if invoice.status != InvoiceStatus.APPROVED:
                continue
            _kind, _i, line_index, cents, approve = op
            lines = list(invoice.lines.order_by("position", "id"))
            line = lines[min(line_index, len(lines) - 1)]
            rest = services.lines_left(invoice)[line.pk].amount
            if rest <= 0:
                continue
            amount = rest if cents is None else min(rest, Decimal(cents) / 100)
            note = services.credit_note_propose(
                actor=social_worker,
                invoice=invoice,
                reason="Korekcija.",
                lines=[{"line": line.pk, "amount": amount}],
            )
            if approve:
                services.credit_note_approve(actor=accountant, note=note)
                credited += amount
            else:
                services.credit_note_reject(actor=head, note=note, reason="Nav pamata.")
        approved_total = sum(
            (
                i.total
                for i in invoices
                if type(i).objects.get(pk=i.pk).status == InvoiceStatus.APPROVED
            ),
            Decimal("0.00"),
        )
        ledger_total = sum(MonthlySpend.objects.values_list("amount", flat=True), Decimal("0.00"))
        assert ledger_total == approved_total - credited
        assert all(amount >= 0 for amount in MonthlySpend.objects.values_list("amount", flat=True))

        date_from, date_to = MONTHS[period[0]], MONTHS[period[1]]
        report = pilot_report(
            user=head,
            municipalities=None,
            target_group=None,
            date_from=date_from,
            date_to=date_to + dt.timedelta(days=27),
        )
        plain = plain_report(date_from, date_to)
        assert report.total == plain["total"]
        assert {s.funding_source: s.amount for s in report.by_source} == plain["by_source"]
        assert {s.service_type_id: (s.persons, s.amount) for s in report.services} == plain[
            "services"
        ]
        assert (report.clients, report.client_months) == (plain["clients"], plain["client_months"])

        kept = rollups()
        ledger.rebuild()
        assert rollups() == kept
        transaction.set_rollback(True)
