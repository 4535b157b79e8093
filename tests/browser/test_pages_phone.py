"""Every main page of every role at a phone's width (390 px) and a tablet's (768 px): the page
never scrolls sideways (wide tables scroll inside their own box) and axe-core finds no serious
or critical violation (EN 301 549 / WCAG 2.2 AA). One data set for all roles, made once."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from atbalsts.accounts.tests.factories import PASSWORD, UserFactory
from atbalsts.billing.tests.factories import record_sessions, submit
from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import make_delivery_world, make_letter
from atbalsts.jobs.models import Job, JobStatus
from atbalsts.notifications.models import Notification
from atbalsts.people.models import Municipality
from atbalsts.plans import services as plan_services
from atbalsts.registers import services as registers_services

from .a11y import AXE, PHONE, WIDTHS, axe_available, axe_problems, overflow
from .conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=["default", "jobs"]
    ),
]

# The pages each role works on (by name; nav links are added from the page itself).
PAGES = {
    Role.SOCIAL_WORKER: [
        "client",
        "client_form",
        "plan",
        "line_form",
        "summary",
        "letter",
        "session",
        "calendar",
        "week",
        "invoice",
        "pauses",
        "remote_quality",
        "session_cancel",
        "provider",
        "relations_form",
        "goal_picks",
        "draft",
    ],
    Role.HEAD: [
        "client",
        "plan",
        "line_form",
        "letter",
        "calendar",
        "week",
        "invoice",
        "caseload",
        "register_import",
        "register_places",
    ],
    Role.PROVIDER: [
        "provider_client",
        "cancellation_form",
        "capacity_form",
        "session_form",
        "session",
        "invoice",
        "invoice_form",
        "grid",
        "grid_month",
        "group_session",
    ],
    Role.ACCOUNTANT: ["client", "invoice", "credit_notes"],
    Role.AUDITOR: ["client", "plan", "letter", "invoice"],
    Role.ANALYST: ["programme_compare"],
    Role.ADMIN: ["client", "plan", "line_form", "letter", "calendar", "invoice"],
}
ALWAYS = ["notifications", "account", "jobs"]
REGISTER_SAMPLES = Path(registers_services.__file__).resolve().parents[1] / "samples"


def _world() -> tuple[dict[Role, Any], dict[str, str]]:
    balvi = Municipality.objects.get(code="balvi")
    worker = UserFactory(role=Role.SOCIAL_WORKER, municipality=balvi, username="ilze")
    head = UserFactory(role=Role.HEAD, municipality=balvi, username="vaditaja")
    world = make_delivery_world(
        worker=worker,
        head=head,
        municipality=balvi,
        first_name="Anna-Marija Elizabete",
        last_name="Vītoliņa-Kalniņa-Bērziņa",
    )
    letter = make_letter(world)
    sessions = record_sessions(letter, [3, 4, 5])
    invoice = submit(world)
    draft = plan_services.version_new(actor=worker, version=letter.version)
    with (REGISTER_SAMPLES / "socialo_pakalpojumu_sniedzeji_2025-06.csv").open("rb") as extract:
        register_import = registers_services.register_import(
            actor=head, source="social_service_providers", name="izraksts.csv", file=extract
        )
    users = {
        Role.SOCIAL_WORKER: worker,
        Role.HEAD: head,
        Role.PROVIDER: world.staff,
        Role.ACCOUNTANT: UserFactory(role=Role.ACCOUNTANT, municipality=balvi),
        Role.AUDITOR: UserFactory(role=Role.AUDITOR, municipality=None),
        Role.ANALYST: UserFactory(role=Role.ANALYST, municipality=None),
        Role.ADMIN: UserFactory(
            role=Role.ADMIN, municipality=None, is_staff=True, is_superuser=True
        ),
    }
    for user in users.values():
        Notification.objects.create(
            recipient=user,
            kind=Notification.objects.model._meta.get_field("kind").choices[0][0],
            title="Plāna pārskatīšanas termiņš tuvojas: Vītoliņa-Kalniņa-Bērziņa",
            link=world.client.get_absolute_url(),
            dedupe_key=f"phone-test-{user.pk}",
        )
        Job.objects.create(
            kind="billing.ledger_rebuild",
            actor_id=user.pk,
            title="Budžeta virsgrāmatas pārrēķins visām pašvaldībām",
            status=JobStatus.FAILED,
            message="Darbs pārtrūka: apstrādes process apstājās.",
            finished_at=timezone.now(),
        )
    urls = {
        "client": world.client.get_absolute_url(),
        "provider_client": reverse("delivery:client_detail", args=[world.client.pk]),
        "plan": reverse("plans:plan_detail", args=[letter.version.plan_id]),
        "line_form": reverse("plans:line_create", args=[draft.pk]),
        "letter": reverse("plans:letter_detail", args=[letter.pk]),
        "session_form": reverse("delivery:session_create", args=[letter.pk]),
        "grid": reverse("delivery:grid"),
        "grid_month": reverse("delivery:grid") + "?view=month",
        "group_session": reverse("delivery:group_session") + f"?service={world.support_person.pk}",
        "session": reverse("delivery:session_detail", args=[sessions[0].pk]),
        "summary": reverse("plans:summary", args=[letter.version.pk]),
        "client_form": reverse("people:client_edit", args=[world.client.pk]),
        "invoice_form": reverse("billing:invoice_submit"),
        "calendar": reverse("delivery:calendar"),
        "pauses": reverse("plans:pauses", args=[letter.version.plan_id]),
        "remote_quality": reverse("delivery:remote_quality", args=[world.client.pk]),
        "session_cancel": reverse("delivery:session_cancel", args=[sessions[0].pk]),
        "provider": reverse("catalog:provider_detail", args=[world.provider.pk]),
        "cancellation_form": reverse("delivery:cancellation_create", args=[letter.pk]),
        "capacity_form": reverse("catalog:capacity_set", args=[world.provider.pk]),
        "week": reverse("delivery:week"),
        "invoice": reverse("billing:invoice_detail", args=[invoice.pk]),
        "caseload": reverse("reporting:caseload"),
        "relations_form": reverse("people:relations_form", args=[world.client.pk]),
        "goal_picks": reverse("plans:goal_picks", args=[draft.pk]),
        "draft": draft.get_absolute_url(),
        "notifications": reverse("notifications:list"),
        "account": reverse("accounts:account"),
        "jobs": reverse("jobs:list"),
        "register_import": reverse("registers:import_detail", args=[register_import.pk]),
        "register_places": reverse("registers:places"),
        "credit_notes": reverse("billing:credit_note_list"),
        "programme_compare": reverse("programme:municipalities")
        + f"?group=adult&date_from={timezone.localdate().year}-01-01"
        + f"&date_to={timezone.localdate().year}-12-31",
    }
    return users, urls


def _check(page: Any, url: str, *, axe: bool) -> list[str]:
    """Both widths; axe-core at each width once per page (the same page of another role is
    the same template: axe runs on the first role's). The widths differ in what is shown (the
    phone's folded menu), so axe looks at both."""
    problems = []
    for size in WIDTHS:
        page.set_viewport_size(size)
        wide = overflow(page)
        if wide:
            problems.append(f"{url} at {size['width']} px: {wide}")
        if axe:
            problems += [f"{url} at {size['width']} px: {v}" for v in axe_problems(page)]
    page.set_viewport_size(PHONE)
    if shots := os.environ.get("PHONE_SCREENSHOTS"):  # a folder, to look at the pages
        name = url.strip("/").replace("/", "_") or "home"
        page.screenshot(path=f"{shots}/{name}.png", full_page=True)
    return problems


def test_every_main_page_of_every_role_fits_a_phone_and_passes_axe(browser, live_server):
    axe = axe_available()  # without it the widths are still checked, then the test skips
    users, urls = _world()
    problems: list[str] = []
    seen = 0
    checked: set[str] = set()
    for role, user in users.items():
        context = browser.new_context(locale="lv-LV", viewport=PHONE)
        page = context.new_page()
        page.set_default_timeout(15000)
        login(page, live_server, user.username, PASSWORD)
        nav = page.eval_on_selector_all(
            "header nav a", "links => links.map(a => a.getAttribute('href'))"
        )
        paths = ["/", *nav, *(urls[name] for name in PAGES[role] + ALWAYS)]
        for path in dict.fromkeys(paths):
            response = page.goto(f"{live_server.url}{path}")
            if response is None or response.status != 200:
                problems.append(f"{role.value} {path}: HTTP {response and response.status}")
                continue
            seen += 1
            problems += [
                f"{role.value} {p}" for p in _check(page, path, axe=axe and path not in checked)
            ]
            checked.add(path)
        context.close()
    assert seen > 50
    assert not problems, "\n".join(problems)
    if not axe:
        pytest.skip(f"widths checked; axe-core missing at {AXE}: run `npm ci` (CI does)")


def test_the_phone_menu_folds_behind_a_button(browser, live_server):
    """At 390 px the main menu is behind a button that says whether it is open
    (aria-expanded), works from the keyboard and folds again with Escape; at 768 px the menu
    is open and the button is not there."""
    balvi = Municipality.objects.get(code="balvi")
    worker = UserFactory(role=Role.SOCIAL_WORKER, municipality=balvi, username="ilze")
    context = browser.new_context(locale="lv-LV", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, live_server, worker.username, PASSWORD)
    button = page.locator("header .menu-toggle")
    first_link = page.locator("header nav a").first
    assert button.is_visible() and button.get_attribute("aria-expanded") == "false"
    assert not first_link.is_visible()
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true" and first_link.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('nav') !== null")
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false" and not first_link.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")
    page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "true"
    page.set_viewport_size({"width": 768, "height": 1024})
    assert not button.is_visible() and first_link.is_visible()
    context.close()
