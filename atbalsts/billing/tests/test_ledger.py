"""The budget ledger: planned, committed, spent and remaining per period and funding source,
to the cent with the plan, the letters and the approved invoices; the forecast and the
warnings; who may see it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.http import Http404

from atbalsts.assessment.dates import add_months
from atbalsts.billing import selectors
from atbalsts.billing.models import InvoiceLine, InvoiceStatus
from atbalsts.core.errors import NotPermitted
from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import (
    LAST_MONTH,
    START,
    TODAY,
    make_letter,
    make_letters,
    make_session,
)
from atbalsts.people import selectors as people_selectors
from atbalsts.people import services as people_services
from atbalsts.plans.models import FundingSource

from .factories import approved, lower_budget, record_sessions, submit

pytestmark = pytest.mark.django_db

IB = FundingSource.INDIVIDUAL_BUDGET


def rows(ledger):
    return {
        (entry.period.pk if entry.period else None, row.source): row
        for entry in ledger.periods
        for row in entry.rows
    }


def test_every_column_adds_up_to_its_source_to_the_cent(world, accountant):
    letters = make_letters(
        world,
        lines=[
            {"quantity": Decimal("7")},  # 7 × 20.00 × 12 = 1 680.00
            {
                "service_type": world.session_service,
                "quantity": Decimal("3"),
                "session_minutes": 45,
                "funding_source": FundingSource.MUNICIPAL,
            },  # 3 × 30.00 × 12 = 1 080.00
            {"provider": world.other_provider, "quantity": Decimal("1.5")},  # 1.5 × 25 × 12 = 450
        ],
    )
    mine, other = letters[world.provider.pk], letters[world.other_provider.pk]
    record_sessions(mine, [3, 10], line=1)
    record_sessions(mine, [4, 11, 18], line=2)
    record_sessions(other, [5])
    approved(world, submit(world), accountant)
    approved(
        world, submit(world, actor=world.other_staff, provider=world.other_provider), accountant
    )
    ledger = selectors.budget_ledger(user=world.worker, client=world.client, today=TODAY)
    by = rows(ledger)
    first, second = world.periods
    assert by[(first.pk, IB)].planned == Decimal("1065.00")  # (1 680 + 450) / 2
    assert by[(second.pk, IB)].planned == Decimal("1065.00")
    assert by[(first.pk, IB)].committed == Decimal("1065.00")
    assert by[(first.pk, FundingSource.MUNICIPAL)].planned == Decimal("540.00")
    assert by[(first.pk, IB)].spent == Decimal("65.00")  # 2 × 20 + 1 × 25
    assert by[(first.pk, FundingSource.MUNICIPAL)].spent == Decimal("90.00")
    assert by[(first.pk, IB)].budget == Decimal("6000.00")
    assert by[(first.pk, IB)].remaining == Decimal("5935.00")
    assert by[(first.pk, FundingSource.MUNICIPAL)].remaining == Decimal("450.00")
    assert by[(second.pk, IB)].spent == Decimal("0.00")
    # the spent column equals the approved invoice lines, to the cent
    approved_lines = InvoiceLine.objects.filter(
        invoice__status__in=[InvoiceStatus.APPROVED, InvoiceStatus.PAID],
        client=world.client,
    )
    assert sum(row.spent for row in by.values()) == approved_lines.aggregate(s=Sum("amount"))["s"]
    for source in (IB, FundingSource.MUNICIPAL):
        assert (
            sum(r.spent for (_p, s), r in by.items() if s == source)
            == approved_lines.filter(funding_source=source).aggregate(s=Sum("amount"))["s"]
        )
    # planned and committed add up to the plan and the letters
    assert sum(r.planned for r in by.values()) == Decimal("3210.00")
    assert sum(r.committed for r in by.values()) == sum(
        (letter.total for letter in letters.values()), Decimal("0.00")
    )


def test_the_remaining_budget_falls_by_exactly_the_approved_amount(world, accountant):
    letter = make_letter(world)
    record_sessions(letter, [3, 10, 17])
    before = rows(selectors.budget_ledger(user=world.worker, client=world.client, today=TODAY))
    invoice = approved(world, submit(world), accountant)
    after = rows(selectors.budget_ledger(user=world.worker, client=world.client, today=TODAY))
    key = (world.periods[0].pk, IB)
    assert before[key].remaining - after[key].remaining == invoice.total == Decimal("60.00")


def test_the_forecast_warns_when_the_budget_runs_out_before_the_period_ends(world, accountant):
    letter = make_letter(world)
    month = add_months(START, 1)
    for day in (3, 10, 17):
        make_session(letter, date=month + dt.timedelta(days=day - 1))
    approved(world, submit(world, month=month), accountant)
    lower_budget(world, monthly="20.00")  # 120.00 in the period
    today = add_months(START, 2) + dt.timedelta(days=9)  # two whole months have passed
    ledger = selectors.budget_ledger(user=world.worker, client=world.client, today=today)
    row = rows(ledger)[(world.periods[0].pk, IB)]
    forecast = row.forecast
    assert (forecast.months_elapsed, forecast.months_left) == (2, 4)
    assert forecast.pace == Decimal("30.00")
    assert forecast.projected == Decimal("180.00")
    assert forecast.runs_out_in == 2
    assert forecast.runs_out_early
    period = world.periods[0]
    assert ledger.warnings() == [
        "Pie pašreizējā tēriņu tempa (30,00\xa0€ mēnesī) individuālais budžets periodā "
        f"{period.start:%d.%m.%Y}–{period.end:%d.%m.%Y} beigsies pēc 2 mēn., pirms perioda "
        "beigām."
    ]


def test_the_forecast_warns_about_a_large_underuse(world, accountant):
    letter = make_letter(world)
    record_sessions(letter, [3])
    approved(world, submit(world), accountant)
    today = LAST_MONTH + dt.timedelta(days=5)  # five whole months of the first period passed
    ledger = selectors.budget_ledger(user=world.worker, client=world.client, today=today)
    forecast = rows(ledger)[(world.periods[0].pk, IB)].forecast
    assert forecast.pace == Decimal("4.00")
    assert forecast.unused == Decimal("5976.00")
    assert forecast.runs_out_in is None
    assert len(ledger.warnings()) == 1
    assert (
        "paliks neizmantoti 5\xa0976,00\xa0€ no individuālā budžeta 6\xa0000,00\xa0€"
        in (ledger.warnings()[0])
    )


def test_no_forecast_before_a_whole_month_has_passed(world):
    make_letter(world)
    ledger = selectors.budget_ledger(user=world.worker, client=world.client, today=START)
    assert rows(ledger)[(world.periods[0].pk, IB)].forecast is None
    assert ledger.warnings() == []


def test_who_sees_the_ledger(world, accountant, make_user, balvi, tukums):
    make_letter(world)
    for user in (world.worker, world.head, accountant, make_user(Role.AUDITOR, balvi)):
        selectors.budget_ledger(user=user, client=world.client, today=TODAY)
    for user in (
        world.staff,
        make_user(Role.ANALYST, None),
        make_user(Role.SOCIAL_WORKER, tukums),
        make_user(Role.ACCOUNTANT, tukums),
    ):
        with pytest.raises(NotPermitted):
            selectors.budget_ledger(user=user, client=world.client, today=TODAY)


def test_warnings_on_the_start_page_list_the_social_workers_own_cases(world, accountant):
    people_services.case_assign(
        actor=world.head, client=world.client, social_worker=world.worker, start_date=START
    )
    letter = make_letter(world)
    record_sessions(letter, [3])
    approved(world, submit(world), accountant)
    warnings = selectors.ledger_warnings(user=world.worker, today=LAST_MONTH + dt.timedelta(5))
    assert [w["client"] for w in warnings] == [world.client]


def test_the_ledger_block_is_not_shown_to_an_analyst(client, world, make_user):
    make_letter(world)
    client.force_login(make_user(Role.ANALYST, None))
    response = client.get(world.client.get_absolute_url())
    assert b"budget-ledger" not in response.content


def test_the_ledger_is_on_the_client_page(client, world, accountant):
    letter = make_letter(world)
    record_sessions(letter, [3])
    approved(world, submit(world), accountant)
    client.force_login(world.worker)
    response = client.get(world.client.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="budget-ledger"' in html
    assert "5\xa0980,00\xa0€" in html  # 6 000 − 20


def test_a_provider_does_not_find_the_clients_page(world):
    with pytest.raises(Http404):
        people_selectors.client_get(user=world.staff, pk=world.client.pk)
