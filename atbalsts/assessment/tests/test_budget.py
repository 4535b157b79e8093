"""The indicative budget: the allocation calculation to the cent, band edges, budget periods
and overrides."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts.assessment import selectors, services
from atbalsts.assessment.models import (
    ADULT_DOMAINS,
    CHILD_DOMAINS,
    AllocationRule,
    BudgetOverride,
    BudgetPeriod,
    IndicativeBudget,
    OverrideStatus,
)
from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.core.errors import DomainError, NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def adult(social_worker, balvi):
    return make_client(actor=social_worker, municipality=balvi)


@pytest.fixture
def child(social_worker, balvi):
    return make_client(actor=social_worker, municipality=balvi, child=True)


def _period(actor, client, start=dt.date(2026, 1, 5), months=6):
    return services.budget_period_create(actor=actor, client=client, start=start, months=months)


def _child_rule(head, balvi):
    """A municipal rule with round points and amounts that do not divide evenly."""
    return services.rule_create(
        actor=head,
        municipality=balvi,
        data={
            "target_group": "child_ft",
            "name": "Balvu noteikums bērniem",
            "valid_from": dt.date(2026, 1, 1),
            "points": {d.value: [0, 1, 2, 3, 4] for d in CHILD_DOMAINS},
            "bands": [
                {"min_points": 0, "code": "A", "monthly_amount": Decimal("333.33")},
                {"min_points": 5, "code": "B", "monthly_amount": Decimal("466.67")},
                {"min_points": 10, "code": "C", "monthly_amount": Decimal("527.49")},
            ],
        },
    )


def test_default_rules_ship_with_plausible_bands(db):
    adult_rule = AllocationRule.objects.get(municipality=None, target_group="adult_grt")
    child_rule = AllocationRule.objects.get(municipality=None, target_group="child_ft")
    assert set(adult_rule.points) == {d.value for d in ADULT_DOMAINS}
    assert set(child_rule.points) == {d.value for d in CHILD_DOMAINS}
    assert [b.monthly_amount for b in adult_rule.bands.all()] == [
        Decimal("480.00"),
        Decimal("560.00"),
        Decimal("640.00"),
        Decimal("735.00"),
        Decimal("850.00"),
    ]
    assert [b.monthly_amount for b in child_rule.bands.all()] == [
        Decimal("240.00"),
        Decimal("290.00"),
        Decimal("400.00"),
        Decimal("527.00"),
        Decimal("640.00"),
    ]


def test_adult_with_moderate_needs_by_default_rule(social_worker, adult):
    # 9 domains × intensity 2 × 2 points = 18 points → band C (16–23) → 640,00 € × 15.
    a = make_assessment(actor=social_worker, client=adult, intensity=2)
    period = _period(social_worker, adult, months=15)
    budget = services.budget_compute(actor=social_worker, period=period)
    assert (budget.total_points, budget.band_code) == (18, "C")
    assert budget.monthly_amount == Decimal("640.00")
    assert budget.period_amount == Decimal("9600.00")
    assert budget.assessment == a
    assert period.end == dt.date(2027, 4, 4)


def test_adult_mixed_intensities_step_by_step(social_worker, adult):
    intensities = [4, 3, 2, 1, 0, 4, 3, 2, 1]
    scores = {d.value: i for d, i in zip(ADULT_DOMAINS, intensities, strict=True)}
    make_assessment(actor=social_worker, client=adult, scores=scores)
    budget = services.budget_compute(
        actor=social_worker, period=_period(social_worker, adult, months=12)
    )
    steps = budget.explanation["domains"]
    assert [s["points"] for s in steps] == [6, 4, 2, 1, 0, 6, 4, 2, 1]
    assert budget.total_points == 26
    assert budget.explanation["band"] == {
        "code": "D",
        "min_points": 24,
        "max_points": 35,
        "monthly_amount": "735.00",
    }
    assert budget.period_amount == Decimal("8820.00")


def test_explanation_in_plain_latvian(social_worker, adult):
    make_assessment(actor=social_worker, client=adult, intensity=2)
    budget = services.budget_compute(actor=social_worker, period=_period(social_worker, adult))
    text = selectors.budget_explanation(budget)
    assert text["domains"][0] == "Mājas dzīve: atbalsta vajadzība 2 no 4 — par to 2 punkti."
    assert text["total"] == "Punkti kopā: 18."
    assert text["band"] == (
        "Kopā 18 punkti. Grupa C attiecas uz 16 līdz 23 punktiem, tāpēc piemēro grupu C."
    )
    assert text["monthly"] == "Grupai C budžets ir 640,00\xa0€ mēnesī."
    assert text["period"] == "640,00\xa0€ × 6 mēneši = 3\xa0840,00\xa0€ periodā."
    assert text["override"] is None


@pytest.mark.parametrize(
    ("intensities", "band", "monthly", "period"),
    [
        ((0, 0, 0), "A", "333.33", "1999.98"),
        ((1, 2, 1), "A", "333.33", "1999.98"),  # 4 points: just below B
        ((2, 2, 1), "B", "466.67", "2800.02"),  # 5 points: B's lower edge
        ((4, 4, 1), "B", "466.67", "2800.02"),  # 9 points: B's upper edge
        ((4, 4, 2), "C", "527.49", "3164.94"),  # 10 points: C's lower edge
        ((4, 4, 4), "C", "527.49", "3164.94"),  # 12 points: the top band has no ceiling
    ],
)
def test_band_edges_to_the_cent(
    social_worker, head, balvi, child, intensities, band, monthly, period
):
    rule = _child_rule(head, balvi)
    scores = {d.value: i for d, i in zip(CHILD_DOMAINS, intensities, strict=True)}
    make_assessment(actor=social_worker, client=child, scores=scores)
    budget = services.budget_compute(actor=social_worker, period=_period(social_worker, child))
    assert budget.rule == rule
    assert budget.band_code == band
    assert budget.monthly_amount == Decimal(monthly)
    assert budget.period_amount == Decimal(period)


def test_child_gets_two_six_month_periods(social_worker, child):
    make_assessment(actor=social_worker, client=child, intensity=2)  # 12 points → C, 400 €
    first = _period(social_worker, child, dt.date(2026, 1, 5), 6)
    second = _period(social_worker, child, dt.date(2026, 7, 5), 6)
    assert (first.end, second.end) == (dt.date(2026, 7, 4), dt.date(2027, 1, 4))
    for period in (first, second):
        budget = services.budget_compute(actor=social_worker, period=period)
        assert budget.period_amount == Decimal("2400.00")


def test_periods_of_one_client_must_not_overlap(social_worker, child, adult):
    _period(social_worker, child, dt.date(2026, 1, 5), 6)
    with pytest.raises(services.PeriodOverlap) as exc:
        _period(social_worker, child, dt.date(2026, 7, 4), 6)
    assert str(exc.value.message) == (
        "Periods pārklājas ar citu šī klienta budžeta periodu (05.01.2026–04.07.2026)."
    )
    with pytest.raises(services.PeriodOverlap):
        _period(social_worker, child, dt.date(2025, 8, 1), 12)
    _period(social_worker, adult, dt.date(2026, 1, 5), 6)  # another client: fine
    assert BudgetPeriod.objects.filter(client=child).count() == 1


@pytest.mark.parametrize("months", [0, -1, 37, "6", None])
def test_period_months_must_be_1_to_36(social_worker, child, months):
    with pytest.raises(ValidationFailed) as exc:
        _period(social_worker, child, months=months)
    assert exc.value.errors == {"months": ["Mēnešu skaitam jābūt no 1 līdz 36."]}


def test_period_end_must_match_its_months(social_worker, child):
    with pytest.raises(ValidationFailed) as exc:
        services.budget_period_create(
            actor=social_worker,
            client=child,
            start=dt.date(2026, 1, 31),
            months=1,
            end=dt.date(2026, 3, 1),
        )
    assert exc.value.errors == {
        "end": ["Periodam no 31.01.2026 ar 1 mēnešiem jābeidzas 27.02.2026."]
    }


def test_budget_needs_a_completed_assessment(social_worker, child):
    make_assessment(actor=social_worker, client=child, complete=False)
    period = _period(social_worker, child)
    with pytest.raises(DomainError) as exc:
        services.budget_compute(actor=social_worker, period=period)
    assert str(exc.value.message) == (
        "Klientam nav pabeigta vajadzību izvērtējuma; budžetu aprēķināt nevar."
    )
    assert IndicativeBudget.objects.count() == 0


def test_budget_needs_a_rule_in_force(social_worker, child):
    make_assessment(actor=social_worker, client=child)
    period = _period(social_worker, child, dt.date(2017, 1, 1))
    with pytest.raises(DomainError) as exc:
        services.budget_compute(actor=social_worker, period=period)
    assert str(exc.value.message) == (
        "01.01.2017 nav spēkā neviena budžeta sadales noteikuma mērķa grupai «bērns ar FT»."
    )


def test_recompute_keeps_history_and_one_current(social_worker, child):
    make_assessment(actor=social_worker, client=child, intensity=1)
    period = _period(social_worker, child)
    first = services.budget_compute(actor=social_worker, period=period)
    make_assessment(actor=social_worker, client=child, intensity=3, assessed_on=dt.date(2026, 2, 1))
    second = services.budget_compute(actor=social_worker, period=period)
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert (first.monthly_amount, second.monthly_amount) == (Decimal("290.00"), Decimal("527.00"))
    assert selectors.budget_current(period=period) == second


# --- overrides -------------------------------------------------------------------------------


@pytest.fixture
def budget(social_worker, child):
    make_assessment(actor=social_worker, client=child, intensity=2)
    return services.budget_compute(actor=social_worker, period=_period(social_worker, child))


def test_override_needs_a_reason(social_worker, budget):
    with pytest.raises(ValidationFailed) as exc:
        services.override_propose(
            actor=social_worker, budget=budget, monthly_amount=Decimal("450.00"), reason="  "
        )
    assert exc.value.errors == {"reason": ["Norādiet, kāpēc vajadzīga cita summa."]}
    assert BudgetOverride.objects.count() == 0


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("12.345", "Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata."),
        (1.5, "Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata."),
        ("abc", "Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata."),
        (Decimal("0"), "Summai jābūt lielākai par 0 un ne lielākai par 100000.00 €."),
        (Decimal("100000.01"), "Summai jābūt lielākai par 0 un ne lielākai par 100000.00 €."),
        (Decimal("400.00"), "Ierosinātā summa ir tāda pati kā pašreizējā."),
    ],
)
def test_override_amount_must_be_sensible(social_worker, budget, amount, message):
    with pytest.raises(ValidationFailed) as exc:
        services.override_propose(
            actor=social_worker, budget=budget, monthly_amount=amount, reason="Vajag vairāk"
        )
    assert exc.value.errors == {"monthly_amount": [message]}


def test_override_applies_only_after_someone_else_approves(social_worker, head, budget):
    override = services.override_propose(
        actor=social_worker, budget=budget, monthly_amount="450,50", reason="Tālu jābrauc"
    )
    budget.refresh_from_db()
    assert budget.monthly_amount == Decimal("400.00")  # a proposal changes nothing yet
    with pytest.raises(services.OverridePending):
        services.override_propose(
            actor=social_worker, budget=budget, monthly_amount="500", reason="Vēl"
        )
    with pytest.raises(NotPermitted):
        services.override_decide(actor=social_worker, override=override, approve=True)
    services.override_decide(actor=head, override=override, approve=True, note="Pamatoti")
    budget.refresh_from_db()
    override.refresh_from_db()
    assert override.status == OverrideStatus.APPROVED and override.decided_by == head
    assert budget.monthly_amount == Decimal("450.50")
    assert budget.period_amount == Decimal("2703.00")
    assert budget.computed_monthly_amount == Decimal("400.00")
    assert budget.is_overridden
    assert selectors.budget_explanation(budget)["override"] == (
        "Sociālā dienesta vadītājs apstiprināja citu summu: 450,50\xa0€ mēnesī "
        "(2\xa0703,00\xa0€ periodā). Pamatojums: Tālu jābrauc"
    )
    events = AuditEvent.objects.filter(event_type__startswith="budget.override").order_by("id")
    assert [e.event_type for e in events] == [
        "budget.override_proposed",
        "budget.override_approved",
    ]
    assert events[1].extra_data["monthly_amount"] == {"before": "400.00", "after": "450.50"}


def test_proposer_cannot_approve_own_override(make_user, balvi, head, budget):
    override = services.override_propose(
        actor=head, budget=budget, monthly_amount=Decimal("300.00"), reason="Mazāk vajag"
    )
    with pytest.raises(services.SelfApproval) as exc:
        services.override_decide(actor=head, override=override, approve=True)
    assert str(exc.value.message) == (
        "Par summas maiņu lemj cits darbinieks, nevis tas, kurš to ierosināja."
    )
    other_head = make_user(Role.HEAD, balvi)
    services.override_decide(actor=other_head, override=override, approve=False, note="Nē")
    budget.refresh_from_db()
    assert budget.monthly_amount == Decimal("400.00")
    with pytest.raises(DomainError) as exc2:
        services.override_decide(actor=other_head, override=override, approve=True)
    assert str(exc2.value.message) == "Par šo summas maiņu jau ir lemts."


def test_recompute_is_refused_while_an_override_waits(social_worker, budget):
    services.override_propose(
        actor=social_worker, budget=budget, monthly_amount=Decimal("300.00"), reason="x"
    )
    with pytest.raises(services.OverridePending) as exc:
        services.budget_compute(actor=social_worker, period=budget.period)
    assert str(exc.value.message) == (
        "Vispirms izlemiet par iesniegto summas maiņu, tad aprēķiniet no jauna."
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    intensities=st.lists(st.integers(min_value=0, max_value=4), min_size=3, max_size=3),
    months=st.integers(min_value=1, max_value=36),
)
def test_calculation_is_consistent_for_any_child(social_worker, child, intensities, months):
    rule = AllocationRule.objects.get(municipality=None, target_group="child_ft")
    scores = {d.value: i for d, i in zip(CHILD_DOMAINS, intensities, strict=True)}
    assessment = make_assessment(actor=social_worker, client=child, scores=scores)
    calc = selectors.budget_calculate(assessment=assessment, rule=rule, months=months)
    assert calc.total_points == sum(rule.points[d][i] for d, i in scores.items())
    assert calc.band.min_points <= calc.total_points
    assert calc.band.max_points is None or calc.total_points <= calc.band.max_points
    assert calc.period_amount == calc.monthly_amount * months
    assert calc.period_amount.as_tuple().exponent == -2
