"""The budget needed per band, grouped in the database (one query), equals the same computed
client by client in Python from the ledger rows and the indicative budgets read one by one, as
the selector did before: each client's band is that of the current budget of their latest
budget period overlapping the report period (by start, then id); a budget whose calculation
wrote no band amount falls back to the computed amount; a budget no longer current is no band.
The reference adds the clients' monthly spends as exact fractions and rounds once, half up."""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts.assessment.models import IndicativeBudget
from atbalsts.billing.models import MonthlySpend
from atbalsts.core.money import round_money
from atbalsts.people.models import Client, Municipality, TargetGroup
from atbalsts.plans.tests.factories import make_budget
from atbalsts.reporting.selectors import BandNeed, budget_needed_by_band
from atbalsts.reporting.selectors.needed import _to_cent

from .factories import make_spend, service
from .test_evaluation import GIMENES, _adult, _rule

pytestmark = pytest.mark.django_db

MONTHS = [dt.date(2026, m, 1) for m in range(1, 13)]


@pytest.fixture
def band_clients(social_worker: Any, head: Any, balvi: Municipality) -> list[Client]:
    """Adults of Balvi: two in band A, one in B, one with no budget, one whose budget is no
    longer current, one whose second budget period (from July) is in another band (C), and one
    whose calculation wrote no band amount (the computed amount stands for it)."""
    _rule(head, balvi)
    a1, a2 = (_adult(social_worker, balvi, name, 1) for name in ("Aija", "Andris"))
    b1 = _adult(social_worker, balvi, "Baiba", 2)
    none = _adult(social_worker, balvi, "Nora", None)
    stale = _adult(social_worker, balvi, "Sandra", 1)
    IndicativeBudget.objects.filter(period__client=stale).update(is_current=False)
    moved = _adult(social_worker, balvi, "Mārtiņš", 1)
    later = make_budget(actor=social_worker, client=moved, start=dt.date(2026, 7, 1), months=6)
    IndicativeBudget.objects.filter(period=later).update(band_code="C")
    bare = _adult(social_worker, balvi, "Baiba", 2)
    IndicativeBudget.objects.filter(period__client=bare).update(
        explanation={}, computed_monthly_amount=Decimal("612.34")
    )
    return [a1, a2, b1, none, stale, moved, bare]


def _band_of(budget: IndicativeBudget) -> tuple[str, Decimal]:
    band = (budget.explanation or {}).get("band") or {}
    amount = band.get("monthly_amount", budget.computed_monthly_amount)
    return budget.band_code, round_money(Decimal(str(amount)))


def plain_needed(date_from: dt.date, date_to: dt.date) -> list[BandNeed]:
    """Client by client: the latest current budget's band, the ledger rows added up."""
    bands: dict[int, tuple[str, Decimal]] = {}
    budgets = IndicativeBudget.objects.filter(
        is_current=True, period__start__lte=date_to, period__end__gte=date_from
    ).select_related("period")
    for budget in sorted(budgets, key=lambda b: (b.period.start, b.pk)):
        bands[budget.period.client_id] = _band_of(budget)
    money: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    months: dict[tuple[str, int], set[dt.date]] = defaultdict(set)
    for r in MonthlySpend.objects.filter(month__gte=date_from.replace(day=1), month__lte=date_to):
        if r.amount:
            money[(r.target_group, r.client_id)] += r.amount
            months[(r.target_group, r.client_id)].add(r.month)
    per_band: dict[tuple[str, str, Decimal | None], list[Fraction]] = defaultdict(list)
    for (group, client_id), amount in money.items():
        code, monthly = bands.get(client_id, ("", None))
        per_band[(group, code, monthly)].append(Fraction(amount) / len(months[(group, client_id)]))
    needs = [
        BandNeed(
            group,
            code,
            monthly,
            len(values),
            _half_up(sum(values, Fraction(0)) / len(values)),
            _half_up(max(values)),
        )
        for (group, code, monthly), values in per_band.items()
    ]
    return sorted(
        needs,
        key=lambda b: (b.target_group, b.band_monthly is None, b.band_monthly or 0, b.band_code),
    )


def _half_up(value: Fraction) -> Decimal:
    """An exact fraction rounded to the cent, half up, through a Decimal of 100 digits: a tie
    is a terminating decimal (exact at 100 digits), and any other value of this test is at
    least 10⁻⁸ from a tie, far above the error at 100 digits."""
    with localcontext(prec=100):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 11), st.integers(0, 40_000)), max_size=25
    ),
    first=st.integers(0, 11),
    length=st.integers(0, 11),
)
def test_bands_grouped_in_the_database_equal_the_clients_one_by_one(
    band_clients: list[Client], head: Any, rows: list[Any], first: int, length: int
) -> None:
    gim = service(GIMENES)
    with transaction.atomic():
        for c, m, cents in rows:
            make_spend(
                client=band_clients[c],
                service_type=gim,
                month=MONTHS[m],
                amount=Decimal(cents * 3 + 1) / 100 if cents else Decimal("0.00"),
            )
        date_from = MONTHS[first] + dt.timedelta(days=4)
        date_to = MONTHS[min(first + length, 11)] + dt.timedelta(days=27)
        got = budget_needed_by_band(
            user=head,
            municipalities=None,
            target_group=TargetGroup.ADULT_GRT,
            date_from=date_from,
            date_to=date_to,
        )
        assert got == plain_needed(date_from, date_to)
        transaction.set_rollback(True)


def test_each_band_of_the_fixture_shows(
    band_clients: list[Client], head: Any, django_assert_num_queries: Any
) -> None:
    a1, a2, b1, none, stale, moved, bare = band_clients
    gim = service(GIMENES)
    for client, month, amount in (
        (a1, 1, "300.00"),
        (a1, 2, "301.00"),
        (a2, 2, "100.01"),
        (b1, 2, "950.00"),
        (none, 3, "75.50"),
        (stale, 3, "10.00"),
        (moved, 8, "400.00"),
        (bare, 3, "20.00"),
    ):
        make_spend(client=client, service_type=gim, month=MONTHS[month], amount=amount)
    with django_assert_num_queries(1):
        got = budget_needed_by_band(
            user=head,
            municipalities=None,
            target_group=None,
            date_from=dt.date(2026, 1, 1),
            date_to=dt.date(2026, 12, 31),
        )
    adult = TargetGroup.ADULT_GRT
    assert (
        got
        == [
            # A: a1 300.50 a month, a2 100.01 → (300.50 + 100.01) / 2 = 200.255 → 200.26
            BandNeed(adult, "A", Decimal("300.00"), 2, Decimal("200.26"), Decimal("300.50")),
            # the later period's band (C, still 300 € in its explanation)
            BandNeed(adult, "C", Decimal("300.00"), 1, Decimal("400.00"), Decimal("400.00")),
            BandNeed(adult, "B", Decimal("600.00"), 1, Decimal("950.00"), Decimal("950.00")),
            # the band amount the calculation did not write: the computed amount
            BandNeed(adult, "B", Decimal("612.34"), 1, Decimal("20.00"), Decimal("20.00")),
            # no budget, and a budget no longer current
            BandNeed(adult, "", None, 2, Decimal("42.75"), Decimal("75.50")),
        ]
        == plain_needed(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    )


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        (Fraction(1, 200), "0.01"),  # 0.005: half up
        (Fraction(-1, 200), "-0.01"),  # away from zero, as round_money
        (Fraction(1, 300), "0.00"),
        (Fraction(2, 3), "0.67"),
        (Fraction(1001, 200), "5.01"),  # 5.005
        (Fraction(1, 3) + Fraction(1, 3) + Fraction(1, 3), "1.00"),
    ],
)
def test_an_exact_average_rounds_once_half_up(value: Fraction, cents: str) -> None:
    assert _to_cent(value) == Decimal(cents) == _half_up(value)
