"""The individual-budget part must fit the indicative budget of each period the plan touches:
lines split over periods by their months to the cent, overruns only with the head's approval."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atbalsts.catalog.tests.factories import make_tariff
from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.plans import selectors, services
from atbalsts.plans.errors import BudgetExceeded, NoBudgetPeriod
from atbalsts.plans.models import FundingSource, PlanLine
from atbalsts.plans.spread import split_total

from .factories import add_goal, add_line, agree, fresh, make_plan

pytestmark = pytest.mark.django_db

NBSP = "\xa0"


def _planned(version):
    return [
        (f.period.label, f.planned, f.period.budget) for f in selectors.version_budget_fit(version)
    ]


def test_a_line_spanning_two_periods_is_split_by_its_months_to_the_cent(world):
    make_tariff(
        actor=world.head, provider=world.provider, service_type=world.unpriced, unit_price="33.33"
    )
    version = make_plan(world)
    # 33.33 × 0.5 × 3 = 49.995 → 50.00; June falls in the first period, July–August in the
    # second: 16.665 → 16.67 and the rest, 33.33, so the parts add up to the total.
    line = add_line(
        world,
        version,
        service_type=world.unpriced,
        quantity=Decimal("0.5"),
        start=dt.date(2026, 6, 1),
        months=3,
    )
    assert line.total == Decimal("50.00")
    assert _planned(fresh(version)) == [
        ("01.01.2026–30.06.2026", Decimal("16.67"), Decimal("3000.00")),
        ("01.07.2026–31.12.2026", Decimal("33.33"), Decimal("3000.00")),
    ]


def test_split_keeps_every_cent_and_gives_the_remainder_to_the_last_group():
    assert split_total(Decimal("50.00"), ["a", "b", "b"]) == {
        "a": Decimal("16.67"),
        "b": Decimal("33.33"),
    }
    assert split_total(Decimal("100.00"), [1, 1, 2]) == {1: Decimal("66.67"), 2: Decimal("33.33")}


@given(
    total=st.decimals(min_value=Decimal("0.00"), max_value=Decimal("99999.99"), places=2),
    months=st.lists(st.sampled_from(["p1", "p2", "p3"]), min_size=1, max_size=36).map(sorted),
)
def test_split_always_adds_up_to_the_total(total, months):
    shares = split_total(total, months)
    assert sum(shares.values()) == total
    assert all(s.as_tuple().exponent == -2 for s in shares.values())


def test_a_plan_exactly_at_the_budget_fits_and_one_cent_more_is_refused(world):
    version = make_plan(world)
    add_line(world, version, quantity=25, months=6)  # 20 × 25 × 6 = 3000.00 in the first period
    assert _planned(fresh(version))[0][1] == Decimal("3000.00")
    with pytest.raises(BudgetExceeded) as exc:
        add_line(world, version, quantity=1, start=dt.date(2026, 6, 1), months=2)
    assert exc.value.message == (
        f"Periodā 01.01.2026–30.06.2026 no individuālā budžeta plānoti 3{NBSP}020,00{NBSP}€, "
        f"bet indikatīvais budžets ir 3{NBSP}000,00{NBSP}€ — pārsniegums 20,00{NBSP}€. "
        "Samaziniet pakalpojumus, izvēlieties citu finansējuma avotu vai lūdziet vadītāju "
        "apstiprināt pārsniegumu."
    )
    assert PlanLine.objects.count() == 1
    assert fresh(version).revision == 2
    # the same service from another source does not touch the budget
    add_line(
        world,
        version,
        quantity=1,
        start=dt.date(2026, 6, 1),
        months=2,
        funding_source=FundingSource.MUNICIPAL,
    )
    # the second period still has room
    add_line(world, version, quantity=25, start=dt.date(2026, 7, 1), months=6)
    assert [p[1] for p in _planned(fresh(version))] == [Decimal("3000.00"), Decimal("3000.00")]


def test_the_head_approves_an_overrun_with_a_reason_and_it_is_audited(world, head):
    version = make_plan(world)
    add_line(world, version, quantity=25, months=6)
    version = fresh(version)
    with pytest.raises(NotPermitted):
        services.overrun_approve(
            actor=world.worker,
            version=version,
            revision=version.revision,
            allowance=Decimal("20.00"),
            reason="Vajag",
        )
    with pytest.raises(ValidationFailed) as exc:
        services.overrun_approve(
            actor=head, version=version, revision=version.revision, allowance="20", reason=" "
        )
    assert exc.value.errors == {"reason": ["Obligāts lauks."]}
    services.overrun_approve(
        actor=head,
        version=version,
        revision=version.revision,
        allowance="20,00",
        reason="Pēc slimnīcas vajadzīgs vairāk atbalsta",
    )
    event = AuditEvent.objects.get(event_type=AuditEventType.PLAN_OVERRUN_APPROVED)
    assert event.actor == head
    assert event.extra_data == {
        "allowance": "20.00",
        "reason": "Pēc slimnīcas vajadzīgs vairāk atbalsta",
    }
    add_line(world, version, quantity=1, start=dt.date(2026, 6, 1), months=2)  # +20.00: fits
    with pytest.raises(BudgetExceeded) as exc:
        add_line(world, version, quantity=Decimal("0.01"), start=dt.date(2026, 6, 1), months=1)
    assert "(ar apstiprināto pārsniegumu 20,00\xa0€) — pārsniegums 0,20\xa0€" in str(
        exc.value.message
    )
    add_goal(world, version)
    agreed = agree(world, version)
    assert agreed.status == "agreed"


def test_lowering_an_overrun_is_allowed_but_agreeing_is_refused_while_over(world, head):
    version = make_plan(world)
    add_line(world, version, quantity=25, months=6)
    version = fresh(version)
    services.overrun_approve(
        actor=head, version=version, revision=version.revision, allowance="40", reason="Ziema"
    )
    extra = add_line(world, version, quantity=2, start=dt.date(2026, 6, 1), months=1)
    version = fresh(version)
    services.overrun_approve(
        actor=head, version=version, revision=version.revision, allowance="0", reason=""
    )
    version = fresh(version)
    services.line_update(
        actor=world.worker, line=extra, revision=version.revision, data={"quantity": 1}
    )
    add_goal(world, version)
    with pytest.raises(BudgetExceeded) as exc:
        agree(world, version)
    assert "pārsniegums 20,00\xa0€" in str(exc.value.message)
    assert fresh(version).status == "draft"


def test_budget_months_without_a_budget_period_are_refused(world):
    version = make_plan(world, end=dt.date(2027, 3, 31))
    with pytest.raises(NoBudgetPeriod) as exc:
        add_line(world, version, quantity=1, start=dt.date(2027, 1, 1), months=1)
    assert exc.value.message == (
        "No individuālā budžeta plānoti 20,00\xa0€ mēnešos, kuriem nav budžeta perioda. "
        "Vispirms izveidojiet budžeta periodu vai izvēlieties citu finansējuma avotu."
    )
    line = add_line(
        world,
        version,
        quantity=1,
        start=dt.date(2027, 1, 1),
        months=1,
        funding_source=FundingSource.DI_PROJECT,
    )
    assert line.total == Decimal("20.00")
