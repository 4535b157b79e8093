"""Pages: forms re-render with 400 and write nothing on bad input; the happy paths work."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atbalsts.assessment import services
from atbalsts.assessment.models import (
    ADULT_DOMAINS,
    CHILD_DOMAINS,
    AllocationRule,
    BudgetOverride,
    BudgetPeriod,
    NeedsAssessment,
    SpecialistRole,
)
from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.core.roles import Role
from atbalsts.people import services as people_services
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db


def _management(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }


def _adult_post(intensity="2", **overrides):
    data = {
        "assessed_on": "2026-01-10",
        "own_goals": "Strādāt\nDzīvot patstāvīgi",
        "anamnesis": "A",
        "family_description": "F",
    }
    data.update({f"score_{d.value}": intensity for d in ADULT_DOMAINS})
    data.update(overrides)
    return data


def _child_post(**overrides):
    data = {"assessed_on": "2026-01-10", "common_goals": "Runāt"}
    data.update({f"score_{d.value}": "3" for d in CHILD_DOMAINS})
    data.update(_management("conclusions", 6))
    for i, role in enumerate(SpecialistRole):
        data[f"conclusions-{i}-role"] = role.value
        data[f"conclusions-{i}-text"] = ""
    data["conclusions-2-text"] = "Psihologa atzinums"
    data.update(_management("services", 2))
    data.update(
        {
            "services-0-priority": "1",
            "services-0-service_name": "Logopēds",
            "services-0-intensity": "2× nedēļā",
            "services-0-parents_rank": "1",
            "services-1-priority": "2",
        }
    )
    data.update(overrides)
    return data


@pytest.fixture
def adult(social_worker, balvi):
    return make_client(actor=social_worker, municipality=balvi)


@pytest.fixture
def child(social_worker, balvi):
    return make_client(actor=social_worker, municipality=balvi, child=True)


def test_adult_assessment_form_creates_a_draft(client, social_worker, adult):
    client.force_login(social_worker)
    url = reverse("assessment:assessment_create", args=[adult.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _adult_post())
    a = NeedsAssessment.objects.get()
    assert response.status_code == 302 and response.url == a.get_absolute_url()
    assert a.own_goals == ["Strādāt", "Dzīvot patstāvīgi"]
    assert a.scores.count() == 9


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"score_home_living": "7"}, "score_home_living", "Jāatlasa derīga izvēle."),
        ({"assessed_on": "2999-01-01"}, "assessed_on", "Izvērtēšanas datums nevar būt nākotnē."),
        ({"assessed_on": "vakar"}, "assessed_on", "Jāievada derīgs datums."),
        ({"anamnesis": "x" * 10001}, "anamnesis", "ne vairāk kā 10000 zīm"),
    ],
)
def test_adult_form_bad_input_is_400_and_nothing_written(
    client, social_worker, adult, overrides, field, message
):
    client.force_login(social_worker)
    response = client.post(
        reverse("assessment:assessment_create", args=[adult.pk]), _adult_post(**overrides)
    )
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field])
    assert NeedsAssessment.objects.count() == 0


def test_child_form_with_team_services_and_document(client, social_worker, child):
    client.force_login(social_worker)
    url = reverse("assessment:assessment_create", args=[child.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Speciālistu komandas atzinumi" in page.content.decode()
    data = _child_post()
    data["conclusions-2-document"] = SimpleUploadedFile("atzinums.pdf", b"%PDF-1.4 test")
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    a = NeedsAssessment.objects.get()
    conclusion = a.conclusions.get()
    assert conclusion.role == SpecialistRole.PSYCHOLOGIST
    assert [s.service_name for s in a.recommended_services.all()] == ["Logopēds"]
    download = client.get(reverse("assessment:conclusion_document", args=[a.pk, conclusion.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"


def test_child_form_bad_upload_is_400_next_to_the_row(client, social_worker, child):
    client.force_login(social_worker)
    data = _child_post()
    data["conclusions-2-document"] = SimpleUploadedFile("atzinums.exe", b"MZ")
    response = client.post(reverse("assessment:assessment_create", args=[child.pk]), data)
    assert response.status_code == 400
    assert response.context["conclusions"].forms[2].errors["document"] == [
        "Atļauti tikai PDF, JPEG, PNG un DOCX dokumenti."
    ]
    assert NeedsAssessment.objects.count() == 0


def test_child_form_duplicate_priority_is_400(client, social_worker, child):
    client.force_login(social_worker)
    data = _child_post(
        **{"services-1-priority": "1", "services-1-service_name": "B", "services-1-intensity": "1×"}
    )
    response = client.post(reverse("assessment:assessment_create", args=[child.pk]), data)
    assert response.status_code == 400
    assert response.context["recommended"].forms[1].errors["priority"] == [
        "Divi pakalpojumi nevar būt vienā vietā."
    ]
    assert NeedsAssessment.objects.count() == 0


def test_complete_then_edit_is_refused(client, social_worker, adult):
    client.force_login(social_worker)
    a = make_assessment(actor=social_worker, client=adult, complete=False)
    response = client.post(reverse("assessment:assessment_complete", args=[a.pk]))
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.is_completed
    response = client.get(reverse("assessment:assessment_edit", args=[a.pk]), follow=True)
    assert "Pabeigtu izvērtējumu labot nevar." in response.content.decode()


def test_complete_with_gaps_shows_what_is_missing(client, social_worker, adult):
    client.force_login(social_worker)
    a = services.assessment_create(
        actor=social_worker, client=adult, data={"assessed_on": dt.date(2026, 1, 10)}
    )
    response = client.post(reverse("assessment:assessment_complete", args=[a.pk]))
    assert response.status_code == 400
    assert "Novērtējiet atbalsta vajadzību jomā «mājas dzīve»." in response.content.decode()


def test_period_and_budget_pages(client, social_worker, head, child):
    make_assessment(actor=social_worker, client=child)
    client.force_login(social_worker)
    url = reverse("assessment:period_create", args=[child.pk])
    assert client.post(url, {"start": "2026-01-05", "months": "6"}).status_code == 302
    response = client.post(url, {"start": "2026-03-01", "months": "6"})
    assert response.status_code == 400
    assert "Periods pārklājas" in response.content.decode()
    response = client.post(url, {"start": "2026-09-01", "months": "abc"})
    assert response.status_code == 400
    assert BudgetPeriod.objects.count() == 1
    period = BudgetPeriod.objects.get()
    response = client.post(reverse("assessment:budget_compute", args=[period.pk]))
    budget = period.budgets.get()
    assert response.url == budget.get_absolute_url()
    page = client.get(budget.get_absolute_url()).content.decode()
    assert "Kāpēc šāda summa?" in page
    assert "Kopā 12 punkti. Grupa C attiecas uz 12 līdz 17 punktiem" in page
    detail = client.get(child.get_absolute_url()).content.decode()
    assert "Kāpēc šāda summa?" in detail and "400,00" in detail

    propose = reverse("assessment:override_propose", args=[budget.pk])
    response = client.post(propose, {"monthly_amount": "600,00", "reason": ""})
    assert response.status_code == 400
    response = client.post(propose, {"monthly_amount": "6,000.00", "reason": "x"})
    assert response.status_code == 400
    assert BudgetOverride.objects.count() == 0
    assert client.post(propose, {"monthly_amount": "600,00", "reason": "Tālu"}).status_code == 302
    override = BudgetOverride.objects.get()
    decide = reverse("assessment:override_decide", args=[override.pk])
    assert client.get(decide).status_code == 403
    client.force_login(head)
    home = client.get("/").content.decode()
    assert "1 budžeta summas maiņa gaida jūsu lēmumu" in home
    response = client.post(decide, {"decision": "maybe"})
    assert response.status_code == 400
    assert client.post(decide, {"decision": "approve", "note": "Labi"}).status_code == 302
    budget.refresh_from_db()
    assert budget.monthly_amount == Decimal("600.00")
    assert budget.period_amount == Decimal("3600.00")


def test_start_page_lists_overdue_reassessments(client, social_worker, head, child):
    people_services.case_assign(
        actor=head, client=child, social_worker=social_worker, start_date=dt.date(2026, 1, 5)
    )
    make_assessment(actor=social_worker, client=child, assessed_on=dt.date(2026, 1, 10))
    client.force_login(social_worker)
    page = client.get("/").content.decode()
    assert "Atkārtota izvērtēšana" in page
    assert "bija jāveic 10.07.2026" in page


def _rule_post(target_group_domains, **overrides):
    data = {"name": "Balvu noteikums", "valid_from": "2026-01-01", "valid_to": ""}
    for d in target_group_domains:
        for i in range(5):
            data[f"p_{d.value}_{i}"] = str(i)
    data.update(_management("bands", 2))
    data.update(
        {
            "bands-0-min_points": "0",
            "bands-0-code": "A",
            "bands-0-monthly_amount": "300",
            "bands-1-min_points": "6",
            "bands-1-code": "B",
            "bands-1-monthly_amount": "450,50",
        }
    )
    data.update(overrides)
    return data


def test_head_creates_and_edits_a_rule_without_json(client, head, balvi):
    client.force_login(head)
    assert client.get(reverse("assessment:rule_list")).status_code == 200
    url = reverse("assessment:rule_create") + "?target_group=child_ft"
    assert client.get(url).status_code == 200
    response = client.post(url, _rule_post(CHILD_DOMAINS))
    rule = AllocationRule.objects.get(municipality=balvi)
    assert response.status_code == 302
    assert rule.points["functioning"] == [0, 1, 2, 3, 4]
    assert [b.monthly_amount for b in rule.bands.all()] == [Decimal("300"), Decimal("450.50")]
    edit = reverse("assessment:rule_edit", args=[rule.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, _rule_post(CHILD_DOMAINS, **{"p_functioning_4": "0"}))
    assert response.status_code == 400
    assert "Lielākai atbalsta vajadzībai nevar būt mazāk punktu." in response.content.decode()
    response = client.post(edit, _rule_post(CHILD_DOMAINS, **{"bands-1-monthly_amount": "1,2,3"}))
    assert response.status_code == 400
    rule.refresh_from_db()
    assert rule.points["functioning"] == [0, 1, 2, 3, 4]


def test_rule_overlap_is_400(client, head, balvi):
    client.force_login(head)
    url = reverse("assessment:rule_create") + "?target_group=child_ft"
    client.post(url, _rule_post(CHILD_DOMAINS, valid_to="2026-12-31"))
    response = client.post(url, _rule_post(CHILD_DOMAINS, valid_from="2026-06-01"))
    assert response.status_code == 400
    assert "Šajā laikā jau ir spēkā noteikums" in response.content.decode()
    assert AllocationRule.objects.filter(municipality=balvi).count() == 1


def test_social_worker_cannot_open_rule_forms(client, social_worker, make_user, balvi):
    client.force_login(social_worker)
    assert client.get(reverse("assessment:rule_list")).status_code == 200
    assert client.get(reverse("assessment:rule_create")).status_code == 403
    rule = AllocationRule.objects.filter(municipality=None).first()
    assert client.get(reverse("assessment:rule_edit", args=[rule.pk])).status_code == 403
    client.force_login(make_user(Role.PROVIDER, balvi))
    assert client.get(reverse("assessment:rule_list")).status_code == 403


def test_edit_draft_child_assessment_and_read_pages(client, social_worker, child):
    a = make_assessment(actor=social_worker, client=child, complete=False)
    client.force_login(social_worker)
    edit = reverse("assessment:assessment_edit", args=[a.pk])
    page = client.get(edit).content.decode()
    assert "Nepieciešamas nodarbības." in page and "Fizioterapija" in page
    response = client.post(edit, _child_post(common_goals="Staigāt\nRunāt"))
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.common_goals == ["Staigāt", "Runāt"]
    assert [c.text for c in a.conclusions.all()] == ["Psihologa atzinums"]
    detail = client.get(a.get_absolute_url()).content.decode()
    assert "Staigāt" in detail and "Logopēds" in detail
    rule = AllocationRule.objects.get(municipality=None, target_group="child_ft")
    page = client.get(reverse("assessment:rule_detail", args=[rule.pk])).content.decode()
    assert "527,00" in page and "24+" in page
