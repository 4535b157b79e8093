"""The programme's pages and figures: envelopes with committed, spent and forecast money and
their warnings; the spend split by co-financing; the municipalities side by side with small
numbers hidden, on the page and in XLSX; who may see and set what."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from atbalsts.billing import services as billing_services
from atbalsts.billing.programme_models import Envelope
from atbalsts.core.money import format_money
from atbalsts.people.models import TargetGroup
from atbalsts.people.tests.factories import make_client
from atbalsts.plans.models import FundingSource
from atbalsts.reporting.selectors.programme import (
    envelope_statuses,
    municipalities_compared,
    spend_split,
)

from .factories import make_spend, service

pytestmark = pytest.mark.django_db

IB = FundingSource.INDIVIDUAL_BUDGET
YEAR = 2020
PHYSIO = "Fizioterapeita konsultācijas"


def envelope(municipality, amount, actor):
    return billing_services.envelope_set(
        actor=actor,
        municipality=municipality,
        target_group=TargetGroup.CHILD_FT,
        year=YEAR,
        funding_source=IB,
        amount=amount,
    )


def test_an_envelope_warns_before_it_runs_out(analyst, head, balvi, new_child):
    envelope(balvi, "1000", analyst)
    child = new_child()
    make_spend(client=child, service_type=service(PHYSIO), month=dt.date(YEAR, 3, 1), amount="850")
    (status,) = envelope_statuses(user=analyst, year=YEAR, today=dt.date(YEAR, 12, 20))
    assert (status.spent, status.forecast, status.remaining) == (
        Decimal("850.00"),
        Decimal("850.00"),
        Decimal("150.00"),
    )
    assert status.level == ""
    make_spend(client=child, service_type=service(PHYSIO), month=dt.date(YEAR, 4, 1), amount="60")
    (status,) = envelope_statuses(user=head, year=YEAR, today=dt.date(YEAR, 12, 20))
    assert status.level == "near"
    assert status.warning == (
        f"Prognoze {format_money(Decimal(910))} tuvojas piešķīrumam {format_money(Decimal(1000))}."
    )
    make_spend(client=child, service_type=service(PHYSIO), month=dt.date(YEAR, 5, 1), amount="90")
    (status,) = envelope_statuses(user=head, year=YEAR, today=dt.date(YEAR, 12, 20))
    assert status.level == "spent"


def test_a_municipality_reads_only_its_own_envelopes(analyst, head, tukums_head, balvi, tukums):
    envelope(balvi, "1000", analyst)
    envelope(tukums, "2000", analyst)
    assert len(envelope_statuses(user=analyst, year=YEAR, today=dt.date(YEAR, 6, 1))) == 2
    (own,) = envelope_statuses(user=tukums_head, year=YEAR, today=dt.date(YEAR, 6, 1))
    assert own.envelope.municipality == tukums


def test_the_spend_split_adds_up_to_the_report(analyst, balvi, new_child):
    billing_services.co_financing_set(
        actor=analyst,
        funding_source=IB,
        valid_from=dt.date(YEAR, 1, 1),
        shares=[{"payer": "ESF+", "percent": "85"}, {"payer": "Valsts budžets", "percent": "15"}],
    )
    child = new_child()
    make_spend(
        client=child, service_type=service(PHYSIO), month=dt.date(YEAR, 1, 1), amount="10.01"
    )
    make_spend(
        client=child, service_type=service(PHYSIO), month=dt.date(YEAR, 2, 1), amount="10.01"
    )
    make_spend(
        client=child,
        service_type=service(PHYSIO),
        month=dt.date(YEAR, 2, 1),
        amount="5",
        funding_source=FundingSource.MUNICIPAL,
    )
    split = {
        s.funding_source: s
        for s in spend_split(
            user=analyst, date_from=dt.date(YEAR, 1, 1), date_to=dt.date(YEAR, 12, 31)
        )
    }
    # each month split once: 8.51 + 1.50 twice, never the sum split again
    assert split[IB].payers == {"ESF+": Decimal("17.02"), "Valsts budžets": Decimal("3.00")}
    assert sum(split[IB].payers.values()) == split[IB].amount == Decimal("20.02")
    assert split[FundingSource.MUNICIPAL].payers == {"": Decimal("5.00")}


def test_municipalities_side_by_side_hide_small_numbers(
    client, analyst, tukums_head, balvi, tukums, new_child
):
    physio = service(PHYSIO)
    for _ in range(3):
        make_spend(client=new_child(), service_type=physio, month=dt.date(YEAR, 1, 1), amount="100")
    lonely = make_client(
        actor=tukums_head, municipality=tukums, child=True, start_date=dt.date(2019, 11, 1)
    )
    make_spend(client=lonely, service_type=physio, month=dt.date(YEAR, 1, 1), amount="777")
    rows = {
        r.municipality.code: r
        for r in municipalities_compared(
            user=analyst,
            date_from=dt.date(YEAR, 1, 1),
            date_to=dt.date(YEAR, 12, 31),
            target_group=TargetGroup.CHILD_FT,
        )
    }
    assert (rows["balvi"].clients, rows["balvi"].per_person_month) == (3, Decimal("100.00"))
    assert rows["balvi"].services == [(PHYSIO, Decimal("100.00"))]
    assert not rows["balvi"].hidden
    assert rows["tukums"].hidden
    client.force_login(analyst)
    query = f"group=child&date_from={YEAR}-01-01&date_to={YEAR}-12-31"
    page = client.get(f"{reverse('programme:municipalities')}?{query}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "777" not in text
    assert "mazāk par 3 personām" in text
    book = client.get(f"{reverse('programme:municipalities')}?{query}&format=xlsx")
    sheet = load_workbook(io.BytesIO(book.content)).active
    values = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[balvi.name][1] == 3
    assert values[tukums.name][2] is None
    assert not any("777" in str(cell) for row in values.values() for cell in row)


def test_who_may_see_and_set(client, analyst, head, balvi, make_user):
    from atbalsts.core.roles import Role

    client.force_login(head)
    assert client.get(reverse("programme:programme")).status_code == 200
    assert client.get(reverse("programme:envelope_set")).status_code == 403
    client.force_login(make_user(Role.PROVIDER, None))
    assert client.get(reverse("programme:programme")).status_code == 403
    client.force_login(analyst)
    url = reverse("programme:envelope_set")
    bad = client.post(url, {"municipality": balvi.pk, "target_group": "child_ft", "year": YEAR})
    assert bad.status_code == 400
    done = client.post(
        url,
        {
            "municipality": balvi.pk,
            "target_group": "child_ft",
            "year": YEAR,
            "funding_source": IB,
            "amount": "12 000,00",
        },
    )
    assert done.status_code == 302
    assert Envelope.objects.get().amount == Decimal("12000.00")
    split_url = reverse("programme:co_financing_set")
    wrong = client.post(
        split_url,
        {"funding_source": IB, "valid_from": f"{YEAR}-01-01", "payer_1": "ESF+", "percent_1": "80"},
    )
    assert wrong.status_code == 400
    assert "Daļu summai jābūt tieši 100 %; tagad tā ir 80 %." in wrong.content.decode()
    page = client.get(f"{reverse('programme:programme')}?year={YEAR}")
    assert balvi.name in page.content.decode()
