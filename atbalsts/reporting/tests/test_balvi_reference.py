"""The report reproduces Balvi's published pilot tables from a ledger that adds up to them.

The ledger here is built straight from the published table (each service's money spread
evenly, to the cent, over its persons and the pilot's months), not from the demo data set:
it checks that the report's arithmetic, counting and rounding give the published figures.
"""

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from atbalsts.assessment.dates import add_months
from atbalsts.people import services as people_services
from atbalsts.people.models import TargetGroup
from atbalsts.people.tests.factories import make_client
from atbalsts.reporting.exports import report_csv
from atbalsts.reporting.selectors import pilot_report

from .factories import make_spend, service

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"
PEOPLE = 10


def published(name: str) -> list[tuple[str, int, Decimal]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return [
            (r["service"], int(r["persons"]), Decimal(r["spent_eur"])) for r in csv.DictReader(f)
        ]


def split_cents(amount: Decimal, parts: int) -> list[Decimal]:
    cents = int(amount * 100)
    base, extra = divmod(cents, parts)
    return [Decimal(base + (1 if i < extra else 0)) / 100 for i in range(parts)]


def build_ledger(head: Any, balvi: Any, table: Any, *, child: bool, start: dt.date, months: int):
    clients = [
        make_client(actor=head, municipality=balvi, child=child, start_date=start)
        for _ in range(PEOPLE)
    ]
    family = {
        c.pk: people_services.circle_member_create(
            actor=head, client=c, data={"first_name": "Inese", "relation": "parent"}
        )
        for c in clients
    }
    first = 0
    for name, persons, spent in table:
        # a service for the parents or the support circle goes to a circle member
        to_circle = "vecākiem" in name or "atbalsta lokam" in name
        shares = iter(split_cents(spent, persons * months))
        for k in range(persons):
            client = clients[(first + k) % PEOPLE]
            for m in range(months):
                make_spend(
                    client=client,
                    service_type=service(name),
                    month=add_months(start, m),
                    amount=next(shares),
                    recipient=family[client.pk] if to_circle else None,
                )
        first += persons


@pytest.mark.parametrize(
    ("file", "child", "start", "end", "months", "total", "per_month"),
    [
        (
            "balvi_children.csv",
            True,
            dt.date(2019, 11, 1),
            dt.date(2020, 10, 31),
            12,
            "63236.60",
            "526.97",
        ),
        (
            "balvi_adults.csv",
            False,
            dt.date(2019, 11, 1),
            dt.date(2021, 1, 31),
            15,
            "110258.19",
            "735.05",
        ),
    ],
)
def test_published_tables_and_headline_figures(
    head: Any,
    balvi: Any,
    file: str,
    child: bool,
    start: dt.date,
    end: dt.date,
    months: int,
    total: str,
    per_month: str,
    django_assert_max_num_queries: Any,
) -> None:
    table = published(file)
    build_ledger(head, balvi, table, child=child, start=start, months=months)
    with django_assert_max_num_queries(4):
        report = pilot_report(
            user=head,
            municipalities=[balvi],
            target_group=TargetGroup.CHILD_FT if child else TargetGroup.ADULT_GRT,
            date_from=start,
            date_to=end,
        )
    assert report.total == Decimal(total)
    assert round(report.total) == {12: 63237, 15: 110258}[months]  # the published headline
    assert report.average_per_person_month == Decimal(per_month)
    assert report.average_months == Decimal(months)
    assert report.clients == PEOPLE
    # The published tables list the same rows; their order is only roughly "by people, then
    # money", so rows are compared as a set and the order is the report's own rule.
    rows = [(s.name, s.persons, s.amount) for s in report.services]
    assert sorted(rows) == sorted(table)
    assert rows == sorted(rows, key=lambda r: (-r[1], -r[2]))
    csv_rows = report_csv(report).decode("utf-8-sig").splitlines()
    assert csv_rows[0] == "service,persons,spent_eur"
    assert len(csv_rows) == len(table) + 1
