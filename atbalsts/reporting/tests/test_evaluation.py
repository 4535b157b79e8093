"""The evaluation figures of the pilot report, on small hand-computed data: goals' outcomes per
life domain, the people whose lives changed (each once), and the budget actually needed per
assessment band (average and maximum monthly spend next to the band's € a month)."""

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from atbalsts.accounts.services import api_token_create
from atbalsts.assessment import services as assessment_services
from atbalsts.assessment.models import ADULT_DOMAINS, CHILD_DOMAINS
from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.core.errors import NotPermitted
from atbalsts.core.roles import Role
from atbalsts.people.models import Client, Municipality, TargetGroup
from atbalsts.people.tests.factories import make_client
from atbalsts.plans import services as plan_services
from atbalsts.plans.models import FundingSource, PlanVersion
from atbalsts.plans.tests.factories import make_budget, make_world
from atbalsts.reporting.selectors import (
    BandNeed,
    budget_needed_by_band,
    outcomes_report,
    pilot_report_evaluated,
)

from .factories import make_spend, service

pytestmark = pytest.mark.django_db

FROM, TO = dt.date(2026, 2, 1), dt.date(2026, 10, 31)
GIMENES = "Ģimenes asistenta pakalpojums"


def _period(**overrides: Any) -> dict[str, Any]:
    return {
        "municipalities": None,
        "target_group": TargetGroup.ADULT_GRT,
        "date_from": FROM,
        "date_to": TO,
        **overrides,
    }


# --- outcomes ----------------------------------------------------------------------------------


def _active(world: Any, client: Client, domains: list[str]) -> PlanVersion:
    version = plan_services.plan_create(
        actor=world.worker, client=client, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    for i, domain in enumerate(domains):
        version.refresh_from_db()
        plan_services.goal_add(
            actor=world.worker,
            version=version,
            revision=version.revision,
            data={"term": "long", "domain": domain, "text": f"Mērķis {i}"},
        )
    version.refresh_from_db()
    plan_services.line_add(
        actor=world.worker,
        version=version,
        revision=version.revision,
        data={
            "service_type": world.support_person,
            "provider": world.provider,
            "quantity": Decimal("1"),
            "start": dt.date(2026, 1, 1),
            "months": 1,
            "funding_source": FundingSource.MUNICIPAL,
        },
    )
    version.refresh_from_db()
    version = plan_services.version_agree(
        actor=world.worker,
        version=version,
        revision=version.revision,
        signed_on=dt.date(2026, 1, 2),
        sign_method="paper",
    )
    return plan_services.version_activate(actor=world.worker, version=version)


def _outcome(world: Any, goal: Any, outcome: str, day: dt.date) -> None:
    plan_services.goal_outcome_record(
        actor=world.worker, goal=goal, outcome=outcome, reviewed_on=day
    )


def _review(world: Any, version: PlanVersion, day: dt.date, **flags: bool) -> None:
    plan_services.plan_review_record(
        actor=world.worker, plan=version.plan, reviewed_on=day, **flags
    )


@pytest.fixture
def outcomes_data(
    social_worker: Any, head: Any, balvi: Municipality, tukums: Municipality, make_user: Any
) -> Any:
    world = make_world(worker=social_worker, head=head, municipality=balvi)
    x = _active(world, world.client, ["employment", "employment", "home_living"])
    g1, g2, g3 = x.goals.order_by("position")
    _outcome(world, g1, "achieved", dt.date(2026, 3, 1))
    _outcome(world, g2, "partly", dt.date(2026, 3, 1))
    _outcome(world, g3, "not_achieved", dt.date(2026, 3, 1))
    # g1 is carried into version 2 and judged again later: it counts once, as "partly"
    draft = plan_services.version_new(actor=world.worker, version=x)
    v2 = plan_services.version_agree(
        actor=world.worker,
        version=draft,
        revision=draft.revision,
        signed_on=dt.date(2026, 4, 1),
        sign_method="paper",
    )
    v2 = plan_services.version_activate(actor=world.worker, version=v2)
    _outcome(world, v2.goals.get(key=g1.key), "partly", dt.date(2026, 9, 1))
    # before the period: not counted
    _outcome(world, v2.goals.get(key=g3.key), "achieved", dt.date(2026, 1, 20))
    # X reviewed twice with paid work: one person
    _review(world, v2, dt.date(2026, 3, 1), started_paid_work=True)
    _review(world, v2, dt.date(2026, 9, 1), started_paid_work=True, widened_support_circle=True)
    y = make_client(actor=social_worker, municipality=balvi, first_name="Jānis")
    yv = _active(world, y, ["community_living"])
    _outcome(world, yv.goals.get(), "achieved", dt.date(2026, 5, 5))
    _review(world, yv, dt.date(2026, 5, 5), moved_to_live_on_own=True, widened_support_circle=True)
    z = make_client(actor=social_worker, municipality=balvi, first_name="Zane")
    zv = _active(world, z, ["employment"])
    _review(world, zv, dt.date(2026, 1, 15), started_paid_work=True)  # before the period
    # Tukums: another municipality
    t_worker = make_user(Role.SOCIAL_WORKER, tukums)
    t_world = make_world(
        worker=t_worker, head=make_user(Role.HEAD, tukums), municipality=tukums, suffix=" T"
    )
    tv = _active(t_world, t_world.client, ["employment"])
    _outcome(t_world, tv.goals.get(), "achieved", dt.date(2026, 5, 5))
    _review(t_world, tv, dt.date(2026, 5, 5), started_paid_work=True)
    return world


def _counts(report: Any) -> dict[str, tuple[int, int, int]]:
    return {d.domain: (d.achieved, d.partly, d.not_achieved) for d in report.domains if d.total}


def test_outcomes_per_domain_and_people_each_once(
    outcomes_data: Any, head: Any, balvi: Municipality, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        report = outcomes_report(user=head, **_period(municipalities=[balvi]))
    # employment: g1 (latest: partly), g2 partly; home_living: g3 not achieved (the later
    # "achieved" is before the period); community_living: Y achieved
    assert _counts(report) == {
        "employment": (0, 2, 0),
        "home_living": (0, 0, 1),
        "community_living": (1, 0, 0),
    }
    assert [d.domain for d in report.domains] == [d.value for d in ADULT_DOMAINS]
    assert report.goals_total == 4
    assert report.reviewed_clients == 2  # X and Y; Z's review is before the period
    assert report.started_paid_work == 1  # X, reviewed twice
    assert report.moved_to_live_on_own == 1  # Y
    assert report.widened_support_circle == 2  # X and Y


def test_outcomes_nationally_and_by_scope(
    outcomes_data: Any, head: Any, make_user: Any, tukums: Municipality
) -> None:
    analyst = make_user(Role.ANALYST, None)
    national = outcomes_report(user=analyst, **_period())
    assert _counts(national)["employment"] == (1, 2, 0)
    assert national.started_paid_work == 2
    own = outcomes_report(user=head, **_period())  # a head's report is their municipality's
    assert own.started_paid_work == 1
    with pytest.raises(NotPermitted):
        outcomes_report(user=head, **_period(municipalities=[tukums]))


def test_outcomes_for_another_group_or_period_are_empty(outcomes_data: Any, head: Any) -> None:
    children = outcomes_report(user=head, **_period(target_group=TargetGroup.CHILD_FT))
    assert [d.domain for d in children.domains] == [d.value for d in CHILD_DOMAINS]
    assert children.goals_total == 0 and children.reviewed_clients == 0
    later = outcomes_report(
        user=head, **_period(date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31))
    )
    assert later.goals_total == 0 and later.started_paid_work == 0


# --- the budget actually needed per band --------------------------------------------------------


def _rule(head: Any, balvi: Municipality) -> None:
    """Adults: 0–3 points a domain by intensity; band A (0–14 points) 300 €, B (15+) 600 €."""
    assessment_services.rule_create(
        actor=head,
        municipality=balvi,
        data={
            "target_group": TargetGroup.ADULT_GRT,
            "name": "Divas grupas",
            "valid_from": dt.date(2025, 6, 1),
            "points": {d.value: [0, 1, 2, 3, 4] for d in ADULT_DOMAINS},
            "bands": [
                {"min_points": 0, "code": "A", "monthly_amount": Decimal("300.00")},
                {"min_points": 15, "code": "B", "monthly_amount": Decimal("600.00")},
            ],
        },
    )


def _adult(worker: Any, balvi: Municipality, name: str, intensity: int | None) -> Client:
    client = make_client(actor=worker, municipality=balvi, first_name=name)
    if intensity is not None:
        make_assessment(actor=worker, client=client, intensity=intensity)
        make_budget(actor=worker, client=client, start=dt.date(2026, 1, 1), months=6)
    return client


JAN, FEB, MAR, APR = (dt.date(2026, m, 1) for m in (1, 2, 3, 4))


@pytest.fixture
def needed_data(social_worker: Any, head: Any, balvi: Municipality) -> None:
    _rule(head, balvi)
    gim = service(GIMENES)
    psy = service("Psihologa konsultācija")
    a1 = _adult(social_worker, balvi, "Aija", 1)  # 9 points: band A
    a2 = _adult(social_worker, balvi, "Andris", 1)
    b1 = _adult(social_worker, balvi, "Baiba", 2)  # 18 points: band B
    none = _adult(social_worker, balvi, "Nora", None)  # no indicative budget
    # A1: 200 + 100 (municipal) in February, 300 in March → 600 over 2 months = 300.00 a month
    make_spend(client=a1, service_type=gim, month=FEB, amount="200.00")
    make_spend(
        client=a1,
        service_type=psy,
        month=FEB,
        amount="100.00",
        funding_source=FundingSource.MUNICIPAL,
    )
    make_spend(client=a1, service_type=gim, month=MAR, amount="300.00")
    # A2: 100.00 + 100.00 + 100.01 over 3 months = 100.003333… a month
    for month, amount in ((FEB, "100.00"), (MAR, "100.00"), (APR, "100.01")):
        make_spend(client=a2, service_type=gim, month=month, amount=amount)
    # B1: 950.00 in one month
    make_spend(client=b1, service_type=gim, month=MAR, amount="950.00")
    # N: 75.50 in one month
    make_spend(client=none, service_type=psy, month=APR, amount="75.50")
    # January is before the period: not counted
    make_spend(client=b1, service_type=gim, month=JAN, amount="5000.00")


def test_budget_needed_per_band_hand_computed(
    needed_data: Any, head: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        rows = budget_needed_by_band(user=head, **_period())
    # A: (300.00 + 100.003333…) / 2 = 200.0016… → 200.00; max 300.00
    assert rows == [
        BandNeed("adult_grt", "A", Decimal("300.00"), 2, Decimal("200.00"), Decimal("300.00")),
        BandNeed("adult_grt", "B", Decimal("600.00"), 1, Decimal("950.00"), Decimal("950.00")),
        BandNeed("adult_grt", "", None, 1, Decimal("75.50"), Decimal("75.50")),
    ]


def test_budget_needed_rounds_once_at_the_end(needed_data: Any, head: Any) -> None:
    rows = budget_needed_by_band(user=head, **_period(date_from=APR, date_to=APR))
    # April only: A2 100.01 (A), N 75.50 (none)
    assert [(r.band_code, r.clients, r.average, r.maximum) for r in rows] == [
        ("A", 1, Decimal("100.01"), Decimal("100.01")),
        ("", 1, Decimal("75.50"), Decimal("75.50")),
    ]


def test_budget_needed_is_empty_for_a_period_without_spend(needed_data: Any, head: Any) -> None:
    period = _period(date_from=dt.date(2027, 1, 1), date_to=dt.date(2027, 3, 31))
    assert budget_needed_by_band(user=head, **period) == []


def test_budget_needed_is_scoped(
    needed_data: Any, make_user: Any, tukums: Municipality, balvi: Municipality
) -> None:
    tukums_head = make_user(Role.HEAD, tukums)
    assert budget_needed_by_band(user=tukums_head, **_period()) == []
    with pytest.raises(NotPermitted):
        budget_needed_by_band(user=tukums_head, **_period(municipalities=[balvi]))
    analyst = make_user(Role.ANALYST, None)
    assert len(budget_needed_by_band(user=analyst, **_period())) == 3


def test_the_evaluated_report_uses_a_fixed_number_of_queries(
    needed_data: Any, head: Any, balvi: Municipality, django_assert_num_queries: Any
) -> None:
    # one target group: the budget needed's rows count the report's clients too (6, not 7)
    with django_assert_num_queries(6):
        report = pilot_report_evaluated(user=head, **_period(municipalities=[balvi]))
    assert report.outcomes is not None and report.budget_needed is not None
    assert report.total == Decimal("1925.51")  # 600.00 + 300.01 + 950.00 + 75.50


# --- in the outputs ------------------------------------------------------------------------------


def test_page_json_csv_and_xlsx_show_the_evaluation(
    outcomes_data: Any, needed_data: Any, client: Any, head: Any
) -> None:
    client.force_login(head)
    params = {"group": "adult", "date_from": "2026-02-01", "date_to": "2026-10-31"}
    html = client.get(reverse("reporting:pilot_report"), params).content.decode()
    assert "Faktiski vajadzīgais budžets pa budžeta grupām" in html
    assert "950,00\xa0€" in html and "Sāka algotu darbu" in html
    url = reverse("reporting:pilot_report_download", args=["json"])
    body = json.loads(client.get(url, params).content)
    assert body["outcomes"]["started_paid_work"] == 1
    assert body["outcomes"]["goals_by_domain"][3] == {
        "domain": "employment",
        "label": "nodarbinātība",
        "achieved": 0,
        "partly_achieved": 2,
        "not_achieved": 0,
    }
    assert body["budget_needed"][1] == {
        "target_group": "adult_grt",
        "band": "B",
        "band_monthly_amount": "600.00",
        "clients": 1,
        "average_monthly_spent": "950.00",
        "max_monthly_spent": "950.00",
    }
    url = reverse("reporting:pilot_report_download", args=["csv"])
    outcomes = client.get(url, {**params, "table": "outcomes"}).content.decode("utf-8-sig")
    assert outcomes.splitlines()[0] == "indicator,domain,count"
    assert "goals_partly_achieved,employment,2" in outcomes.splitlines()
    assert "started_paid_work,,1" in outcomes.splitlines()
    needed = client.get(url, {**params, "table": "budget_needed"}).content.decode("utf-8-sig")
    assert needed.splitlines() == [
        "target_group,band,band_monthly_eur,clients,average_monthly_eur,max_monthly_eur",
        "adult_grt,A,300.00,2,200.00,300.00",
        "adult_grt,B,600.00,1,950.00,950.00",
        "adult_grt,,,1,75.50,75.50",
    ]
    assert client.get(url, {**params, "table": "secrets"}).status_code == 404


def test_api_and_command_carry_the_evaluation(
    needed_data: Any, client: Any, head: Any, capsys: Any
) -> None:
    _token, raw = api_token_create(actor=head, user=head, name="t")
    params = {"group": "adult", "date_from": "2026-02-01", "date_to": "2026-10-31"}
    body = client.get("/api/reporting/pilot", params, HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert [b["band"] for b in body["budget_needed"]] == ["A", "B", None]
    call_command(
        "ib_report",
        "--municipality",
        "balvi",
        "--group",
        "adult",
        "--from",
        "2026-02-01",
        "--to",
        "2026-10-31",
        "--format",
        "csv",
        "--table",
        "budget_needed",
    )
    assert "adult_grt,B,600.00,1,950.00,950.00" in capsys.readouterr().out


def test_xlsx_and_pdf_carry_the_evaluation(needed_data: Any, client: Any, head: Any) -> None:
    client.force_login(head)
    params = {"group": "adult", "date_from": "2026-02-01", "date_to": "2026-10-31"}
    xlsx = client.get(reverse("reporting:pilot_report_download", args=["xlsx"]), params)
    sheet = load_workbook(io.BytesIO(xlsx.content))["Vajadzīgais budžets"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [str(v) for v in values[1][1:]] == ["B", "600", "1", "950", "950"]
    assert sheet["C3"].number_format == "#,##0.00"
    pdf = client.get(reverse("reporting:pilot_report_download", args=["pdf"]), params)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Faktiski vajadzīgais budžets" in text and "Sāka algotu darbu" in text
