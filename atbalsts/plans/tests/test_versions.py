"""A plan's life: draft → agreed (signed) → active → superseded / closed; only drafts change;
two people editing one draft; new versions and their comparison."""

import datetime as dt
from decimal import Decimal

import pytest

from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import Conflict, DomainError, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.people import services as people_services
from atbalsts.plans import selectors, services
from atbalsts.plans.errors import (
    DraftExists,
    PlanExists,
    PlanNotAgreed,
    PlanNotDraft,
    PlanWrongStatus,
)
from atbalsts.plans.models import Goal, PlanLine, PlanStatus, PlanVersion

from .factories import add_goal, add_line, agree, fresh, make_plan

pytestmark = pytest.mark.django_db


def _agreed(world):
    version = make_plan(world)
    goal = add_goal(world, version)
    add_line(world, version, months=6, goal=goal)
    return agree(world, version)


def test_new_plan_starts_as_a_draft_and_a_second_open_plan_is_refused(world):
    version = make_plan(world)
    assert version.status == PlanStatus.DRAFT and version.number == 1 and version.revision == 1
    assert AuditEvent.objects.filter(event_type=AuditEventType.PLAN_CREATED).count() == 1
    with pytest.raises(PlanExists):
        make_plan(world)


def test_agreeing_records_who_signed_when_and_how(world):
    version = _agreed(world)
    assert version.status == PlanStatus.AGREED
    assert version.signed_on == dt.date(2026, 1, 2)
    assert version.sign_method == "paper"
    assert version.signed_by_representative is None
    assert version.agreed_by == world.worker
    event = AuditEvent.objects.get(event_type=AuditEventType.PLAN_AGREED)
    assert event.extra_data["sign_method"] == "paper"


def test_agreeing_needs_goals_lines_and_a_valid_signature(world):
    version = make_plan(world)
    with pytest.raises(DomainError) as exc:
        agree(world, version)
    assert exc.value.message == "Plānā nav neviena mērķa; pievienojiet mērķus."
    add_goal(world, version)
    with pytest.raises(DomainError) as exc:
        agree(world, version)
    assert exc.value.message == "Plānā nav neviena pakalpojuma; pievienojiet tos."
    add_line(world, version, months=1)
    with pytest.raises(ValidationFailed) as exc:
        agree(world, version, signed_on=dt.date(2099, 1, 1), sign_method="fax")
    assert exc.value.errors == {
        "signed_on": ["Parakstīšanas datums nevar būt nākotnē."],
        "sign_method": ["Nederīga vērtība."],
    }
    assert fresh(version).status == PlanStatus.DRAFT


def test_a_child_plan_is_signed_by_a_representative_valid_on_that_day(child_world):
    world = child_world
    mother = people_services.representative_create(
        actor=world.worker,
        client=world.client,
        data={
            "kind": "parent",
            "first_name": "Līga",
            "last_name": "Bērziņa",
            "valid_from": dt.date(2026, 2, 1),
        },
    )
    version = make_plan(world)
    add_goal(world, version)
    add_line(world, version, service_type=world.session_service, quantity=4, months=1)
    with pytest.raises(ValidationFailed) as exc:
        agree(world, version)
    assert exc.value.errors == {
        "signed_by_representative": [
            "Klienta vārdā plānu paraksta vecāks, aizbildnis vai likumiskais pārstāvis."
        ]
    }
    with pytest.raises(ValidationFailed) as exc:
        agree(world, version, signed_by_representative=mother)
    assert exc.value.errors == {
        "signed_by_representative": ["Pārstāvja pilnvaras 02.01.2026 nav spēkā."]
    }
    agreed = agree(world, version, signed_by_representative=mother, signed_on=dt.date(2026, 2, 3))
    assert agreed.signed_by_representative == mother


def test_editing_an_agreed_version_is_refused(world):
    version = _agreed(world)
    line = version.lines.get()
    goal = version.goals.get()
    message = (
        "Labot var tikai plāna melnrakstu. Saskaņotu vai spēkā esošu versiju mainīt nevar — "
        "izveidojiet jaunu versiju."
    )
    for attempt in (
        lambda: add_line(world, version, months=1),
        lambda: services.line_update(
            actor=world.worker, line=line, revision=version.revision, data={"quantity": 1}
        ),
        lambda: services.line_remove(actor=world.worker, line=line, revision=version.revision),
        lambda: services.goal_update(
            actor=world.worker, goal=goal, revision=version.revision, data={"text": "Cits"}
        ),
        lambda: services.version_update(
            actor=world.worker, version=version, revision=version.revision, data={"notes": "x"}
        ),
    ):
        with pytest.raises(PlanNotDraft) as exc:
            attempt()
        assert exc.value.message == message
    assert fresh(version).lines.get().quantity == Decimal("10.00")


def test_an_unsigned_plan_cannot_be_set_active(world):
    version = make_plan(world)
    with pytest.raises(PlanNotAgreed) as exc:
        services.version_activate(actor=world.worker, version=version)
    assert exc.value.message == (
        "Plānu nevar ieviest, kamēr persona vai tās pārstāvis to nav saskaņojusi un parakstījusi."
    )
    assert fresh(version).status == PlanStatus.DRAFT


def test_activate_then_new_version_copies_goals_and_lines_and_supersedes_on_activation(world):
    first = services.version_activate(actor=world.worker, version=_agreed(world))
    assert first.status == PlanStatus.ACTIVE
    with pytest.raises(PlanWrongStatus):
        services.version_activate(actor=world.worker, version=first)
    draft = services.version_new(actor=world.worker, version=first)
    assert draft.number == 2 and draft.supersedes == first and draft.status == PlanStatus.DRAFT
    assert list(draft.goals.values_list("key", flat=True)) == list(
        first.goals.values_list("key", flat=True)
    )
    copied = draft.lines.get()
    assert copied.key == first.lines.get().key and copied.goal.version == draft
    with pytest.raises(DraftExists):
        services.version_new(actor=world.worker, version=first)
    add_line(world, draft, quantity=2, start=dt.date(2026, 7, 1), months=6)
    second = services.version_activate(actor=world.worker, version=agree(world, draft))
    assert second.status == PlanStatus.ACTIVE
    assert fresh(first).status == PlanStatus.SUPERSEDED
    assert Goal.objects.filter(version=first).count() == 1  # the old version is kept


def test_closing_an_active_plan_needs_a_reason(world):
    active = services.version_activate(actor=world.worker, version=_agreed(world))
    with pytest.raises(ValidationFailed) as exc:
        services.version_close(actor=world.worker, version=active, reason="")
    assert exc.value.errors == {"reason": ["Obligāts lauks."]}
    closed = services.version_close(actor=world.worker, version=active, reason="Pārcēlās")
    assert closed.status == PlanStatus.CLOSED
    make_plan(world)  # a closed plan leaves room for a new one


def test_two_social_workers_editing_the_same_draft_the_second_save_is_refused(world, make_user):
    colleague = make_user(Role.SOCIAL_WORKER, world.municipality)
    version = make_plan(world)
    line = add_line(world, version, months=2)
    read_by_first = fresh(version)
    read_by_second = fresh(version)
    assert read_by_first.revision == read_by_second.revision == 2
    services.line_update(
        actor=world.worker,
        line=line,
        revision=read_by_first.revision,
        data={"quantity": 4},
    )
    with pytest.raises(Conflict) as exc:
        services.line_update(
            actor=colleague,
            line=line,
            revision=read_by_second.revision,
            data={"quantity": 9},
        )
    assert exc.value.message == "Ierakstu pa to laiku ir mainījis kāds cits. Atveriet to no jauna."
    assert PlanLine.objects.get().quantity == Decimal("4.00")
    assert fresh(version).revision == 3
    with pytest.raises(Conflict):
        add_goal_at(world, version, read_by_second.revision, colleague)
    assert not Goal.objects.exists()


def add_goal_at(world, version, revision, actor):
    return services.goal_add(
        actor=actor,
        version=version,
        revision=revision,
        data={"term": "short", "domain": "employment", "text": "Mērķis"},
    )


def test_revision_must_be_given(world):
    version = make_plan(world)
    with pytest.raises(ValidationFailed) as exc:
        services.version_update(actor=world.worker, version=version, revision=None, data={})
    assert exc.value.errors == {"revision": ["Nav norādīta redakcija."]}


def test_goal_domains_follow_the_target_group(world):
    adult_plan = make_plan(world)
    goal = add_goal(world, adult_plan, decision_domain="finances")
    assert goal.decision_domain == "finances"
    with pytest.raises(ValidationFailed) as exc:
        add_goal(world, adult_plan, domain="family_capacity")
    assert exc.value.errors == {"domain": ["Šī dzīves joma neattiecas uz klienta mērķa grupu."]}


def test_decision_making_domains_are_for_adults_only(child_world):
    child_plan = make_plan(child_world)
    with pytest.raises(ValidationFailed) as exc:
        add_goal(child_world, child_plan, decision_domain="finances")
    assert exc.value.errors == {
        "decision_domain": ["Lēmumu pieņemšanas jomas attiecas tikai uz pieaugušajiem."]
    }


def test_changing_the_draft_period_keeps_lines_inside(world):
    version = make_plan(world)
    add_line(world, version, start=dt.date(2026, 10, 1), months=3)
    version = fresh(version)
    with pytest.raises(DomainError) as exc:
        services.version_update(
            actor=world.worker,
            version=version,
            revision=version.revision,
            data={"end": dt.date(2026, 11, 30)},
        )
    assert exc.value.message == "Dažas plāna rindas ir ārpus jaunā perioda; vispirms mainiet tās."


def test_comparison_lists_goals_and_lines_added_removed_changed_with_money(world):
    first = services.version_activate(actor=world.worker, version=_agreed(world))
    draft = services.version_new(actor=world.worker, version=first)
    kept_line = draft.lines.get()
    services.line_update(
        actor=world.worker,
        line=kept_line,
        revision=fresh(draft).revision,
        data={"quantity": 12},
    )
    new_goal = add_goal(world, draft, text="Iemācīties braukt ar autobusu", term="short")
    old_goal = draft.goals.exclude(pk=new_goal.pk).get()
    services.goal_update(
        actor=world.worker,
        goal=old_goal,
        revision=fresh(draft).revision,
        data={"progress_measure": "Strādā 20 stundas nedēļā"},
    )
    add_line(world, draft, quantity=1, start=dt.date(2026, 7, 1), months=6)
    comparison = selectors.version_compare(first, fresh(draft))
    assert [(c.kind, c.label) for c in comparison.goals] == [
        ("changed", "Atrast darbu, kas patīk"),
        ("added", "Iemācīties braukt ar autobusu"),
    ]
    change = comparison.goals[0].changes[0]
    assert (change.label, change.before, change.after) == (
        "kā vērtēs sasniegto",
        "Pēc gada strādā vismaz 10 stundas nedēļā",
        "Strādā 20 stundas nedēļā",
    )
    label = "Atbalsta persona (plāna tests) — Biedrība Ūdensrožu māja"
    assert [(c.kind, c.label, c.money_before, c.money_after) for c in comparison.lines] == [
        ("changed", label, Decimal("1200.00"), Decimal("1440.00")),
        ("added", label, Decimal("0.00"), Decimal("120.00")),
    ]
    assert [(f.label, f.before, f.after) for f in comparison.lines[0].changes] == [
        ("daudzums mēnesī", "10,00", "12,00"),
        ("kopā", "1200,00", "1440,00"),
    ]
    assert [(p.label, p.before, p.after, p.difference) for p in comparison.periods] == [
        ("01.01.2026–30.06.2026", Decimal("1200.00"), Decimal("1440.00"), Decimal("240.00")),
        ("01.07.2026–31.12.2026", Decimal("0.00"), Decimal("120.00"), Decimal("120.00")),
    ]
    assert comparison.budget_difference == Decimal("360.00")
    removed = draft.lines.get(key=kept_line.key)
    services.line_remove(actor=world.worker, line=removed, revision=fresh(draft).revision)
    again = selectors.version_compare(first, fresh(draft))
    assert [(c.kind, c.money_before) for c in again.lines] == [
        ("added", Decimal("0.00")),
        ("removed", Decimal("1200.00")),
    ]


def test_version_numbers_are_unique_per_plan(world):
    first = services.version_activate(actor=world.worker, version=_agreed(world))
    draft = services.version_new(actor=world.worker, version=first)
    assert sorted(PlanVersion.objects.values_list("number", flat=True)) == [1, 2]
    assert selectors.version_current(plan=draft.plan) == first
