"""A social worker registers a new client and takes the empty record to an active plan with
guarantee letters (3 goals, 7 plan lines) in at most 20 page loads, the registration counted
(from the "Jauns klients" form). A page load is a navigation of the main frame (a link, a form
sent, a redirect's target); what htmx fetches into the page is not. Goals and lines are edited
in place on the draft's page; the representative, the circle and the consents are entered on
one page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from atbalsts.accounts.tests.factories import PASSWORD, UserFactory
from atbalsts.catalog.models import ServiceUnit
from atbalsts.catalog.tests.factories import (
    make_provider,
    make_registration,
    make_service_type,
    make_tariff,
)
from atbalsts.core.roles import Role
from atbalsts.people.models import Client, Consent, Municipality, SupportCircleMember, TargetGroup
from atbalsts.people.tests.factories import unique_personal_code
from atbalsts.plans.models import GuaranteeLetter, PlanStatus, PlanVersion
from atbalsts.plans.tests.factories import make_rule

from .a11y import WIDTHS, axe_available, axe_problems, overflow
from .conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MAX_PAGE_LOADS = 20
LINES = [  # service, provider, quantity a month
    ("Atbalsta persona (slodzes tests)", "Biedrība Ābeļzieds", "4"),
    ("Atbalsta persona (slodzes tests)", "Nodibinājums Cerība", "2"),
    ("Dienas aprūpes centrs (slodzes tests)", "Biedrība Ābeļzieds", "2"),
    ("Dienas aprūpes centrs (slodzes tests)", "Nodibinājums Cerība", "1"),
    ("Grupu nodarbības (slodzes tests)", "Biedrība Ābeļzieds", "2"),
    ("Grupu nodarbības (slodzes tests)", "Nodibinājums Cerība", "2"),
    ("Atbalsta persona (slodzes tests)", "Biedrība Ābeļzieds", "1"),
]


def _catalogue(head: Any, balvi: Municipality) -> None:
    services = [
        make_service_type(actor=head, name_lv=name, unit=ServiceUnit.HOUR)
        for name in dict.fromkeys(name for name, _p, _q in LINES)
    ]
    for name in ("Biedrība Ābeļzieds", "Nodibinājums Cerība"):
        provider = make_provider(actor=head, municipality=balvi, name=name)
        make_registration(actor=head, provider=provider, service_types=services)
        for service in services:
            make_tariff(actor=head, provider=provider, service_type=service, unit_price="20.00")


# htmx has swapped, settled and processed what came (a function: the page's CSP forbids eval)
SETTLED = (
    "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
)


def _in_place(page: Any, action: str, slot: str) -> None:
    page.click(action)
    page.wait_for_selector(f"#{slot} form")
    # the fragment is in the page a moment before htmx has settled it (bound its triggers)
    page.wait_for_function(SETTLED)


def _add_line(page: Any, service: str, provider: str, quantity: str, goal: str) -> None:
    _in_place(page, "#lines >> text=Pievienot pakalpojumu", "line-editor")
    page.evaluate("document.querySelector('#id_provider').dataset.before = 'regroup'")
    page.select_option("#line-editor select[name=service_type]", label=service)
    page.wait_for_selector("#id_provider:not([data-before])", state="attached")
    page.select_option("#line-editor select[name=provider]", label=provider)
    page.select_option("#line-editor select[name=funding_source]", "individual_budget")
    page.fill("#line-editor input[name=quantity]", quantity)
    page.wait_for_selector("#line-editor #price:has-text('20,00')")  # the tariff, in place
    page.select_option("#line-editor select[name=goal]", label=goal)
    count = page.locator("#lines tbody tr").count()
    page.click("#line-editor button[type=submit]")
    expect(page.locator("#lines tbody tr")).to_have_count(count + 1)


def test_empty_record_to_active_plan_with_letters_in_at_most_20_page_loads(page, live_server):
    balvi = Municipality.objects.get(code="balvi")
    worker = UserFactory(role=Role.SOCIAL_WORKER, municipality=balvi, username="ilze")
    head = UserFactory(role=Role.HEAD, municipality=balvi, username="vadītāja")
    make_rule(head=head, municipality=balvi, target_group=TargetGroup.ADULT_GRT, monthly="500.00")
    _catalogue(head, balvi)
    login(page, live_server, worker.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('people:client_list')}")

    loads: list[str] = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and loads.append(frame.url))
    documents: list[str] = []
    page.on("request", lambda r: r.resource_type == "document" and documents.append(r.url))

    # the new client's empty record
    start = "2026-01-05"
    page.click("main >> text=Jauns klients")
    page.select_option("select[name=target_group]", TargetGroup.ADULT_GRT)
    page.fill("input[name=first_name]", "Jānis")
    page.fill("input[name=last_name]", "Ozols")
    page.fill("input[name=personal_code]", unique_personal_code(dt.date(1990, 3, 14)))
    page.fill("input[name=start_date]", start)
    page.click("main button[type=submit]")
    page.wait_for_selector("#assessments")
    client = Client.objects.get(last_name="Ozols")
    registered = len(loads)

    # the representative, a member of the support circle and two consents on one page
    page.click("text=Pārstāvis, loks un piekrišanas kopā")
    page.select_option("select[name=rep-kind]", "support_person")
    page.fill("input[name=rep-first_name]", "Dace")
    page.fill("input[name=rep-last_name]", "Ozola")
    page.fill("input[name=rep-valid_from]", start)
    page.fill("input[name=circle-0-first_name]", "Pēteris")
    page.fill("input[name=circle-0-last_name]", "Ozols")
    page.select_option("select[name=circle-0-relation]", "sibling")
    page.select_option("select[name=consent-0-purpose]", "pseudonymised_evaluation")
    page.fill("input[name=consent-0-given_on]", start)
    page.select_option("select[name=consent-1-purpose]", "share_specialist_conclusion")
    page.fill("input[name=consent-1-given_on]", start)
    page.check("input[name=consent-1-by_new_representative]")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Saglabāts.")

    # the needs assessment with the person's dreams and goals
    page.click("#assessments >> text=Jauns izvērtējums")
    page.fill("input[name=assessed_on]", start)
    page.fill(
        "textarea[name=own_goals]",
        "Strādāt kafejnīcā\nDzīvot patstāvīgi\nSatikt draugus ārpus mājas",
    )
    for select in page.locator("select[name^=score_]").all():
        select.select_option("2")
    page.click("main button[type=submit]")
    page.click("main >> a:has-text('Pabeigt')")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Izvērtējums pabeigts")

    # the indicative budget for twelve months
    page.goto(f"{live_server.url}{client.get_absolute_url()}")
    page.click("#budgets >> text=Jauns budžeta periods")
    page.fill("input[name=start]", start)
    page.fill("input[name=months]", "12")
    page.click("main button[type=submit]")
    page.click("#budgets >> button:has-text('aprēķināt')")
    page.wait_for_selector("text=Kāpēc šāda summa?")

    # the plan's draft
    page.goto(f"{live_server.url}{client.get_absolute_url()}")
    page.click("#plans >> text=Jauns plāns")
    page.click("main button[type=submit]")
    page.wait_for_selector("#plan-status:has-text('melnraksts')")
    draft_loads = len(loads)

    # three goals, in place: the assessment's three dreams picked at once
    _in_place(page, "#goals >> text=Mērķi no izvērtējuma", "goal-editor")
    for i, domain in enumerate(("employment", "home_living", "social_activities")):
        page.check(f"input[name=goals-{i}-take]")
        page.select_option(f"select[name=goals-{i}-domain]", domain)
        page.select_option(f"select[name=goals-{i}-term]", "long")
    page.click("#goal-editor button[type=submit]")
    page.wait_for_selector("#goals >> text=Mērķi pievienoti: 3.")

    # a refused line comes back into its place with the error; then seven lines
    _in_place(page, "#lines >> text=Pievienot pakalpojumu", "line-editor")
    page.fill("#line-editor input[name=quantity]", "0")
    page.click("#line-editor button[type=submit]")
    page.wait_for_selector("#line-editor [data-error-summary]")
    # the error summary takes the focus (when htmx has settled the swap), and the page with
    # its open form passes axe-core
    page.wait_for_function(SETTLED)
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    for size in WIDTHS:  # the open form fits a phone and a tablet, and passes axe-core
        page.set_viewport_size(size)
        assert overflow(page) is None, overflow(page)
        if axe_available():
            assert not axe_problems(page), axe_problems(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("#line-editor >> text=Atcelt")
    page.wait_for_selector("#line-editor form", state="detached")
    goals = ["Strādāt kafejnīcā", "Dzīvot patstāvīgi", "Satikt draugus ārpus mājas"]
    for n, (service, provider, quantity) in enumerate(LINES):
        _add_line(page, service, provider, quantity, goals[n % 3])
    assert len(loads) == draft_loads, f"in-place editing loaded pages: {loads[draft_loads:]}"

    # the person signs, the letters are issued, the plan is put in force
    page.click("text=Saskaņot un parakstīt")
    page.fill("input[name=signed_on]", start)
    page.select_option("select[name=sign_method]", "in_person")
    page.select_option("select[name=signed_by_representative]", "self")
    page.click("main button[type=submit]")
    page.wait_for_selector("#plan-status:has-text('saskaņots')")
    page.click("main >> a:has-text('Ieviest')")
    page.click("main button[type=submit]")
    page.wait_for_selector("#plan-status:has-text('spēkā')")

    version = PlanVersion.objects.get(plan__client=client)
    assert version.status == PlanStatus.ACTIVE
    assert version.goals.count() == 3 and version.lines.count() == 7
    assert GuaranteeLetter.objects.filter(version=version).count() == 2  # one per provider
    assert Consent.objects.filter(client=client).count() == 2
    assert SupportCircleMember.objects.filter(client=client).count() == 1
    print(
        f"page loads: {len(loads)} ({registered} of them registering the client); "
        f"document requests (with redirects): {len(documents)}"
    )
    assert len(loads) <= MAX_PAGE_LOADS, "\n".join(loads)
