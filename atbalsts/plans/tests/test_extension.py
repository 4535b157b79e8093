"""Extending a plan (12 → 15 months, as in the COVID-19 extension) within the same total budget:
the remaining individual budget is spread over the remaining months, to the cent."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atbalsts.catalog.tests.factories import make_tariff
from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.plans import selectors, services
from atbalsts.plans.errors import BudgetExceeded, PlanWrongStatus
from atbalsts.plans.spread import spread_evenly

from .factories import add_goal, add_line, agree, fresh, make_plan

pytestmark = pytest.mark.django_db


def _active(world, **line):
    version = make_plan(world)
    add_goal(world, version)
    add_line(world, version, **line)
    return services.version_activate(actor=world.worker, version=agree(world, version))


def _extend_by_a_quarter(world, active):
    """Extend a plan ending in December 2026 to March 2027, respreading from October."""
    return services.version_extend(
        actor=world.worker,
        version=active,
        end=dt.date(2027, 3, 31),
        from_date=dt.date(2026, 10, 1),
    )


def test_spread_gives_the_rounding_remainder_to_the_last_month():
    assert spread_evenly(Decimal("1000.00"), 3) == [
        Decimal("333.33"),
        Decimal("333.33"),
        Decimal("333.34"),
    ]
    assert spread_evenly(Decimal("0.05"), 6) == [Decimal("0.00")] * 5 + [Decimal("0.05")]


@given(
    amount=st.decimals(min_value=Decimal("0.00"), max_value=Decimal("99999.99"), places=2),
    months=st.integers(min_value=1, max_value=36),
)
def test_spread_always_keeps_the_amount(amount, months):
    parts = spread_evenly(amount, months)
    assert len(parts) == months and sum(parts) == amount
    assert len(set(parts[:-1])) <= 1 and parts[-1] >= parts[0]


def test_extension_from_12_to_15_months_respreads_the_remaining_budget(world):
    active = _active(world, quantity=20, months=12)  # 400.00 a month, 4 800.00 in the year
    draft = _extend_by_a_quarter(world, active)
    ext = draft.extension
    assert draft.status == "draft" and draft.end == dt.date(2027, 3, 31)
    assert draft.start == active.start and draft.number == 2
    assert ext["total"] == "6000.00"  # two periods of 6 × 500.00: unchanged by the extension
    assert ext["used"] == "3600.00"  # nine months × 400.00 before October
    assert ext["remaining"] == "2400.00"
    assert ext["months"] == 6
    assert [m["amount"] for m in ext["schedule"]] == ["400.00"] * 6
    assert ext["schedule"][0]["month"] == "2026-10-01"
    assert Decimal(ext["used"]) + sum(Decimal(m["amount"]) for m in ext["schedule"]) == Decimal(
        "6000.00"
    )
    event = AuditEvent.objects.get(event_type=AuditEventType.PLAN_EXTENDED)
    assert event.extra_data["remaining"] == "2400.00"


def test_extension_arithmetic_to_the_cent_with_the_remainder_in_the_last_month(world):
    make_tariff(
        actor=world.head, provider=world.provider, service_type=world.unpriced, unit_price="33.33"
    )
    active = _active(world, service_type=world.unpriced, quantity=1, months=12)
    draft = _extend_by_a_quarter(world, active)
    ext = draft.extension
    # 33.33 a month for nine months = 299.97 used; 6 000.00 − 299.97 = 5 700.03 left for six
    # months: 950.00 five times and 950.03 in the last month.
    assert ext["used"] == "299.97"
    assert ext["remaining"] == "5700.03"
    assert [m["amount"] for m in ext["schedule"]] == ["950.00"] * 5 + ["950.03"]
    assert sum(Decimal(m["amount"]) for m in ext["schedule"]) + Decimal("299.97") == Decimal(
        "6000.00"
    )


def test_extended_draft_fits_against_the_remaining_budget(world):
    active = _active(world, quantity=20, months=12)
    draft = _extend_by_a_quarter(world, active)
    # the copied line runs to December: 3 × 400.00 of the 2 400.00 left
    add_line(world, draft, quantity=20, start=dt.date(2027, 1, 1), months=3)  # 1 200.00: fits
    fits = selectors.version_budget_fit(fresh(draft))
    assert [(f.period.label, f.planned, f.period.budget) for f in fits] == [
        ("01.01.2026–30.06.2026", Decimal("2400.00"), Decimal("3000.00")),
        ("01.07.2026–31.12.2026", Decimal("1200.00"), Decimal("3000.00")),
        ("pagarinājums 01.10.2026–31.03.2027", Decimal("2400.00"), Decimal("2400.00")),
        ("viss plāns 01.01.2026–31.03.2027", Decimal("6000.00"), Decimal("6000.00")),
    ]
    with pytest.raises(BudgetExceeded):
        add_line(world, draft, quantity=Decimal("0.01"), start=dt.date(2027, 3, 1), months=1)
    assert selectors.plan_budget_total(fresh(draft)) == Decimal("6000.00")


def test_extension_refuses_bad_input(world):
    active = _active(world, quantity=20, months=12)
    with pytest.raises(ValidationFailed) as exc:
        services.version_extend(
            actor=world.worker,
            version=active,
            end=dt.date(2026, 12, 31),
            from_date=dt.date(2026, 10, 15),
        )
    assert exc.value.errors == {
        "end": ["Jaunajām beigām jābūt vēlākām par 31.12.2026."],
        "from_date": [
            "Pārdales sākumam jābūt kāda plāna mēneša pirmajai dienai starp 01.02.2026 un "
            "31.12.2026."
        ],
    }
    draft = services.version_new(actor=world.worker, version=active)
    with pytest.raises(PlanWrongStatus) as exc2:
        services.version_extend(actor=world.worker, version=draft, end=dt.date(2027, 3, 31))
    assert exc2.value.message == "Pagarināt var tikai spēkā esošu plānu."


def test_months_before_the_respread_cannot_grow_past_the_total(world):
    active = _active(world, quantity=20, months=12)
    draft = _extend_by_a_quarter(world, active)
    add_line(world, draft, quantity=20, start=dt.date(2027, 1, 1), months=3)  # all 6 000.00 used
    # July–September still has room in its period, but not in the plan's total
    with pytest.raises(BudgetExceeded) as exc:
        add_line(world, draft, quantity=1, start=dt.date(2026, 7, 1), months=1)
    assert "Periodā viss plāns 01.01.2026–31.03.2027" in str(exc.value.message)
