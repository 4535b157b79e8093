"""Every role's start page and the main pages (the client list, a client's page, a plan version,
the invoice list, the reports) answer with the same number of SQL queries at any data size:
each page is opened on a small Balvi and again after two more of everything were added — the
API's query-count world (`api/tests/test_query_counts.py`) plus, for the start page's panels,
more cases of the social worker with a draft plan and an overdue re-assessment — and the counts
must be equal. Before, the social worker's start page read each case's budget ledger in six
queries (up to 50 cases: 237–267 queries on the synthetic country)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atbalsts.api.tests.test_query_counts import Balvi, _grow, balvi_data  # noqa: F401
from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.people import services as people_services
from atbalsts.people.models import Client
from atbalsts.people.tests.factories import make_client
from atbalsts.plans import services as plan_services

pytestmark = pytest.mark.django_db

# The panels of the start page that list items, and the pages' context lists that must grow.
PANELS = ["my_cases", "plans_awaiting", "week_due"]


def _grow_cases(balvi: Balvi) -> None:
    """One more of everything, given to the social worker as her cases, and one more case with
    a draft plan and an assessment made 13 months ago (its re-assessment is overdue)."""
    _grow(balvi)
    world = balvi.world
    today = timezone.localdate()
    client = make_client(
        actor=world.worker,
        municipality=world.municipality,
        first_name=f"Lieta{balvi.grown}",
        keep_case=True,
    )
    # the new clients of the grown world (their letters are in force this week) are her cases
    for other in Client.objects.filter(municipality=world.municipality, assignments=None):
        people_services.case_assign(
            actor=world.head, client=other, social_worker=world.worker, start_date=today
        )
    make_assessment(actor=world.worker, client=client, assessed_on=today - dt.timedelta(days=400))
    plan_services.plan_create(
        actor=world.worker, client=client, start=today, end=today + dt.timedelta(days=180)
    )


def _pages(balvi: Balvi) -> list[tuple[str, str]]:
    world = balvi.world
    version = balvi.letter.version
    report = "group=adult&date_from=2020-01-01&date_to=" + timezone.localdate().isoformat()
    pages = [(who, "/") for who in ("worker", "head", "accountant", "analyst", "staff", "admin")]
    pages += [
        (who, url)
        for who in ("worker", "head", "accountant")
        for url in (
            "/people/clients/",
            f"/people/clients/{world.client.pk}/",
            f"/plans/versions/{version.pk}/",
            "/billing/invoices/",
        )
    ]
    pages += [
        ("head", f"/reports/pilot/?{report}"),
        ("analyst", f"/reports/pilot/?{report}"),
        ("head", "/reports/caseload/"),
    ]
    return pages


def _counts(client: Any, balvi: Balvi) -> dict[tuple[str, str], tuple[int, dict[str, int]]]:
    counts = {}
    for who, url in _pages(balvi):
        client.force_login(balvi.users[who])
        client.get(url)  # a first request may write once (the session, a 2FA grace start)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (who, url, response.status_code)
        sizes = {
            panel: len(response.context[panel])
            for panel in PANELS
            if url == "/" and response.context.get(panel) is not None
        }
        if url == "/":  # the title is text (the plans panel was once drawn into it)
            title = response.content.decode().split("<title>")[1].split("</title>")[0]
            assert "<" not in title, title
        if url == "/" and response.context.get("reassessments") is not None:
            sizes["overdue"] = len(response.context["reassessments"].overdue)
        counts[(who, url)] = (len(captured.captured_queries), sizes)
    return counts


def test_every_page_takes_the_same_number_of_queries_at_any_size(
    client: Any,
    balvi_data: Balvi,  # noqa: F811
) -> None:
    _grow_cases(balvi_data)
    small = _counts(client, balvi_data)
    _grow_cases(balvi_data)
    _grow_cases(balvi_data)
    large = _counts(client, balvi_data)
    grew = {key: (small[key][0], large[key][0]) for key in small if small[key][0] != large[key][0]}
    assert grew == {}, f"queries grew with the data (small, large): {grew}"
    # the start page's lists did grow (a panel that stayed empty would prove nothing)
    worker_small, worker_large = small[("worker", "/")][1], large[("worker", "/")][1]
    assert set(worker_small) == {*PANELS, "overdue"}
    assert all(worker_large[p] > worker_small[p] for p in worker_small), (
        worker_small,
        worker_large,
    )
    assert large[("head", "/")][1]["overdue"] > small[("head", "/")][1]["overdue"]


def test_the_invoice_filter_offers_only_the_providers_with_invoices(
    client: Any,
    balvi_data: Balvi,  # noqa: F811
) -> None:
    """The provider filter of the invoice list drew every provider of the register as an
    <option> (479 on the synthetic country: most of the accountant's page); it offers the
    providers of the invoices the user may see."""
    from atbalsts.billing.models import Invoice
    from atbalsts.catalog.tests.factories import make_provider

    world = balvi_data.world
    idle = make_provider(actor=balvi_data.users["admin"], municipality=world.municipality)
    client.force_login(balvi_data.users["accountant"])
    response = client.get("/billing/invoices/")
    offered = {p.pk for p in response.context["form"].fields["provider"].queryset}
    invoiced = set(
        Invoice.objects.filter(municipality=world.municipality).values_list(
            "provider_id", flat=True
        )
    )
    assert invoiced and offered == invoiced
    assert idle.pk not in offered and idle.name not in response.content.decode()
