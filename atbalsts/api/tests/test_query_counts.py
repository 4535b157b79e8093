"""Every list in the API answers with the same number of SQL queries at any data size: each
list endpoint is called on a small Balvi (one client with a plan, letters, sessions, an
invoice …) and again after two more of everything were added, and the counts must be equal
(no query per row: related rows are joined, prefetched or read in one query per page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atbalsts.accounts.services import api_token_create
from atbalsts.assessment.dates import add_months
from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.billing.tests.factories import submit
from atbalsts.catalog.tests.factories import (
    make_location,
    make_municipal_price,
    make_provider,
    make_registration,
    make_service_type,
    make_tariff,
)
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.delivery import services as delivery_services
from atbalsts.delivery.tests.factories import (
    LAST_MONTH,
    START,
    DeliveryWorld,
    make_delivery_world,
    make_letters,
    make_session,
)
from atbalsts.people import services as people_services
from atbalsts.people.tests.factories import make_client
from atbalsts.plans import services as plan_services
from atbalsts.plans.models import GuaranteeLetter
from atbalsts.plans.tests.factories import make_budget
from atbalsts.reporting.tests.factories import make_spend, service

pytestmark = pytest.mark.django_db


@dataclass
class Balvi:
    world: DeliveryWorld
    letter: GuaranteeLetter
    users: dict[str, Any]
    grown: int = 0


def _letter_for(world: DeliveryWorld) -> GuaranteeLetter:
    """One letter from the world's provider with two lines (support person, psychologist)."""
    letters = make_letters(
        world,
        lines=[
            {"service_type": world.support_person, "quantity": Decimal("20")},
            {"service_type": world.psychologist, "quantity": Decimal("8")},
        ],
    )
    return letters[world.provider.pk]


def _another_client(world: DeliveryWorld, n: int) -> DeliveryWorld:
    """A new client of the same providers, with an assessment, budgets and letters."""
    client = make_client(actor=world.worker, municipality=world.municipality, first_name=f"K{n}")
    make_assessment(actor=world.worker, client=client)
    periods = [
        make_budget(actor=world.worker, client=client, start=START),
        make_budget(actor=world.worker, client=client, start=add_months(START, 6)),
    ]
    other = replace(world, client=client, periods=periods)
    _letter_for(other)
    return other


def _grow(balvi: Balvi) -> None:
    """One more of everything each list shows."""
    balvi.grown += 1
    n = balvi.grown
    world, letter = balvi.world, balvi.letter
    # sessions of the first client (held, a no-show, a psychologist's with notes) …
    day = LAST_MONTH + dt.timedelta(days=3 * n)
    make_session(letter, date=day)
    make_session(letter, date=day + dt.timedelta(days=1), status="no_show_notice")
    make_session(letter, line=2, date=day, start_time=dt.time(14, 0), techniques="Sarunas")
    # … and of another client, of another provider (a new world) that invoices the month
    other = make_delivery_world(
        worker=world.worker, head=world.head, municipality=world.municipality
    )
    other_letter = _letter_for(other)
    make_session(other_letter, date=day)
    submit(other, number=f"Q-{n:04d}")
    # a client of the first provider, with a consent to share conclusions
    more = _another_client(world, n)
    people_services.consent_give(
        actor=world.worker,
        client=more.client,
        data={"purpose": "share_specialist_conclusion", "given_on": START},
    )
    # the catalogue, the municipality's rules and the first client's plan
    new_type = make_service_type(actor=world.head, name_lv=f"Pakalpojums (vaicājumu tests {n})")
    make_registration(actor=world.head, provider=world.provider, service_types=[new_type])
    make_tariff(actor=world.head, provider=world.provider, service_type=new_type)
    make_municipal_price(
        actor=world.head, municipality=world.municipality, service_type=new_type, unit_price="9.00"
    )
    make_assessment(actor=world.worker, client=world.client)
    make_budget(actor=world.worker, client=world.client, start=add_months(START, 6 + 6 * n))
    make_provider(actor=world.head, municipality=world.municipality, name=f"Sniedzējs {n}")
    make_location(actor=world.head, provider=world.provider, municipality=world.municipality)
    delivery_services.emergency_declare(
        actor=world.head,
        municipality=world.municipality,
        data={
            "start": dt.date(2020 + n, 1, 1),
            "end": dt.date(2020 + n, 1, 31),
            "reason": "Plūdi",
        },
    )
    delivery_services.no_show_rule_create(
        actor=world.head,
        municipality=world.municipality,
        data={"share_percent": "50", "valid_from": dt.date(2020 + n, 1, 1)},
    )
    plan_services.plan_review_record(
        actor=world.worker,
        plan=letter.version.plan,
        reviewed_on=LAST_MONTH + dt.timedelta(days=n),
        started_paid_work=True,
    )
    people_services.representative_create(
        actor=world.worker,
        client=world.client,
        data={
            "first_name": "Pārstāvis",
            "last_name": f"Nr{n}",
            "kind": "guardian",
            "valid_from": START,
        },
    )
    for who in (world.client, more.client):
        make_spend(
            client=who,
            service_type=service("Psihologa konsultācija"),
            month=LAST_MONTH,
            amount=Decimal("12.34"),
        )


@pytest.fixture
def balvi_data(social_worker: Any, head: Any, balvi: Any, make_user: Any) -> Balvi:
    world = make_delivery_world(worker=social_worker, head=head, municipality=balvi)
    letter = _letter_for(world)
    users = {
        "worker": social_worker,
        "head": head,
        "staff": world.staff,
        "accountant": make_user(Role.ACCOUNTANT, balvi),
        "analyst": make_user(Role.ANALYST, None),
        "admin": make_user(Role.ADMIN, None, is_staff=True, is_superuser=True),
    }
    data = Balvi(world=world, letter=letter, users=users)
    _grow(data)
    return data


def _endpoints(balvi: Balvi) -> list[tuple[str, str, dict[str, Any]]]:
    """(user, URL, query) of every list in the API, for the users who read it."""
    world = balvi.world
    client = world.client.pk
    version = balvi.letter.version
    report = {"group": "adult", "date_from": "2020-01-01", "date_to": dt.date.today().isoformat()}
    return [
        ("worker", "/api/people/clients", {}),
        ("worker", f"/api/people/clients/{client}/representatives", {}),
        ("worker", f"/api/assessment/clients/{client}/assessments", {}),
        ("worker", f"/api/assessment/clients/{client}/periods", {}),
        ("head", "/api/assessment/rules", {}),
        ("worker", "/api/catalog/service-types", {}),
        ("worker", "/api/catalog/municipal-prices", {}),
        ("worker", "/api/catalog/providers", {}),
        ("head", f"/api/catalog/providers/{world.provider.pk}/registrations", {}),
        ("head", f"/api/catalog/providers/{world.provider.pk}/locations", {}),
        ("head", f"/api/catalog/providers/{world.provider.pk}/tariffs", {}),
        ("worker", f"/api/plans/clients/{client}/plans", {}),
        ("worker", f"/api/plans/plans/{version.plan_id}/reviews", {}),
        ("worker", f"/api/plans/versions/{version.pk}/letters", {}),
        ("worker", "/api/delivery/sessions", {}),
        ("head", "/api/delivery/sessions", {"limit": 100}),
        ("staff", "/api/delivery/sessions", {}),
        ("worker", f"/api/delivery/clients/{client}/no-shows", {}),
        ("staff", f"/api/delivery/clients/{client}/no-shows", {}),
        ("staff", "/api/delivery/clients", {}),
        ("worker", "/api/delivery/emergencies", {}),
        ("worker", "/api/delivery/no-show-rules", {}),
        ("worker", "/api/delivery/calendar", {"month": LAST_MONTH.strftime("%Y-%m")}),
        ("staff", "/api/delivery/calendar", {"month": LAST_MONTH.strftime("%Y-%m")}),
        ("accountant", "/api/billing/invoices", {}),
        ("staff", "/api/billing/invoices", {}),
        ("worker", f"/api/billing/clients/{client}/ledger", {}),
        ("head", "/api/reporting/pilot", report),
        ("analyst", "/api/reporting/pilot", report),
        ("head", "/api/reporting/caseload", {}),
    ]


def _counts(client: Any, balvi: Balvi, headers: dict[str, dict[str, str]]) -> dict[Any, Any]:
    counts = {}
    for who, url, query in _endpoints(balvi):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, query, **headers[who])
        assert response.status_code == 200, (who, url, response.content[:300])
        body = response.json()
        items = body.get("items", body) if isinstance(body, dict) else body
        counts[(who, url)] = (len(_reads(captured.captured_queries)), _size(items))
    return counts


def _reads(queries: list[dict[str, str]]) -> list[str]:
    """The queries of a request but for the audit trail: a list of assessments records that
    each was read (special-category data), one event per assessment shown, by design. Each
    event is a write to the chain: on PostgreSQL under its advisory lock (`core.audit`), on
    SQLite under a no-op update of the audit table."""
    audit = AuditEvent._meta.db_table
    sql = [q["sql"] for q in queries]
    if not any(audit in s and s.startswith("INSERT") for s in sql):
        return sql
    return [
        s
        for s in sql
        if audit not in s
        and not s.startswith(("SAVEPOINT", "RELEASE"))
        and not s.startswith("SELECT pg_advisory_xact_lock(")
    ]


def _size(items: Any) -> int | None:
    return len(items) if isinstance(items, list) else None


def test_every_list_takes_the_same_number_of_queries_at_any_size(
    client: Any, balvi_data: Balvi
) -> None:
    headers = {}
    for who, user in balvi_data.users.items():
        _token, raw = api_token_create(actor=user, user=user, name="query counts")
        headers[who] = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    small = _counts(client, balvi_data, headers)
    _grow(balvi_data)
    _grow(balvi_data)
    large = _counts(client, balvi_data, headers)
    grew = {key: (small[key][0], large[key][0]) for key in small if small[key][0] != large[key][0]}
    assert grew == {}, f"queries grew with the data (small, large): {grew}"
    # the lists did grow (a list that stayed empty would prove nothing)
    unchanged = [
        key
        for key in small
        if small[key][1] is not None
        and small[key] == large[key]
        and not any(key[0] == who and key[1].endswith(end) for who, end in FIXED)
    ]
    assert unchanged == [], f"lists that did not grow: {unchanged}"


# Lists whose length the growing does not change (their query counts are compared all the same):
# a client has one plan, a version's letters are fixed once issued, the allocation rules are one
# per municipality and target group, and the first provider invoices its month once.
FIXED = {("worker", "/plans"), ("worker", "/letters"), ("head", "/rules"), ("staff", "/invoices")}
