"""The report roll-ups billing keeps next to the ledger (billing.ledger): kept up to date
one approved line at a time, they equal a rebuild from the ledger, and the report read from
them equals a plain computation over the ledger rows, for any ledger — several
municipalities, both target groups, periods across a new year, a client who moves."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts.billing import ledger
from atbalsts.billing.models import ClientMonths, MonthlySpend, ServiceMonths, SpendSummary
from atbalsts.people.models import TargetGroup
from atbalsts.people.tests.factories import make_client
from atbalsts.plans.models import FundingSource
from atbalsts.reporting.selectors import period_masks, pilot_report

from .conftest import JAN
from .factories import drawn_clients, make_spend, rollup_contents, service

pytestmark = pytest.mark.django_db

SERVICES = ["Fizioterapeita konsultācijas", "Psihologa konsultācija", "Logopēda nodarbība"]
SOURCES = [FundingSource.INDIVIDUAL_BUDGET, FundingSource.MUNICIPAL]
MONTHS = [dt.date(2020, m, 1) for m in (10, 11, 12)] + [dt.date(2021, m, 1) for m in (1, 2)]


def plain(rows: list[MonthlySpend], date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """The report's figures straight from the ledger rows, as the user guide defines them."""
    rows = [r for r in rows if r.amount and date_from.replace(day=1) <= r.month <= date_to]
    persons: dict[int, set[int]] = defaultdict(set)
    money: dict[int, Decimal] = defaultdict(Decimal)
    months: dict[int, set[dt.date]] = defaultdict(set)
    for r in rows:
        persons[r.service_type_id].add(r.client_id if not r.recipient_id else -r.recipient_id)
        money[r.service_type_id] += r.amount
        months[r.client_id].add(r.month)
    return {
        "total": sum((r.amount for r in rows), Decimal("0.00")),
        "clients": len(months),
        "client_months": sum(len(m) for m in months.values()),
        "services": {pk: (len(persons[pk]), money[pk]) for pk in money},
    }


def figures(report: Any) -> dict[str, Any]:
    return {
        "total": report.total,
        "clients": report.clients,
        "client_months": report.client_months,
        "services": {s.service_type_id: (s.persons, s.amount) for s in report.services},
    }


row = st.tuples(
    st.integers(0, 3),  # client: two children and an adult in Balvi, a child who moves
    st.booleans(),  # the client's parent instead of the client
    st.integers(0, 2),  # service
    st.integers(0, 1),  # funding source
    st.integers(0, 4),  # month
    st.integers(0, 90_000),  # cents (0: an approved line with no money)
    st.booleans(),  # for the moving child: billed by Tukums instead of Balvi
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(row, max_size=30),
    first=st.integers(0, 4),
    length=st.integers(0, 4),
)
def test_rollups_equal_a_rebuild_and_the_report_equals_the_ledger(
    head: Any,
    analyst: Any,
    balvi: Any,
    tukums: Any,
    parent_of: Any,
    rows: list[Any],
    first: int,
    length: int,
) -> None:
    types = [service(name) for name in SERVICES]
    with transaction.atomic():
        clients = drawn_clients(head, balvi)
        parents = [parent_of(c) for c in clients]
        for c, to_parent, s, f, m, cents, in_tukums in rows:
            client = clients[c]
            make_spend(
                client=client,
                service_type=types[s],
                month=MONTHS[m],
                amount=Decimal(cents) / 100,
                recipient=parents[c] if to_parent else None,
                funding_source=SOURCES[f],
                municipality_id=tukums.pk if c == 3 and in_tukums else balvi.pk,
            )
        kept = rollup_contents()
        ledger.rebuild()
        assert rollup_contents() == kept

        date_from = MONTHS[first] + dt.timedelta(days=9)  # a period starting mid-month
        last = MONTHS[min(first + length, len(MONTHS) - 1)]
        date_to = last + dt.timedelta(days=20)
        spend = list(MonthlySpend.objects.all())
        cases = [
            (analyst, None, None, spend),
            (analyst, [balvi], None, [r for r in spend if r.municipality_id == balvi.pk]),
            (analyst, [tukums], None, [r for r in spend if r.municipality_id == tukums.pk]),
            (
                head,
                None,
                TargetGroup.CHILD_FT,
                [
                    r
                    for r in spend
                    if r.municipality_id == balvi.pk and r.target_group == TargetGroup.CHILD_FT
                ],
            ),
        ]
        for user, municipalities, group, expected_rows in cases:
            report = pilot_report(
                user=user,
                municipalities=municipalities,
                target_group=group,
                date_from=date_from,
                date_to=date_to,
            )
            assert figures(report) == plain(expected_rows, date_from, date_to)
        transaction.set_rollback(True)


def test_a_client_who_moves_within_a_month(
    head: Any, analyst: Any, balvi: Any, tukums: Any
) -> None:
    """Billed by Balvi and by Tukums in January: a client of each municipality there, and one
    client with one month in the national report; the service's person is counted once."""
    child = make_client(actor=head, municipality=balvi, child=True, start_date=JAN)
    fizio = service(SERVICES[0])
    make_spend(client=child, service_type=fizio, month=JAN, amount="40.00")
    make_spend(
        client=child,
        service_type=fizio,
        month=JAN.replace(day=20),
        amount="25.50",
        municipality_id=tukums.pk,
    )
    assert MonthlySpend.objects.filter(client=child).count() == 2
    period = {"target_group": None, "date_from": JAN, "date_to": dt.date(2020, 1, 31)}
    national = pilot_report(user=analyst, municipalities=None, **period)
    assert (national.total, national.clients, national.client_months) == (
        Decimal("65.50"),
        1,
        1,
    )
    assert [(s.persons, s.amount) for s in national.services] == [(1, Decimal("65.50"))]
    for municipality, amount in ((balvi, "40.00"), (tukums, "25.50")):
        alone = pilot_report(user=analyst, municipalities=[municipality], **period)
        assert (alone.total, alone.clients, alone.client_months) == (Decimal(amount), 1, 1)


def test_an_approved_line_without_money_counts_nobody(head: Any, balvi: Any) -> None:
    child = make_client(actor=head, municipality=balvi, child=True, start_date=JAN)
    make_spend(client=child, service_type=service(SERVICES[1]), month=JAN, amount="0.00")
    assert MonthlySpend.objects.filter(client=child).exists()
    assert SpendSummary.objects.get().amount == Decimal("0.00")
    assert not ClientMonths.objects.exists() and not ServiceMonths.objects.exists()
    report = pilot_report(
        user=head,
        municipalities=None,
        target_group=None,
        date_from=JAN,
        date_to=dt.date(2020, 12, 31),
    )
    assert report.is_empty and report.clients == 0


def test_period_masks_cover_each_calendar_month_the_period_touches() -> None:
    assert period_masks(dt.date(2019, 11, 15), dt.date(2021, 1, 3)) == {
        2019: 0b110000000000,
        2020: 0b111111111111,
        2021: 0b000000000001,
    }
    assert period_masks(dt.date(2020, 3, 1), dt.date(2020, 2, 1)) == {}
