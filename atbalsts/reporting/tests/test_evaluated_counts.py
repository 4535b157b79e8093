"""For one target group the evaluated report takes its clients and months received from the
budget needed's grouped rows (`budget_needed_with_counts`, one query fewer): they equal the
report's own count on any ledger — several municipalities, a client who moves, a client billed
under both target groups (a child who came of age), circle members, zero lines, periods
across a new year; with both groups the report counts its own."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts.people.models import TargetGroup
from atbalsts.reporting.policies import SYSTEM_READER
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
def test_one_group_counts_its_clients_from_the_budget_needed(
    head: Any,
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
        # SYSTEM_READER: every municipality with exact figures (the analyst's small counts
        # would be hidden, test_small_counts)
        for user, municipalities, group in [
            (SYSTEM_READER, None, None),
            (SYSTEM_READER, None, TargetGroup.ADULT_GRT),
            (SYSTEM_READER, None, TargetGroup.CHILD_FT),
            (SYSTEM_READER, [balvi], TargetGroup.CHILD_FT),
            (SYSTEM_READER, [tukums], TargetGroup.CHILD_FT),
            (head, None, TargetGroup.ADULT_GRT),
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


def test_one_group_takes_six_queries(
    head: Any, new_child: Any, django_assert_num_queries: Any
) -> None:
    make_spend(
        client=new_child(), service_type=service(SERVICES[0]), month=MONTHS[0], amount="9.99"
    )
    period = {"municipalities": None, "date_from": MONTHS[0], "date_to": MONTHS[-1]}
    with django_assert_num_queries(6):
        one = pilot_report_evaluated(user=head, target_group=TargetGroup.CHILD_FT, **period)
    with django_assert_num_queries(7):
        both = pilot_report_evaluated(user=head, target_group=None, **period)
    assert (one.clients, one.client_months) == (both.clients, both.client_months) == (1, 1)
