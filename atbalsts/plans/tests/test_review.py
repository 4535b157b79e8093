"""Review of a plan: each goal's outcome (achieved / partly / not) and what changed in the
person's life, through the services, the page and the API; rules, permissions, bad input."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from atbalsts.accounts.services import api_token_create
from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.plans import services
from atbalsts.plans.errors import PlanWrongStatus
from atbalsts.plans.models import Goal, GoalOutcome, PlanReview, PlanStatus

from .factories import add_goal, add_line, agree, fresh, make_plan

pytestmark = pytest.mark.django_db

REVIEWED = dt.date(2026, 6, 30)


def active_plan(world, *, goals=1):
    version = make_plan(world)
    made = [add_goal(world, version, text=f"Mērķis {i + 1}") for i in range(goals)]
    add_line(world, version, months=6, goal=made[0])
    version = agree(world, version)
    return services.version_activate(actor=world.worker, version=version), made


def record(world, goal, **overrides):
    values = {
        "outcome": GoalOutcome.ACHIEVED,
        "reviewed_on": REVIEWED,
        "note": "Strādā 12 stundas nedēļā",
        **overrides,
    }
    return services.goal_outcome_record(actor=world.worker, goal=goal, **values)


# --- goal outcomes -----------------------------------------------------------------------------


def test_an_outcome_is_recorded_with_date_note_and_who_and_audited(world):
    _version, (goal,) = active_plan(world)
    goal = record(world, goal)
    goal.refresh_from_db()
    assert goal.outcome == "achieved"
    assert goal.outcome_reviewed_on == REVIEWED
    assert goal.outcome_note == "Strādā 12 stundas nedēļā"
    assert goal.outcome_recorded_by == world.worker
    event = AuditEvent.objects.get(event_type=AuditEventType.PLAN_GOAL_OUTCOME_RECORDED)
    assert event.client_id == world.client.pk
    assert event.extra_data["changes"]["outcome"] == {"before": "", "after": "achieved"}


def test_outcomes_are_recorded_on_superseded_and_closed_versions(world):
    version, (goal,) = active_plan(world)
    services.version_close(actor=world.worker, version=version, reason="Mērķi sasniegti")
    assert record(world, goal, outcome="partly").outcome == "partly"
    assert fresh(version).status == PlanStatus.CLOSED


def test_an_outcome_is_refused_on_a_draft_and_an_agreed_version(world):
    version = make_plan(world)
    goal = add_goal(world, version)
    with pytest.raises(PlanWrongStatus) as exc:
        record(world, goal)
    assert exc.value.message == (
        "Mērķa rezultātu var ierakstīt tikai plānam, kas ir bijis spēkā; šī versija ir "
        "«melnraksts»."
    )
    add_line(world, version, months=6, goal=goal)
    agree(world, version)
    with pytest.raises(PlanWrongStatus):
        record(world, goal)
    assert not Goal.objects.exclude(outcome="").exists()


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"outcome": "maybe"}, {"outcome": ["Nederīga vērtība."]}),
        ({"outcome": ""}, {"outcome": ["Obligāts lauks."]}),
        ({"reviewed_on": "30.06.2026"}, {"reviewed_on": ["Datumam jābūt formā GGGG-MM-DD."]}),
        ({"reviewed_on": None}, {"reviewed_on": ["Obligāts lauks."]}),
        ({"note": "x" * 2001}, {"note": ["Ne vairāk kā 2000 zīmes."]}),
    ],
)
def test_bad_outcome_input_writes_nothing(world, overrides, errors):
    _version, (goal,) = active_plan(world)
    with pytest.raises(ValidationFailed) as exc:
        record(world, goal, **overrides)
    assert exc.value.errors == errors
    assert Goal.objects.get(pk=goal.pk).outcome == ""
    assert not AuditEvent.objects.filter(
        event_type=AuditEventType.PLAN_GOAL_OUTCOME_RECORDED
    ).exists()


def test_a_review_date_in_the_future_is_refused(world):
    _version, (goal,) = active_plan(world)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        record(world, goal, reviewed_on=tomorrow)
    assert exc.value.errors == {"reviewed_on": ["Pārskatīšanas datums nevar būt nākotnē."]}


@pytest.mark.parametrize("role", [Role.ACCOUNTANT, Role.AUDITOR, Role.ANALYST, Role.PROVIDER])
def test_only_writers_record_outcomes(world, make_user, balvi, role):
    _version, (goal,) = active_plan(world)
    with pytest.raises(NotPermitted):
        services.goal_outcome_record(
            actor=make_user(role, None if role == Role.ANALYST else balvi),
            goal=goal,
            outcome="achieved",
            reviewed_on=REVIEWED,
        )


def test_a_worker_of_another_municipality_may_not_record(world, make_user, tukums):
    _version, (goal,) = active_plan(world)
    with pytest.raises(NotPermitted):
        services.goal_outcome_record(
            actor=make_user(Role.SOCIAL_WORKER, tukums),
            goal=goal,
            outcome="achieved",
            reviewed_on=REVIEWED,
        )


def test_the_head_records_outcomes(world):
    _version, (goal,) = active_plan(world)
    services.goal_outcome_record(
        actor=world.head, goal=goal, outcome="not_achieved", reviewed_on=REVIEWED
    )
    assert Goal.objects.get(pk=goal.pk).outcome == "not_achieved"


def test_a_new_version_starts_its_goals_without_outcomes(world):
    version, (goal,) = active_plan(world)
    record(world, goal)
    draft = services.version_new(actor=world.worker, version=fresh(version))
    copy = draft.goals.get()
    assert copy.key == goal.key and copy.outcome == "" and copy.outcome_reviewed_on is None


# --- plan reviews ------------------------------------------------------------------------------


def review(world, version, **overrides):
    values = {
        "reviewed_on": REVIEWED,
        "started_paid_work": True,
        "moved_to_live_on_own": False,
        "widened_support_circle": True,
        "note": "Sāka strādāt kafejnīcā",
        **overrides,
    }
    return services.plan_review_record(actor=world.worker, plan=version.plan, **values)


def test_a_review_records_the_changes_and_goal_outcomes_together(world):
    version, goals = active_plan(world, goals=2)
    result = review(
        world,
        version,
        outcomes={goals[0].pk: {"outcome": "achieved", "note": "Jā"}},
    )
    assert result.version == fresh(version) and result.reviewed_on == REVIEWED
    assert (result.started_paid_work, result.moved_to_live_on_own) == (True, False)
    assert result.widened_support_circle is True and result.recorded_by == world.worker
    assert Goal.objects.get(pk=goals[0].pk).outcome == "achieved"
    assert Goal.objects.get(pk=goals[0].pk).outcome_reviewed_on == REVIEWED
    assert Goal.objects.get(pk=goals[1].pk).outcome == ""
    event = AuditEvent.objects.get(event_type=AuditEventType.PLAN_REVIEW_RECORDED)
    assert event.extra_data["started_paid_work"] is True


def test_a_plan_never_in_force_cannot_be_reviewed(world):
    version = make_plan(world)
    with pytest.raises(PlanWrongStatus) as exc:
        review(world, version)
    assert exc.value.message == "Pārskatīt var tikai plānu, kas ir bijis spēkā."


def test_a_bad_goal_outcome_rolls_the_whole_review_back(world):
    version, (goal,) = active_plan(world)
    with pytest.raises(ValidationFailed) as exc:
        review(world, version, outcomes={goal.pk: {"outcome": "perhaps"}})
    assert exc.value.errors == {f"goal_{goal.pk}": ["Nederīga vērtība."]}
    assert not PlanReview.objects.exists()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.PLAN_REVIEW_RECORDED).exists()


def test_a_review_refuses_goals_of_other_versions_and_non_booleans(world):
    version, _goals = active_plan(world)
    with pytest.raises(ValidationFailed) as exc:
        review(world, version, started_paid_work="jā", outcomes={999999: {"outcome": "achieved"}})
    assert exc.value.errors == {
        "started_paid_work": ["Jābūt jā vai nē."],
        "outcomes": ["Mērķis 999999 nav šajā plāna versijā."],
    }
    assert not PlanReview.objects.exists()


def test_an_accountant_may_not_review(world, make_user, balvi):
    version, _goals = active_plan(world)
    with pytest.raises(NotPermitted):
        services.plan_review_record(
            actor=make_user(Role.ACCOUNTANT, balvi), plan=version.plan, reviewed_on=REVIEWED
        )


# --- the page ----------------------------------------------------------------------------------


def test_the_review_form_on_the_plan_page(client, world):
    version, goals = active_plan(world, goals=2)
    client.force_login(world.worker)
    page = client.get(version.get_absolute_url()).content.decode()
    url = f"/plans/versions/{version.pk}/review/"
    assert 'id="review-form"' in page and f'action="{url}"' in page
    assert f'name="goal_{goals[0].pk}"' in page
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "reviewed_on": "30.06.2026",
            "started_paid_work": "on",
            "note": "Labi",
            f"goal_{goals[0].pk}": "partly",
            f"goal_{goals[0].pk}_note": "Pusceļā",
            f"goal_{goals[1].pk}": "",
        },
    )
    assert response.status_code == 302
    saved = PlanReview.objects.get()
    assert saved.started_paid_work and not saved.moved_to_live_on_own
    assert Goal.objects.get(pk=goals[0].pk).outcome_note == "Pusceļā"
    assert Goal.objects.get(pk=goals[1].pk).outcome == ""
    html = client.get(version.get_absolute_url()).content.decode()
    assert "daļēji sasniegts" in html and "30.06.2026" in html


def test_the_review_form_with_bad_input_is_400_and_writes_nothing(client, world):
    version, (goal,) = active_plan(world)
    client.force_login(world.worker)
    response = client.post(
        f"/plans/versions/{version.pk}/review/",
        {"reviewed_on": "31.02.2026", f"goal_{goal.pk}": "perhaps"},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"reviewed_on", f"goal_{goal.pk}"}
    assert not PlanReview.objects.exists()


def test_the_review_page_is_refused_to_an_accountant(client, world, make_user, balvi):
    version, _goals = active_plan(world)
    client.force_login(make_user(Role.ACCOUNTANT, balvi))
    assert client.get(f"/plans/versions/{version.pk}/review/").status_code == 403
    assert client.post(f"/plans/versions/{version.pk}/review/", {}).status_code == 403
    assert 'id="review-form"' not in client.get(version.get_absolute_url()).content.decode()
    assert not PlanReview.objects.exists()


def test_a_draft_page_has_no_review_form(client, world):
    version = make_plan(world)
    client.force_login(world.worker)
    assert 'id="review-form"' not in client.get(version.get_absolute_url()).content.decode()


def test_the_review_page_of_a_draft_shows_the_refusal(client, world):
    version = make_plan(world)
    client.force_login(world.worker)
    response = client.post(f"/plans/versions/{version.pk}/review/", {"reviewed_on": "2026-06-30"})
    assert response.status_code == 400
    assert "Pārskatīt var tikai plānu, kas ir bijis spēkā." in response.content.decode()


# --- the API -----------------------------------------------------------------------------------


def _auth(user):
    _token, raw = api_token_create(actor=user, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, url, data, headers):
    body = data if isinstance(data, str) else json.dumps(data)
    return client.post(url, data=body, content_type="application/json", **headers)


def test_api_records_an_outcome_and_a_review(client, world):
    version, (goal,) = active_plan(world)
    h = _auth(world.worker)
    done = _post(
        client,
        f"/api/plans/goals/{goal.pk}/outcome",
        {"outcome": "achieved", "reviewed_on": "2026-06-30", "note": "Jā"},
        h,
    )
    assert done.status_code == 200, done.content
    assert done.json()["outcome"] == "achieved"
    assert done.json()["outcome_reviewed_on"] == "2026-06-30"
    created = _post(
        client,
        f"/api/plans/plans/{version.plan_id}/reviews",
        {
            "reviewed_on": "2026-06-30",
            "moved_to_live_on_own": True,
            "outcomes": {str(goal.pk): {"outcome": "partly"}},
        },
        h,
    )
    assert created.status_code == 201, created.content
    assert created.json()["moved_to_live_on_own"] is True
    assert Goal.objects.get(pk=goal.pk).outcome == "partly"
    listed = client.get(f"/api/plans/plans/{version.plan_id}/reviews", **h)
    assert [r["reviewed_on"] for r in listed.json()] == ["2026-06-30"]


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "maybe", "reviewed_on": "2026-06-30"},
        {"outcome": "achieved", "reviewed_on": "30.06.2026"},
        {"outcome": "achieved", "reviewed_on": "2026-06-30", "extra": 1},
        "{not json",
    ],
)
def test_api_bad_outcome_input_is_400(client, world, body):
    _version, (goal,) = active_plan(world)
    response = _post(client, f"/api/plans/goals/{goal.pk}/outcome", body, _auth(world.worker))
    assert response.status_code == 400
    assert Goal.objects.get(pk=goal.pk).outcome == ""


def test_api_review_of_a_draft_is_400_with_the_code(client, world):
    version = make_plan(world)
    response = _post(
        client,
        f"/api/plans/plans/{version.plan_id}/reviews",
        {"reviewed_on": "2026-06-30"},
        _auth(world.worker),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "plan_wrong_status"


def test_api_review_permissions(client, world, make_user, balvi, tukums):
    version, _goals = active_plan(world)
    url = f"/api/plans/plans/{version.plan_id}/reviews"
    accountant = _post(
        client, url, {"reviewed_on": "2026-06-30"}, _auth(make_user(Role.ACCOUNTANT, balvi))
    )
    assert accountant.status_code == 403
    other = _post(
        client, url, {"reviewed_on": "2026-06-30"}, _auth(make_user(Role.SOCIAL_WORKER, tukums))
    )
    assert other.status_code == 404
    assert not PlanReview.objects.exists()


def test_goal_ids_may_come_as_text(world):
    version, (goal,) = active_plan(world)
    review(world, version, outcomes={str(goal.pk): {"outcome": "not_achieved"}})
    assert Goal.objects.get(pk=goal.pk).outcome == "not_achieved"
