"""The pilot report agrees with the figures computed by hand in Python for any ledger."""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts.core.money import round_money
from atbalsts.people.models import TargetGroup
from atbalsts.plans.models import FundingSource
from atbalsts.reporting.selectors import pilot_report

from .factories import make_spend, service

pytestmark = pytest.mark.django_db

SERVICES = ["Fizioterapeita konsultācijas", "Psihologa konsultācija", "Logopēda nodarbība"]
SOURCES = [FundingSource.INDIVIDUAL_BUDGET, FundingSource.MUNICIPAL, FundingSource.STATE]
MONTHS = [dt.date(2020, m, 1) for m in (1, 2, 3, 4)]

row = st.tuples(
    st.integers(0, 2),  # client
    st.booleans(),  # the client's mother instead of the client
    st.integers(0, 2),  # service
    st.integers(0, 2),  # funding source
    st.integers(0, 3),  # month
    st.integers(1, 500_000),  # cents
)


@pytest.fixture
def people(new_child: Any, parent_of: Any) -> list[tuple[Any, Any]]:
    result = []
    for _ in range(3):
        child = new_child()
        result.append((child, parent_of(child)))
    return result


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=st.lists(row, max_size=25, unique_by=lambda r: r[:5]))
def test_report_equals_a_plain_computation(head: Any, people: Any, rows: list[Any]) -> None:
    types = [service(name) for name in SERVICES]
    with transaction.atomic():
        total = Decimal("0.00")
        months: dict[int, set[int]] = defaultdict(set)
        persons: dict[int, set[tuple[int, bool]]] = defaultdict(set)
        money: dict[int, Decimal] = defaultdict(Decimal)
        by_source: dict[str, Decimal] = defaultdict(Decimal)
        for c, to_mother, s, f, m, cents in rows:
            child, mother = people[c]
            amount = Decimal(cents) / 100
            make_spend(
                client=child,
                service_type=types[s],
                month=MONTHS[m],
                amount=amount,
                recipient=mother if to_mother else None,
                funding_source=SOURCES[f],
            )
            total += amount
            months[c].add(m)
            persons[s].add((c, to_mother))
            money[s] += amount
            by_source[SOURCES[f]] += amount
        report = pilot_report(
            user=head,
            municipalities=None,
            target_group=TargetGroup.CHILD_FT,
            date_from=MONTHS[0],
            date_to=dt.date(2020, 4, 30),
        )
        client_months = sum(len(v) for v in months.values())
        assert report.total == total
        assert report.clients == len(months)
        assert report.client_months == client_months
        assert {s.funding_source: s.amount for s in report.by_source} == by_source
        assert {s.name: (s.persons, s.amount) for s in report.services} == {
            SERVICES[s]: (len(persons[s]), money[s]) for s in persons
        }
        assert [(s.persons, s.amount) for s in report.services] == sorted(
            ((s.persons, s.amount) for s in report.services), key=lambda p: (-p[0], -p[1])
        )
        if client_months:
            assert report.average_per_person_month == round_money(total / client_months)
            assert report.average_months == (Decimal(client_months) / len(months)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        assert sum(m.amount for m in report.monthly) == total
        transaction.set_rollback(True)
