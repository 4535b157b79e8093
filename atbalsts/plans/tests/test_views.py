"""The plan pages: thin views over the services; bad input re-renders with 400 and writes
nothing; a stale page is refused; what a user may not see is 404, may not do is 403."""

import datetime as dt

import pytest

from atbalsts.core.audit import AuditEventType
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.plans.models import Goal, GuaranteeLetter, PlanLine, PlanStatus, PlanVersion

from .factories import add_goal, add_line, agree, fresh, make_plan

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_client_page_shows_the_plan_section(client, world):
    version = make_plan(world)
    page = _login(client, world.worker).get(world.client.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="plans"' in body and version.get_absolute_url() in body


def test_create_plan_page_and_bad_dates(client, world):
    _login(client, world.worker)
    url = f"/plans/clients/{world.client.pk}/new/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"start": "2026-05-01", "end": "2026-04-01"})
    assert bad.status_code == 400
    assert "Beigu datums nevar būt pirms sākuma datuma." in bad.content.decode()
    assert client.post(url, {"start": "2026-05-01", "end": "nav"}).status_code == 400
    assert not PlanVersion.objects.exists()
    ok = client.post(url, {"start": "2026-01-01", "end": "2026-12-31", "notes": ""})
    version = PlanVersion.objects.get()
    assert ok.status_code == 302 and ok["Location"] == version.get_absolute_url()


def test_goal_and_line_forms_save_and_show_errors(client, world):
    version = make_plan(world)
    _login(client, world.worker)
    goal_url = f"/plans/versions/{version.pk}/goals/new/"
    assert client.get(goal_url).status_code == 200
    response = client.post(
        goal_url,
        {"revision": 1, "term": "long", "domain": "employment", "text": "Strādāt kafejnīcā"},
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    line_url = f"/plans/versions/{version.pk}/lines/new/"
    form = client.get(line_url)
    assert form.status_code == 200 and 'name="revision"' in form.content.decode()
    data = {
        "revision": 2,
        "service_type": world.support_person.pk,
        "provider": world.provider.pk,
        "funding_source": "individual_budget",
        "quantity": "0",
        "start": "2026-01-01",
        "months": 6,
        "priority": 1,
        "goal": goal.pk,
    }
    bad = client.post(line_url, data)
    assert bad.status_code == 400
    assert "Daudzumam mēnesī jābūt lielākam par nulli." in bad.content.decode()
    assert not PlanLine.objects.exists()
    data["quantity"] = "7,5"
    assert client.post(line_url, data).status_code == 302
    line = PlanLine.objects.get()
    assert str(line.total) == "900.00" and line.goal == goal
    detail = client.get(version.get_absolute_url()).content.decode()
    assert "Strādāt kafejnīcā" in detail and "900,00" in detail


def test_a_stale_page_is_refused_not_merged(client, world):
    version = make_plan(world)
    line = add_line(world, version, months=2)
    _login(client, world.worker)
    url = f"/plans/versions/{version.pk}/lines/{line.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'name="revision" value="2"' in page
    add_goal(world, version)  # a colleague saves first: revision 3
    stale = client.post(
        url,
        {
            "revision": 2,
            "service_type": world.support_person.pk,
            "provider": world.provider.pk,
            "funding_source": "individual_budget",
            "quantity": "3",
            "start": "2026-01-01",
            "months": 2,
            "priority": 1,
        },
    )
    assert stale.status_code == 400
    assert "Ierakstu pa to laiku ir mainījis kāds cits. Atveriet to no jauna." in (
        stale.content.decode()
    )
    assert str(PlanLine.objects.get().quantity) == "10.00"


def test_agree_activate_letters_and_pdf(client, world):
    version = make_plan(world)
    add_goal(world, version)
    add_line(world, version, months=3)
    _login(client, world.worker)
    agree_url = f"/plans/versions/{version.pk}/agree/"
    assert client.get(agree_url).status_code == 200
    bad = client.post(agree_url, {"revision": 3, "signed_on": "2026-01-02", "sign_method": "x"})
    assert bad.status_code == 400
    ok = client.post(
        agree_url,
        {
            "revision": 3,
            "signed_on": "2026-01-02",
            "sign_method": "in_person",
            "signed_by_representative": "self",
        },
    )
    assert ok.status_code == 302
    assert fresh(version).status == PlanStatus.AGREED
    letter = GuaranteeLetter.objects.get()
    # an agreed version is not editable any more
    refused = client.post(
        f"/plans/versions/{version.pk}/goals/new/",
        {"revision": 4, "term": "long", "domain": "employment", "text": "Vēl"},
    )
    assert refused.status_code == 400
    assert "Labot var tikai plāna melnrakstu." in refused.content.decode()
    activate_url = f"/plans/versions/{version.pk}/activate/"
    assert "Vai ieviest" in client.get(activate_url).content.decode()
    assert client.post(activate_url).status_code == 302
    assert fresh(version).status == PlanStatus.ACTIVE
    assert client.get(f"/plans/{version.plan_id}/letters/").status_code == 200
    assert letter.number in client.get(letter.get_absolute_url()).content.decode()
    pdf = client.get(f"/plans/letters/{letter.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(event_type=AuditEventType.LETTER_DOWNLOADED).exists()


def test_activating_a_draft_page_explains_why_not(client, world):
    version = make_plan(world)
    _login(client, world.worker)
    response = client.post(f"/plans/versions/{version.pk}/activate/")
    assert response.status_code == 400
    assert "nav saskaņojusi un parakstījusi" in response.content.decode()


def test_new_version_compare_and_extend_pages(client, world):
    version = make_plan(world)
    add_goal(world, version)
    add_line(world, version, months=12)
    agree(world, version)
    _login(client, world.worker)
    client.post(f"/plans/versions/{version.pk}/activate/")
    assert client.post(f"/plans/versions/{version.pk}/new-version/").status_code == 302
    draft = PlanVersion.objects.get(status="draft")
    add_line(world, draft, quantity=1, start=dt.date(2026, 7, 1), months=6)
    compare = client.get(f"/plans/versions/{draft.pk}/compare/")
    assert compare.status_code == 200 and "pievienots" in compare.content.decode()
    delete_url = f"/plans/versions/{draft.pk}/lines/{draft.lines.first().pk}/delete/"
    assert "Vai tiešām dzēst" in client.get(delete_url).content.decode()
    client.post(delete_url, {"revision": fresh(draft).revision})
    assert draft.lines.count() == 1
    # the draft blocks an extension from the active version: a new version already exists
    response = client.post(
        f"/plans/versions/{version.pk}/extend/", {"end": "2027-03-31", "from_date": "2026-10-01"}
    )
    assert response.status_code == 400
    assert "Šim plānam jau ir melnraksts" in response.content.decode()


def test_summary_page_and_pdf(client, world):
    version = make_plan(world)
    add_goal(world, version, text="Dzīvot savā dzīvoklī")
    _login(client, world.worker)
    page = client.get(f"/plans/versions/{version.pk}/summary/").content.decode()
    for heading in ("Mani mērķi", "Kas man palīdz", "Mana nauda", "Jau samaksāts"):
        assert heading in page
    assert "Dzīvot savā dzīvoklī" in page
    pdf = client.get(f"/plans/versions/{version.pk}/summary.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_line_price_fragment(client, world):
    version = make_plan(world)
    _login(client, world.worker)
    url = f"/plans/versions/{version.pk}/lines/price/"
    ok = client.get(
        url,
        {
            "service_type": world.support_person.pk,
            "provider": world.provider.pk,
            "start": "2026-02-01",
        },
    )
    assert "20,00" in ok.content.decode()
    assert client.get(url, {"service_type": "x", "start": "nav"}).status_code == 200
    none = client.get(url, {"service_type": world.unpriced.pk, "start": "2026-02-01"})
    assert "nav spēkā esošas cenas" in none.content.decode()


def test_accountant_sees_money_not_goals_analyst_sees_nothing(client, world, make_user):
    version = make_plan(world)
    add_goal(world, version, text="Slepens sapnis")
    add_line(world, version, months=1)
    accountant = make_user(Role.ACCOUNTANT, world.municipality)
    _login(client, accountant)
    page = client.get(version.get_absolute_url())
    assert page.status_code == 200
    assert "Slepens sapnis" not in page.content.decode() and "200,00" in page.content.decode()
    assert client.get(f"/plans/versions/{version.pk}/summary/").status_code == 403
    assert client.get(f"/plans/versions/{version.pk}/lines/new/").status_code == 403
    analyst = make_user(Role.ANALYST, None)
    _login(client, analyst)
    assert client.get(version.get_absolute_url()).status_code == 404
    # The analyst sees no page of one client at all (pseudonyms in a list only): invisible.
    assert client.get(f"/plans/clients/{world.client.pk}/").status_code == 404


def test_only_the_head_sees_the_overrun_page(client, world, head):
    version = make_plan(world)
    _login(client, world.worker)
    assert client.get(f"/plans/versions/{version.pk}/overrun/").status_code == 403
    _login(client, head)
    url = f"/plans/versions/{version.pk}/overrun/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"revision": 1, "allowance": "abc", "reason": "x"})
    assert bad.status_code == 400
    ok = client.post(url, {"revision": 1, "allowance": "50,00", "reason": "Ziemas mēneši"})
    assert ok.status_code == 302
    assert str(fresh(version).overrun_allowance) == "50.00"


def test_start_page_lists_plans_waiting_for_the_social_worker(client, world):
    from atbalsts.people.services import case_assign

    case_assign(
        actor=world.head,
        client=world.client,
        social_worker=world.worker,
        start_date=dt.date(2026, 1, 1),
    )
    version = make_plan(world)
    page = _login(client, world.worker).get("/").content.decode()
    assert 'id="home-plans"' in page and version.get_absolute_url() in page
    assert "melnraksts jāpabeidz un jāsaskaņo" in page
