"""Allocation rules: validation, no overlaps per scope, replacement from a date, precedence of
a municipality's own rule, and rules in use are not rewritten."""

import datetime as dt
from decimal import Decimal

import pytest

from atbalsts.assessment import selectors, services
from atbalsts.assessment.models import CHILD_DOMAINS, AllocationRule
from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db


def rule_data(**overrides):
    return {
        "target_group": "child_ft",
        "name": "Bērni",
        "valid_from": dt.date(2026, 1, 1),
        "points": {d.value: [0, 1, 2, 3, 4] for d in CHILD_DOMAINS},
        "bands": [
            {"min_points": 0, "code": "A", "monthly_amount": Decimal("300.00")},
            {"min_points": 6, "code": "B", "monthly_amount": Decimal("450.00")},
        ],
        **overrides,
    }


def test_head_creates_own_municipality_rule_which_takes_precedence(head, balvi, tukums):
    rule = services.rule_create(actor=head, municipality=balvi, data=rule_data())
    assert [(b.min_points, b.code) for b in rule.bands.all()] == [(0, "A"), (6, "B")]
    day = dt.date(2026, 3, 1)
    assert selectors.rule_in_force(municipality=balvi, target_group="child_ft", day=day) == rule
    national = selectors.rule_in_force(municipality=tukums, target_group="child_ft", day=day)
    assert national is not None and national.municipality is None
    assert AuditEvent.objects.filter(event_type="rule.created", subject_id=str(rule.pk)).exists()


def test_who_may_set_rules(make_user, balvi, tukums, head, social_worker, admin_user):
    with pytest.raises(NotPermitted):
        services.rule_create(actor=head, municipality=None, data=rule_data())
    with pytest.raises(NotPermitted):
        services.rule_create(actor=head, municipality=tukums, data=rule_data())
    with pytest.raises(NotPermitted):
        services.rule_create(actor=social_worker, municipality=balvi, data=rule_data())
    with pytest.raises(NotPermitted):
        services.rule_create(
            actor=make_user(Role.ACCOUNTANT, balvi), municipality=balvi, data=rule_data()
        )
    rule = services.rule_create(
        actor=admin_user, municipality=None, data=rule_data(valid_from=dt.date(2030, 1, 1))
    )
    assert rule.municipality is None


def test_overlapping_rules_are_refused(head, balvi):
    services.rule_create(
        actor=head, municipality=balvi, data=rule_data(valid_to=dt.date(2026, 12, 31))
    )
    with pytest.raises(services.RuleOverlap) as exc:
        services.rule_create(
            actor=head,
            municipality=balvi,
            data=rule_data(valid_from=dt.date(2025, 6, 1), valid_to=dt.date(2026, 1, 1)),
        )
    assert str(exc.value.message) == (
        "Šajā laikā jau ir spēkā noteikums «Bērni» (01.01.2026–31.12.2026)."
    )
    with pytest.raises(services.RuleOverlap):
        services.rule_create(
            actor=head, municipality=balvi, data=rule_data(valid_from=dt.date(2026, 12, 31))
        )
    # Adjacent, another target group, or another municipality: no overlap.
    services.rule_create(
        actor=head, municipality=balvi, data=rule_data(valid_from=dt.date(2027, 1, 1))
    )
    assert AllocationRule.objects.filter(municipality=balvi).count() == 2


def test_a_later_rule_replaces_an_open_ended_one_from_its_date(head, balvi):
    old = services.rule_create(actor=head, municipality=balvi, data=rule_data())
    new = services.rule_create(
        actor=head, municipality=balvi, data=rule_data(name="Jauns", valid_from=dt.date(2026, 7, 1))
    )
    old.refresh_from_db()
    assert old.valid_to == dt.date(2026, 6, 30)
    assert (
        selectors.rule_in_force(
            municipality=balvi, target_group="child_ft", day=dt.date(2026, 6, 30)
        )
        == old
    )
    assert (
        selectors.rule_in_force(
            municipality=balvi, target_group="child_ft", day=dt.date(2026, 7, 1)
        )
        == new
    )
    # An earlier start than the open-ended rule is still an overlap.
    with pytest.raises(services.RuleOverlap):
        services.rule_create(
            actor=head,
            municipality=balvi,
            data=rule_data(valid_from=dt.date(2026, 8, 1), valid_to=dt.date(2026, 8, 31)),
        )


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"name": " "}, {"name": ["Nosaukumam jābūt 1–200 zīmēm."]}),
        (
            {"valid_to": dt.date(2025, 1, 1)},
            {"valid_to": ["Beigu datums nevar būt pirms sākuma datuma."]},
        ),
        (
            {
                "points": {
                    "family_capacity": [0, 1, 2, 3, 4],
                    "lost_function": [0, 1, 2, 3, 4],
                    "functioning": [0, 1, 2, 3],
                }
            },
            {
                "points.functioning": [
                    "Katrai intensitātei 0–4 jānorāda vesels punktu skaits no 0 līdz 1000."
                ]
            },
        ),
        (
            {
                "points": {
                    "family_capacity": [0, 1, 2, 3, 4],
                    "lost_function": [0, 1, 2, 3, 4],
                    "functioning": [4, 3, 2, 1, 0],
                }
            },
            {"points.functioning": ["Lielākai atbalsta vajadzībai nevar būt mazāk punktu."]},
        ),
        (
            {"points": {d.value: [0, 1, 2, 3, 4] for d in CHILD_DOMAINS} | {"employment": [0] * 5}},
            {"points.employment": ["Joma neattiecas uz šo mērķa grupu."]},
        ),
        ({"bands": []}, {"bands": ["Norādiet vismaz vienu budžeta grupu."]}),
        (
            {"bands": [{"min_points": 1, "code": "A", "monthly_amount": Decimal("1.00")}]},
            {"bands": ["Vienai grupai jāsākas no 0 punktiem, lai katram būtu grupa."]},
        ),
        (
            {
                "bands": [
                    {"min_points": 0, "code": "A", "monthly_amount": Decimal("500.00")},
                    {"min_points": 5, "code": "B", "monthly_amount": Decimal("400.00")},
                ]
            },
            {"bands": ["Grupai ar vairāk punktiem nevar būt mazāka summa."]},
        ),
        (
            {
                "bands": [
                    {"min_points": 0, "code": "A", "monthly_amount": Decimal("1.00")},
                    {"min_points": 0, "code": "A", "monthly_amount": Decimal("1.001")},
                ]
            },
            {
                "bands.1.min_points": ["Divām grupām nevar būt vienāds sākums."],
                "bands.1.code": ["Grupu apzīmējumi nedrīkst atkārtoties."],
                "bands.1.monthly_amount": [
                    "Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata."
                ],
            },
        ),
    ],
)
def test_rule_validation(head, balvi, overrides, errors):
    with pytest.raises(ValidationFailed) as exc:
        services.rule_create(actor=head, municipality=balvi, data=rule_data(**overrides))
    assert exc.value.errors == errors
    assert not AllocationRule.objects.filter(municipality=balvi).exists()


def test_unused_rule_can_be_edited_but_a_used_one_only_ended(head, social_worker, balvi):
    rule = services.rule_create(actor=head, municipality=balvi, data=rule_data())
    services.rule_update(actor=head, rule=rule, data={"name": "Labots"})
    rule.refresh_from_db()
    assert rule.name == "Labots"
    child = make_client(actor=social_worker, municipality=balvi, child=True)
    make_assessment(actor=social_worker, client=child)
    period = services.budget_period_create(
        actor=social_worker, client=child, start=dt.date(2026, 1, 5), months=6
    )
    services.budget_compute(actor=social_worker, period=period)
    with pytest.raises(services.RuleInUse):
        services.rule_update(
            actor=head,
            rule=rule,
            data={"bands": [{"min_points": 0, "code": "A", "monthly_amount": Decimal("1.00")}]},
        )
    services.rule_update(actor=head, rule=rule, data={"valid_to": dt.date(2026, 12, 31)})
    rule.refresh_from_db()
    assert rule.valid_to == dt.date(2026, 12, 31)
    changed = AuditEvent.objects.filter(event_type="rule.changed", subject_id=str(rule.pk))
    assert changed.count() == 2


def test_a_used_rule_accepts_its_own_values_with_a_new_end_date(head, social_worker, balvi):
    rule = services.rule_create(actor=head, municipality=balvi, data=rule_data())
    child = make_client(actor=social_worker, municipality=balvi, child=True)
    make_assessment(actor=social_worker, client=child)
    period = services.budget_period_create(
        actor=social_worker, client=child, start=dt.date(2026, 1, 5), months=6
    )
    services.budget_compute(actor=social_worker, period=period)
    # A form sends every field back; only the end date differs.
    unchanged = rule_data(valid_to=dt.date(2026, 12, 31))
    del unchanged["target_group"]
    services.rule_update(actor=head, rule=rule, data=unchanged)
    rule.refresh_from_db()
    assert rule.valid_to == dt.date(2026, 12, 31)
    with pytest.raises(services.RuleInUse):
        services.rule_update(actor=head, rule=rule, data={**unchanged, "name": "Cits"})
