"""The evaluated report reads ClientMonths once for the report's clients and months and the
budget needed per band (`needed_and_clients`, PostgreSQL 14+): it gives the same figures as the
report and the budget needed computed apart, on any ledger — several municipalities, a client
who moves, a client billed under both target groups (a child who came of age), circle
members, zero lines, periods across a new year. Elsewhere the evaluated report runs the two
apart, and this holds trivially."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts.people.models import TargetGroup
from atbalsts.reporting.selectors import (
    budget_needed_by_band,
    pilot_report,
    pilot_report_evaluated,
)

from .factories import drawn_clients, make_spend, service
from .test_rollups import MONTHS, SERVICES, SOURCES

pytestmark = pytest.mark.django_db

row = st.tuples(
    st.integers(0, 3),  # client: two children and an adult in Balvi, a child who moves
    st.booleans(),  # the client's parent instead of the client
    st.integers(0, 2),  # service
    st.integers(0, 1),  # funding source
    st.integers(0, 4),  # month
    st.integers(0, 90_000),  # cents (0: an approved line with no money)
    st.booleans(),  # for the moving child: billed by Tukums instead of Balvi
    st.booleans(),  # billed under the other target group (the client came of age)
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(row, max_size=30), first=st.integers(0, 4), length=st.integers(0, 4))
def test_one_pass_equals_the_report_and_the_budget_needed_apart(
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
    other = {
        TargetGroup.CHILD_FT: TargetGroup.ADULT_GRT,
        TargetGroup.ADULT_GRT: TargetGroup.CHILD_FT,
    }
    with transaction.atomic():
        clients = drawn_clients(head, balvi)
        parents = [parent_of(c) for c in clients]
        for c, to_parent, s, f, m, cents, in_tukums, flipped in rows:
            make_spend(
                client=clients[c],
                service_type=types[s],
                month=MONTHS[m],
                amount=Decimal(cents * 7 + 1) / 100 if cents else Decimal("0.00"),
                recipient=parents[c] if to_parent else None,
                funding_source=SOURCES[f],
                municipality_id=tukums.pk if c == 3 and in_tukums else balvi.pk,
                target_group=other[clients[c].target_group] if flipped else clients[c].target_group,
            )
        date_from = MONTHS[first] + dt.timedelta(days=9)
        date_to = MONTHS[min(first + length, len(MONTHS) - 1)] + dt.timedelta(days=20)
        for user, municipalities, group in [
            (analyst, None, None),
            (analyst, None, TargetGroup.ADULT_GRT),
            (analyst, [balvi], None),
            (analyst, [tukums], TargetGroup.CHILD_FT),
            (head, None, None),
        ]:
            period = {
                "user": user,
                "municipalities": municipalities,
                "target_group": group,
                "date_from": date_from,
                "date_to": date_to,
            }
            evaluated = pilot_report_evaluated(**period)
            apart = pilot_report(**period)
            assert (evaluated.clients, evaluated.client_months) == (
                apart.clients,
                apart.client_months,
            ), period
            assert evaluated.services == apart.services
            assert evaluated.total == apart.total
            assert evaluated.budget_needed == budget_needed_by_band(**period), period
        transaction.set_rollback(True)
