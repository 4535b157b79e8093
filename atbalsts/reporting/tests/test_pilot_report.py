"""The pilot report's figures on small cases computed by hand (docs/domain.md, "Reports")."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from atbalsts.core.errors import NotPermitted
from atbalsts.people.models import TargetGroup
from atbalsts.people.tests.factories import make_client
from atbalsts.plans.models import FundingSource
from atbalsts.reporting.selectors import latvian_sort_key, months_in, pilot_report

from .conftest import APR, FEB, JAN, MAR
from .factories import make_spend, service

pytestmark = pytest.mark.django_db

FIZIO = "Fizioterapeita konsultācijas"
PSIHOLOGS = "Psihologa konsultācija"
CHILD = TargetGroup.CHILD_FT


def report(user: Any, **kwargs: Any) -> Any:
    params = {
        "municipalities": None,
        "target_group": CHILD,
        "date_from": dt.date(2020, 1, 1),
        "date_to": dt.date(2020, 3, 31),
        **kwargs,
    }
    return pilot_report(user=user, **params)


@pytest.fixture
def two_children(new_child: Any, parent_of: Any) -> tuple[Any, Any, Any]:
    """A: physio Jan and Feb, psychologist Jan (same month). B: physio Mar from the
    municipal budget; B's mother: psychologist Feb and Mar."""
    fizio, psy = service(FIZIO), service(PSIHOLOGS)
    a, b = new_child(), new_child()
    mother = parent_of(b)
    make_spend(client=a, service_type=fizio, month=JAN, amount="100.00")
    make_spend(client=a, service_type=fizio, month=FEB, amount="100.00")
    make_spend(client=a, service_type=psy, month=JAN, amount="50.00")
    make_spend(
        client=b,
        service_type=fizio,
        month=MAR,
        amount="33.33",
        funding_source=FundingSource.MUNICIPAL,
    )
    make_spend(client=b, service_type=psy, month=FEB, amount="10.00", recipient=mother)
    make_spend(client=b, service_type=psy, month=MAR, amount="20.00", recipient=mother)
    return a, b, mother


def test_headline_figures(head: Any, two_children: Any) -> None:
    r = report(head)
    assert r.total == Decimal("313.33")
    assert r.clients == 2
    # A: January, February; B (through the mother too): February, March
    assert r.client_months == 4
    assert r.average_per_person_month == Decimal("78.33")  # 313.33 / 4 = 78.3325
    assert r.average_months == Decimal("2.00")
    assert not r.is_empty


def test_breakdown_by_funding_source_adds_up_to_the_total(head: Any, two_children: Any) -> None:
    r = report(head)
    assert [(s.funding_source, s.amount) for s in r.by_source] == [
        ("individual_budget", Decimal("280.00")),
        ("municipal", Decimal("33.33")),
    ]
    assert [s.label for s in r.by_source] == ["individuālais budžets", "pašvaldības budžets"]
    assert sum(s.amount for s in r.by_source) == r.total


def test_services_table_counts_support_circle_members_as_people(
    head: Any, two_children: Any
) -> None:
    r = report(head)
    assert [(s.name, s.persons, s.amount) for s in r.services] == [
        (FIZIO, 2, Decimal("233.33")),  # A and B
        (PSIHOLOGS, 2, Decimal("80.00")),  # A and B's mother, counted once over two months
    ]


def test_client_and_own_circle_member_are_two_people_for_one_service(
    head: Any, new_child: Any, parent_of: Any
) -> None:
    child = new_child()
    mother = parent_of(child)
    psy = service(PSIHOLOGS)
    make_spend(client=child, service_type=psy, month=JAN, amount="40.00")
    make_spend(client=child, service_type=psy, month=JAN, amount="40.00", recipient=mother)
    make_spend(client=child, service_type=psy, month=FEB, amount="40.00", recipient=mother)
    r = report(head)
    assert [(s.persons, s.amount) for s in r.services] == [(2, Decimal("120.00"))]
    assert (r.clients, r.client_months) == (1, 2)


def test_two_services_in_one_month_count_as_one_month(head: Any, new_child: Any) -> None:
    child = new_child()
    make_spend(client=child, service_type=service(FIZIO), month=JAN, amount="10.00")
    make_spend(client=child, service_type=service(PSIHOLOGS), month=JAN, amount="10.00")
    make_spend(
        client=child,
        service_type=service(FIZIO),
        month=JAN,
        amount="5.00",
        funding_source=FundingSource.STATE,
    )
    r = report(head)
    assert (r.clients, r.client_months) == (1, 1)
    assert r.average_per_person_month == Decimal("25.00")
    assert r.average_months == Decimal("1.00")


def test_average_per_month_rounds_once_half_up(head: Any, new_child: Any) -> None:
    child = new_child()
    make_spend(client=child, service_type=service(FIZIO), month=JAN, amount="0.02")
    make_spend(client=child, service_type=service(FIZIO), month=FEB, amount="0.03")
    r = report(head)
    assert r.total == Decimal("0.05")
    assert r.average_per_person_month == Decimal("0.03")  # 0.025 half up, not to even


def test_average_per_month_to_the_cent(head: Any, new_child: Any) -> None:
    child = new_child()
    for month in (JAN, FEB, MAR):
        make_spend(client=child, service_type=service(FIZIO), month=month, amount="3.33")
    make_spend(client=child, service_type=service(PSIHOLOGS), month=MAR, amount="0.01")
    r = report(head)
    assert r.average_per_person_month == Decimal("3.33")  # 10.00 / 3 = 3.333…


def test_average_months_rounds_half_up_to_two_decimals(head: Any, new_child: Any) -> None:
    fizio = service(FIZIO)
    for i in range(8):
        child = new_child()
        make_spend(client=child, service_type=fizio, month=JAN, amount="1.00")
        if i == 0:
            make_spend(client=child, service_type=fizio, month=FEB, amount="1.00")
    r = report(head)
    assert (r.clients, r.client_months) == (8, 9)
    assert r.average_months == Decimal("1.13")  # 9 / 8 = 1.125


def test_services_sorted_by_people_then_money_then_latvian_name(head: Any, new_child: Any) -> None:
    a, b = new_child(), new_child()
    names = [
        "Individuālā atbalsta programma",
        "Ģimenes asistenta pakalpojums",
        "Grupu nodarbība (personām)",
        "Asistenta pakalpojums",
        "Logopēda nodarbība",
    ]
    for name in names[:3]:  # one person, the same money: by name in Latvian order
        make_spend(client=a, service_type=service(name), month=JAN, amount="10.00")
    make_spend(client=a, service_type=service(names[3]), month=JAN, amount="99.00")
    make_spend(client=a, service_type=service(names[4]), month=JAN, amount="1.00")
    make_spend(client=b, service_type=service(names[4]), month=JAN, amount="1.00")
    r = report(head)
    assert [(s.name, s.persons) for s in r.services] == [
        ("Logopēda nodarbība", 2),  # more people first, whatever the money
        ("Asistenta pakalpojums", 1),  # then more money
        ("Grupu nodarbība (personām)", 1),
        ("Ģimenes asistenta pakalpojums", 1),
        ("Individuālā atbalsta programma", 1),
    ]


def test_latvian_sort_key_orders_letters_with_diacritics_after_their_base() -> None:
    words = ["Žogs", "zivs", "Čiekurs", "ceļš", "Ģimene", "grāmata", "ēna", "egle", "Ābols"]
    assert sorted(words, key=latvian_sort_key) == [
        "Ābols",
        "ceļš",
        "Čiekurs",
        "egle",
        "ēna",
        "grāmata",
        "Ģimene",
        "zivs",
        "Žogs",
    ]


def test_period_counts_whole_calendar_months(head: Any, new_child: Any) -> None:
    child = new_child()
    fizio = service(FIZIO)
    make_spend(client=child, service_type=fizio, month=dt.date(2019, 12, 1), amount="1.00")
    make_spend(client=child, service_type=fizio, month=JAN, amount="2.00")
    make_spend(client=child, service_type=fizio, month=MAR, amount="4.00")
    make_spend(client=child, service_type=fizio, month=APR, amount="8.00")
    r = report(head, date_from=dt.date(2020, 1, 15), date_to=dt.date(2020, 3, 1))
    assert r.total == Decimal("6.00")
    assert [(m.month, m.amount) for m in r.monthly] == [
        (JAN, Decimal("2.00")),
        (FEB, Decimal("0.00")),
        (MAR, Decimal("4.00")),
    ]


def test_rows_without_money_do_not_count(head: Any, new_child: Any) -> None:
    child = new_child()
    make_spend(client=child, service_type=service(FIZIO), month=JAN, amount="0.00")
    r = report(head)
    assert (r.clients, r.client_months, r.services) == (0, 0, [])


def test_empty_period_is_an_empty_report(head: Any, two_children: Any) -> None:
    r = report(head, date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 2, 29))
    assert r.is_empty
    assert (r.total, r.clients, r.client_months) == (Decimal("0.00"), 0, 0)
    assert r.average_per_person_month is None
    assert r.average_months is None
    assert r.services == [] and r.by_source == []
    assert [m.amount for m in r.monthly] == [Decimal("0.00"), Decimal("0.00")]


def test_target_group_filter(head: Any, balvi: Any, two_children: Any) -> None:
    adult = make_client(actor=head, municipality=balvi, start_date=dt.date(2019, 11, 1))
    make_spend(client=adult, service_type=service(FIZIO), month=JAN, amount="1000.00")
    assert report(head).total == Decimal("313.33")
    adults = report(head, target_group=TargetGroup.ADULT_GRT)
    assert (adults.total, adults.clients) == (Decimal("1000.00"), 1)
    both = report(head, target_group=None)
    assert (both.total, both.clients) == (Decimal("1313.33"), 3)


@pytest.fixture
def tukums_child(head: Any, tukums_head: Any, tukums: Any) -> Any:
    child = make_client(
        actor=tukums_head, municipality=tukums, child=True, start_date=dt.date(2019, 11, 1)
    )
    make_spend(client=child, service_type=service(FIZIO), month=JAN, amount="500.00")
    return child


def test_municipal_roles_see_their_own_municipality_only(
    head: Any, tukums_head: Any, two_children: Any, tukums_child: Any
) -> None:
    assert report(head).total == Decimal("313.33")
    assert report(tukums_head).total == Decimal("500.00")


def test_municipal_roles_may_not_ask_for_another_municipality(
    head: Any, tukums: Any, balvi: Any, two_children: Any
) -> None:
    assert report(head, municipalities=[balvi]).total == Decimal("313.33")
    with pytest.raises(NotPermitted):
        report(head, municipalities=[tukums])
    with pytest.raises(NotPermitted):
        report(head, municipalities=[balvi, tukums])


def test_analyst_sees_the_country_and_any_municipality(
    analyst: Any, balvi: Any, tukums: Any, two_children: Any, tukums_child: Any
) -> None:
    national = report(analyst)
    assert national.national
    assert (national.total, national.clients) == (Decimal("813.33"), 3)
    assert report(analyst, municipalities=[tukums]).total == Decimal("500.00")
    both = report(analyst, municipalities=[balvi, tukums])
    assert both.total == Decimal("813.33") and not both.national
    fizio = next(s for s in national.services if s.name == FIZIO)
    assert (fizio.persons, fizio.amount) == (3, Decimal("733.33"))


def test_provider_staff_get_no_report(make_user: Any, two_children: Any) -> None:
    from atbalsts.core.roles import Role

    with pytest.raises(NotPermitted):
        report(make_user(Role.PROVIDER, None))


def test_months_in_spans_calendar_months() -> None:
    assert months_in(dt.date(2019, 11, 30), dt.date(2020, 2, 1)) == [
        dt.date(2019, 11, 1),
        dt.date(2019, 12, 1),
        dt.date(2020, 1, 1),
        dt.date(2020, 2, 1),
    ]


@pytest.mark.parametrize("clients", [1, 50])
def test_fixed_number_of_queries(
    head: Any,
    analyst: Any,
    balvi: Any,
    new_child: Any,
    parent_of: Any,
    clients: int,
    django_assert_num_queries: Any,
) -> None:
    fizio, psy = service(FIZIO), service(PSIHOLOGS)
    for i in range(clients):
        child = new_child()
        make_spend(client=child, service_type=fizio, month=JAN, amount="10.00")
        if i % 2:
            make_spend(
                client=child, service_type=psy, month=FEB, amount="5.00", recipient=parent_of(child)
            )
    with django_assert_num_queries(4):
        r = report(head)
    assert r.clients == clients
    with django_assert_num_queries(4):
        national = report(analyst)
    with django_assert_num_queries(4):
        chosen = report(analyst, municipalities=[balvi])
    assert national.clients == chosen.clients == clients
    # a period without money has no services to name: one query fewer
    with django_assert_num_queries(3):
        empty = report(analyst, date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31))
    assert empty.clients == 0 and empty.services == []
