"""The evaluated report read from the roll-ups and narrow aggregates equals a plain computation:
the budget needed per band against each client's ledger rows added up in Python (any ledger:
several municipalities, both target groups, a client who moves, zero lines, periods across a
new year), and the outcomes against the goals read one by one, the latest outcome of each
goal kept (any period)."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts.billing.models import MonthlySpend
from atbalsts.core.money import round_money
from atbalsts.people.models import TargetGroup
from atbalsts.people.tests.factories import make_client
from atbalsts.plans.models import Goal, PlanReview
from atbalsts.reporting.selectors import (
    BandNeed,
    budget_needed_by_band,
    outcomes_report,
    pilot_report,
    pilot_report_evaluated,
)

from .conftest import JAN
from .factories import drawn_clients, make_spend, service
from .test_evaluation import outcomes_data  # noqa: F401 - the fixture, used by name below
from .test_rollups import MONTHS, SERVICES, SOURCES, row

pytestmark = pytest.mark.django_db


def plain_needed(rows: list[MonthlySpend], date_from: dt.date, date_to: dt.date) -> list[BandNeed]:
    """Each client's money in the period ÷ the months with money, per target group (no
    budgets: every client is in the band "none"), averaged and the maximum, rounded once."""
    rows = [r for r in rows if r.amount and date_from.replace(day=1) <= r.month <= date_to]
    money: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    months: dict[tuple[str, int], set[dt.date]] = defaultdict(set)
    for r in rows:
        money[(r.target_group, r.client_id)] += r.amount
        months[(r.target_group, r.client_id)].add(r.month)
    per_group: dict[str, list[Decimal]] = defaultdict(list)
    for key, amount in money.items():
        per_group[key[0]].append(amount / len(months[key]))
    return [
        BandNeed(
            target_group=group,
            band_code="",
            band_monthly=None,
            clients=len(values),
            average=round_money(sum(values, Decimal(0)) / len(values)),
            maximum=round_money(max(values)),
        )
        for group, values in sorted(per_group.items())
    ]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(row, max_size=30),
    first=st.integers(0, 4),
    length=st.integers(0, 4),
)
def test_budget_needed_equals_the_ledger_added_up_client_by_client(
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
            make_spend(
                client=clients[c],
                service_type=types[s],
                month=MONTHS[m],
                # an odd number of cents a month makes the averages round
                amount=Decimal(cents * 7 + 1) / 100 if cents else Decimal("0.00"),
                recipient=parents[c] if to_parent else None,
                funding_source=SOURCES[f],
                municipality_id=tukums.pk if c == 3 and in_tukums else balvi.pk,
            )
        date_from = MONTHS[first] + dt.timedelta(days=9)  # a period starting mid-month
        date_to = MONTHS[min(first + length, len(MONTHS) - 1)] + dt.timedelta(days=20)
        spend = list(MonthlySpend.objects.all())
        cases = [
            (analyst, None, None, spend),
            (analyst, [balvi], None, [r for r in spend if r.municipality_id == balvi.pk]),
            (analyst, [tukums.pk], None, [r for r in spend if r.municipality_id == tukums.pk]),
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
            period = {
                "user": user,
                "municipalities": municipalities,
                "target_group": group,
                "date_from": date_from,
                "date_to": date_to,
            }
            assert budget_needed_by_band(**period) == plain_needed(
                expected_rows, date_from, date_to
            )
        transaction.set_rollback(True)


def plain_outcomes(user: Any, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """The outcomes read goal by goal: the latest outcome (date, version, id) per plan and key;
    the people reviewed, each once."""
    latest: dict[tuple[int, Any], tuple[dt.date, int, int, str, str]] = {}
    for goal in Goal.objects.exclude(outcome="").select_related("version"):
        assert goal.outcome_reviewed_on is not None
        if not date_from <= goal.outcome_reviewed_on <= date_to:
            continue
        mark = (goal.outcome_reviewed_on, goal.version.number, goal.pk, goal.domain, goal.outcome)
        key = (goal.version.plan_id, goal.key)
        latest[key] = max(latest.get(key, mark), mark)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for *_order, domain, outcome in latest.values():
        counts[domain][outcome] += 1
    reviews = [
        r
        for r in PlanReview.objects.select_related("plan")
        if date_from <= r.reviewed_on <= date_to
    ]
    return {
        "domains": {d: dict(c) for d, c in counts.items()},
        "clients": len({r.plan.client_id for r in reviews}),
        "work": len({r.plan.client_id for r in reviews if r.started_paid_work}),
        "own": len({r.plan.client_id for r in reviews if r.moved_to_live_on_own}),
        "circle": len({r.plan.client_id for r in reviews if r.widened_support_circle}),
    }


@pytest.mark.usefixtures("outcomes_data")
def test_outcomes_equal_the_goals_read_one_by_one(analyst: Any) -> None:
    days = [dt.date(2026, 1, 1), dt.date(2026, 1, 20), dt.date(2026, 3, 1), dt.date(2026, 5, 5)]
    days += [dt.date(2026, 8, 31), dt.date(2026, 9, 1), dt.date(2026, 12, 31)]
    for i, date_from in enumerate(days):
        for date_to in days[i:]:
            report = outcomes_report(
                user=analyst,
                municipalities=None,
                target_group=None,
                date_from=date_from,
                date_to=date_to,
            )
            got = {
                "domains": {
                    d.domain: {
                        k: v
                        for k, v in (
                            ("achieved", d.achieved),
                            ("partly", d.partly),
                            ("not_achieved", d.not_achieved),
                        )
                        if v
                    }
                    for d in report.domains
                    if d.total
                },
                "clients": report.reviewed_clients,
                "work": report.started_paid_work,
                "own": report.moved_to_live_on_own,
                "circle": report.widened_support_circle,
            }
            assert got == plain_outcomes(analyst, date_from, date_to), (date_from, date_to)


def test_the_evaluated_report_is_the_report_with_its_evaluation(
    analyst: Any, head: Any, balvi: Any
) -> None:
    child = make_client(actor=head, municipality=balvi, child=True, start_date=JAN)
    make_spend(client=child, service_type=service(SERVICES[0]), month=JAN, amount="40.01")
    make_spend(client=child, service_type=service(SERVICES[1]), month=MONTHS[0], amount="3.00")
    # The head: the analyst gets this one client's counts hidden (test_small_counts).
    period = {
        "user": head,
        "municipalities": None,
        "target_group": None,
        "date_from": MONTHS[0],
        "date_to": dt.date(2021, 12, 31),
    }
    evaluated = pilot_report_evaluated(**period)
    assert evaluated.budget_needed == budget_needed_by_band(**period)
    assert evaluated.outcomes == outcomes_report(**period)
    plain = pilot_report(**period)
    assert (evaluated.total, evaluated.clients, evaluated.services) == (
        plain.total,
        plain.clients,
        plain.services,
    )
