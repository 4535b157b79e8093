"""The programme's money: the co-financing rounding rule (Hypothesis), setting splits and
envelopes (who may, what is refused), and an envelope's committed, spent and forecast money
with its warnings."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts.billing import services
from atbalsts.billing.cofinancing import split_by_shares, split_for, splits_in_force
from atbalsts.billing.programme_models import CoFinancing, Envelope
from atbalsts.core.audit import AuditEvent, AuditEventType
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.roles import Role
from atbalsts.plans.models import FundingSource

IB = FundingSource.INDIVIDUAL_BUDGET


@st.composite
def percents(draw):
    """1–5 shares in hundredths of a percent, summing to exactly 100 %."""
    n = draw(st.integers(1, 5))
    cuts = sorted(draw(st.lists(st.integers(1, 9999), min_size=n - 1, max_size=n - 1, unique=True)))
    edges = [0, *cuts, 10000]
    return [Decimal(b - a) / 100 for a, b in itertools.pairwise(edges)]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cents=st.integers(-10_000_000, 10_000_000),
    shares=percents(),
)
def test_the_split_adds_up_exactly_and_each_share_is_within_a_cent(cents, shares):
    amount = Decimal(cents) / 100
    parts = split_by_shares(amount, list(enumerate(shares)))
    assert sum(p for _k, p in parts) == amount
    assert [k for k, _p in parts] == list(range(len(shares)))
    for (_k, part), percent in zip(parts, shares, strict=True):
        assert part == part.quantize(Decimal("0.01"))
        assert abs(part - amount * percent / 100) < Decimal("0.01")
    assert split_by_shares(amount, list(enumerate(shares))) == parts  # always the same way


def test_the_rounding_rule_by_example():
    # 85 % and 15 % of 10.01: 8.5085 → 8.51, and the rest 1.50 (not 1.5015 → 1.50 + 8.51 ≠)
    assert split_by_shares(Decimal("10.01"), [("ESF", Decimal(85)), ("valsts", Decimal(15))]) == [
        ("ESF", Decimal("8.51")),
        ("valsts", Decimal("1.50")),
    ]
    # three thirds of a cent-odd amount: the remainder is not piled on one payer
    thirds = [("a", Decimal("33.33")), ("b", Decimal("33.33")), ("c", Decimal("33.34"))]
    assert [p for _k, p in split_by_shares(Decimal("1.00"), thirds)] == [
        Decimal("0.33"),
        Decimal("0.34"),
        Decimal("0.33"),
    ]


@pytest.mark.django_db
def test_a_new_split_ends_the_old_one_and_the_municipality_goes_first(make_user, balvi):
    ministry = make_user(Role.ANALYST, None)
    first = services.co_financing_set(
        actor=ministry,
        funding_source=IB,
        valid_from="2026-01-01",
        shares=[{"payer": "ESF+", "percent": "85"}, {"payer": "Valsts budžets", "percent": 15}],
    )
    second = services.co_financing_set(
        actor=ministry,
        funding_source=IB,
        valid_from=dt.date(2026, 7, 1),
        shares=[{"payer": "Valsts budžets", "percent": "100"}],
    )
    own = services.co_financing_set(
        actor=ministry,
        funding_source=IB,
        valid_from=dt.date(2026, 1, 1),
        municipality=balvi,
        shares=[{"payer": "Pašvaldība", "percent": "100"}],
    )
    first.refresh_from_db()
    assert first.valid_to == dt.date(2026, 6, 30)
    day = dt.date(2026, 3, 1)
    splits = splits_in_force(day)
    assert split_for(splits, IB, balvi.pk, day) == own
    assert split_for(splits, IB, balvi.pk + 1000, day) == first
    assert split_for(splits_in_force(dt.date(2026, 8, 1)), IB, 0, dt.date(2026, 8, 1)) == second
    assert (
        AuditEvent.objects.filter(event_type=AuditEventType.BILLING_CO_FINANCING_SET).count() == 3
    )


@pytest.mark.django_db
def test_what_a_split_refuses(make_user, head):
    ministry = make_user(Role.ANALYST, None)
    with pytest.raises(ValidationFailed) as error:
        services.co_financing_set(
            actor=ministry,
            funding_source="lottery",
            valid_from="01.13.2026",
            shares=[{"payer": "ESF+", "percent": "85"}, {"payer": "ESF+", "percent": "10"}],
        )
    errors = error.value.field_errors
    assert set(errors) == {"funding_source", "valid_from", "shares.1.payer"}
    with pytest.raises(ValidationFailed) as error:
        services.co_financing_set(
            actor=ministry,
            funding_source=IB,
            valid_from="2026-01-01",
            shares=[{"payer": "ESF+", "percent": "85"}, {"payer": "Valsts", "percent": "10"}],
        )
    assert error.value.field_errors == {
        "shares": ["Daļu summai jābūt tieši 100 %; tagad tā ir 95 %."]
    }
    services.co_financing_set(
        actor=ministry,
        funding_source=IB,
        valid_from="2026-05-01",
        shares=[{"payer": "V", "percent": 100}],
    )
    with pytest.raises(ValidationFailed) as error:  # dates are not rewritten
        services.co_financing_set(
            actor=ministry,
            funding_source=IB,
            valid_from="2026-02-01",
            shares=[{"payer": "V", "percent": 100}],
        )
    assert list(error.value.field_errors) == ["valid_from"]
    with pytest.raises(NotPermitted):
        services.co_financing_set(
            actor=head,
            funding_source=IB,
            valid_from="2027-01-01",
            shares=[{"payer": "V", "percent": 100}],
        )
    assert CoFinancing.objects.count() == 1


@pytest.mark.django_db
def test_an_envelope_is_set_and_changed_with_its_history_in_the_audit(make_user, balvi, head):
    ministry = make_user(Role.ANALYST, None)
    data = {"municipality": balvi, "target_group": "adult_grt", "year": 2026, "funding_source": IB}
    services.envelope_set(actor=ministry, amount="120 000,00", **data)
    envelope = services.envelope_set(actor=ministry, amount="150000", note="Papildu", **data)
    assert Envelope.objects.get() == envelope
    assert envelope.amount == Decimal("150000")
    last = (
        AuditEvent.objects.filter(event_type=AuditEventType.BILLING_ENVELOPE_SET)
        .order_by("id")
        .last()
    )
    assert (last.extra_data["before"], last.extra_data["amount"]) == ("120000.00", "150000")
    with pytest.raises(ValidationFailed) as error:
        services.envelope_set(
            actor=ministry,
            municipality=balvi,
            target_group="x",
            year=1990,
            funding_source="",
            amount="-1",
        )
    assert set(error.value.field_errors) == {"target_group", "year", "funding_source", "amount"}
    with pytest.raises(NotPermitted):
        services.envelope_set(actor=head, amount="1", **data)


@pytest.mark.django_db
def test_the_client_ledger_shows_the_split_of_the_spent_money(world, accountant, make_user):
    from atbalsts.billing import selectors
    from atbalsts.delivery.tests.factories import START, TODAY, make_letter

    from .factories import approved, record_sessions, submit

    services.co_financing_set(
        actor=make_user(Role.ANALYST, None),
        funding_source=IB,
        valid_from=START,
        shares=[{"payer": "ESF+", "percent": "85"}, {"payer": "Valsts budžets", "percent": "15"}],
    )
    record_sessions(make_letter(world), [3, 10, 17])  # 60.00
    approved(world, submit(world), accountant)
    ledger = selectors.budget_ledger(user=world.worker, client=world.client, today=TODAY)
    (row,) = [r for e in ledger.periods for r in e.rows if r.source == IB and r.spent]
    assert row.payers == {"ESF+": Decimal("51.00"), "Valsts budžets": Decimal("9.00")}
    assert sum(row.payers.values()) == row.spent
