"""The draft's page edits goals and lines in place: with htmx the forms come as fragments, a
saved change answers with the version's body, a refused one comes back into its slot (400)
and writes nothing; goals are picked from the assessment's dreams and goals, all or none."""

import datetime as dt

import pytest

from atbalsts.core.errors import Conflict, ValidationFailed
from atbalsts.plans import services
from atbalsts.plans.models import Goal, PlanLine

from .factories import add_goal, add_line, fresh, make_plan

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _goal_data(revision, **data):
    return {"revision": revision, "term": "long", "domain": "employment", "text": "Strādāt", **data}


def test_goal_form_comes_as_a_fragment_and_saving_answers_with_the_body(client, world):
    version = make_plan(world)
    client.force_login(world.worker)
    url = f"/plans/versions/{version.pk}/goals/new/"
    form = client.get(url, **HX)
    body = form.content.decode()
    assert form.status_code == 200 and "<html" not in body
    assert f'hx-post="{url}"' in body and 'hx-target="#plan-body"' in body
    assert 'id="line-editor"' in body and 'hx-swap-oob="true"' in body  # the other slot closes
    saved = client.post(url, _goal_data(1, text="Strādāt kafejnīcā"), **HX)
    page = saved.content.decode()
    assert saved.status_code == 200
    assert 'id="plan-body"' in page and "<html" not in page
    assert "Strādāt kafejnīcā" in page and "Mērķis saglabāts." in page
    assert fresh(version).revision == 2
    assert 'name="revision"' not in page or 'value="2"' in page


def test_a_refused_goal_comes_back_into_its_slot_and_writes_nothing(client, world):
    version = make_plan(world)
    client.force_login(world.worker)
    url = f"/plans/versions/{version.pk}/goals/new/"
    refused = client.post(url, _goal_data(1, domain="nav-tāda", text=""), **HX)
    assert refused.status_code == 400
    assert refused["HX-Retarget"] == "#goal-editor" and refused["HX-Reswap"] == "innerHTML"
    body = refused.content.decode()
    assert "data-error-summary" in body and "Mērķis" in body
    stale = client.post(url, _goal_data(7), **HX)
    assert stale.status_code == 400 and "mainījis kāds cits" in stale.content.decode()
    assert not Goal.objects.exists() and fresh(version).revision == 1


def test_without_htmx_the_same_urls_are_pages(client, world):
    version = make_plan(world)
    client.force_login(world.worker)
    url = f"/plans/versions/{version.pk}/goals/new/"
    assert "<html" in client.get(url).content.decode()
    saved = client.post(url, _goal_data(1))
    assert saved.status_code == 302 and saved["Location"] == version.get_absolute_url()


def test_line_added_and_goal_removed_in_place(client, world):
    version = make_plan(world)
    goal = add_goal(world, version)
    client.force_login(world.worker)
    line_url = f"/plans/versions/{version.pk}/lines/new/"
    form = client.get(line_url, **HX).content.decode()
    assert 'id="line-form"' in form and 'id="goal-editor"' in form  # the goal slot closes
    data = {
        "revision": 2,
        "service_type": world.support_person.pk,
        "provider": world.provider.pk,
        "funding_source": "individual_budget",
        "quantity": "8",
        "start": "2026-01-01",
        "months": 12,
        "priority": 1,
        "goal": goal.pk,
    }
    saved = client.post(line_url, data, **HX)
    assert saved.status_code == 200 and "Pakalpojums saglabāts." in saved.content.decode()
    assert PlanLine.objects.get().quantity == 8
    delete_url = f"/plans/versions/{version.pk}/goals/{goal.pk}/delete/"
    question = client.get(delete_url, **HX).content.decode()
    assert "<html" not in question and f'hx-post="{delete_url}"' in question
    stale = client.post(delete_url, {"revision": 2}, **HX)
    assert stale.status_code == 400 and stale["HX-Retarget"] == "#goal-editor"
    removed = client.post(delete_url, {"revision": 3}, **HX)
    assert removed.status_code == 200 and "Mērķis dzēsts." in removed.content.decode()
    assert not Goal.objects.exists()


def test_cancel_asks_the_version_body(client, world):
    version = make_plan(world)
    client.force_login(world.worker)
    body = client.get(version.get_absolute_url(), **HX).content.decode()
    assert body.lstrip().startswith('<div id="plan-body">') or 'id="plan-body"' in body[:400]
    assert "<html" not in body


# --- goals from the assessment ---------------------------------------------------------------


def _picks(revision, rows, total=None):
    data = {
        "revision": revision,
        "goals-TOTAL_FORMS": str(total if total is not None else len(rows)),
        "goals-INITIAL_FORMS": str(len(rows)),
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"goals-{i}-{key}"] = value
    return data


def test_goal_picks_offer_the_assessments_dreams_not_yet_in_the_plan(client, world):
    version = make_plan(world)
    add_goal(world, version, text="Kļūt par dīdžeju")
    client.force_login(world.worker)
    page = client.get(f"/plans/versions/{version.pk}/goals/from-assessment/").content.decode()
    assert "Uzzināt savas darba iespējas" in page
    assert 'value="Kļūt par dīdžeju"' not in page
    detail = client.get(version.get_absolute_url()).content.decode()
    assert "Mērķi no izvērtējuma" in detail


def test_ticked_picks_become_goals_in_one_step(client, world):
    version = make_plan(world)
    client.force_login(world.worker)
    url = f"/plans/versions/{version.pk}/goals/from-assessment/"
    rows = [
        {
            "take": "on",
            "text": "Uzzināt savas darba iespējas",
            "domain": "employment",
            "term": "short",
        },
        {"text": "Kļūt par dīdžeju", "domain": "", "term": ""},
    ]
    saved = client.post(url, _picks(1, rows), **HX)
    assert saved.status_code == 200 and "Mērķi pievienoti: 1." in saved.content.decode()
    goal = Goal.objects.get()
    assert (goal.text, goal.domain, goal.term) == (
        "Uzzināt savas darba iespējas",
        "employment",
        "short",
    )
    assert fresh(version).revision == 2


def test_a_refused_pick_names_its_row_and_nothing_is_added(client, world):
    version = make_plan(world)
    client.force_login(world.worker)
    url = f"/plans/versions/{version.pk}/goals/from-assessment/"
    rows = [
        {
            "take": "on",
            "text": "Uzzināt savas darba iespējas",
            "domain": "employment",
            "term": "long",
        },
        {"take": "on", "text": "Kļūt par dīdžeju", "domain": "", "term": "long"},
    ]
    refused = client.post(url, _picks(1, rows), **HX)
    assert refused.status_code == 400 and refused["HX-Retarget"] == "#goal-editor"
    assert "2. mērķis: Obligāts lauks." in refused.content.decode()
    assert not Goal.objects.exists() and fresh(version).revision == 1
    nothing = client.post(url, _picks(1, [rows[0] | {"take": ""}]))
    assert (
        nothing.status_code == 400 and "Izvēlieties vismaz vienu mērķi." in nothing.content.decode()
    )


def test_goal_picks_bad_input_is_400_not_500(client, world):
    version = make_plan(world)
    client.force_login(world.worker)
    url = f"/plans/versions/{version.pk}/goals/from-assessment/"
    assert client.post(url, {"revision": "x", "goals-TOTAL_FORMS": "zz"}).status_code == 400
    assert client.post(url, _picks("1", [{"take": "on"}], total=5000)).status_code == 400
    assert not Goal.objects.exists()


def test_goals_add_many_is_all_or_nothing(world):
    version = make_plan(world)
    good = {"term": "long", "domain": "employment", "text": "Strādāt"}
    with pytest.raises(ValidationFailed) as refused:
        services.goals_add_many(
            actor=world.worker, version=version, revision=1, rows=[good, {**good, "term": "x"}]
        )
    assert list(refused.value.errors) == ["1.term"]
    assert refused.value.errors["1.term"][0].startswith("2. mērķis: ")
    with pytest.raises(Conflict):
        services.goals_add_many(actor=world.worker, version=version, revision=5, rows=[good])
    assert not Goal.objects.exists()
    goals = services.goals_add_many(
        actor=world.worker, version=version, revision=1, rows=[good, {**good, "text": "Otrs"}]
    )
    assert [g.position for g in goals] == [1, 2] and fresh(version).revision == 2


# --- agreeing: nobody is written in as the signer ----------------------------------------------


def test_the_agree_form_fills_in_no_signer_and_no_date(client, world):
    from atbalsts.people import services as people_services
    from atbalsts.plans.models import PlanStatus

    rep = people_services.representative_create(
        actor=world.worker,
        client=world.client,
        data={
            "kind": "support_person",
            "first_name": "Dace",
            "last_name": "Ozola",
            "valid_from": dt.date(2025, 1, 1),
        },
    )
    version = make_plan(world)
    add_goal(world, version)
    add_line(world, version, months=2)
    client.force_login(world.worker)
    url = f"/plans/versions/{version.pk}/agree/"
    page = client.get(url).content.decode()
    assert 'name="signed_on"' in page and 'name="signed_on" value=' not in page
    assert '<option value="" selected>— izvēlieties —</option>' in page
    data = {"revision": 3, "signed_on": "2026-01-02", "sign_method": "in_person"}
    refused = client.post(url, data)
    assert refused.status_code == 400 and "Kas parakstīja" in refused.content.decode()
    assert client.post(url, {**data, "signed_by_representative": "999"}).status_code == 400
    assert fresh(version).status == PlanStatus.DRAFT
    signed = client.post(url, {**data, "signed_by_representative": str(rep.pk)})
    assert signed.status_code == 302
    assert fresh(version).signed_by_representative == rep
