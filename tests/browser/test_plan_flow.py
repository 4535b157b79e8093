"""A social worker walks the whole cycle in the browser: assessment → indicative budget →
support plan → agreement → guarantee letter (the catalogue and the rule are set up in Python)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from atbalsts.accounts.tests.factories import PASSWORD, UserFactory
from atbalsts.catalog.models import ServiceUnit
from atbalsts.catalog.tests.factories import (
    make_provider,
    make_registration,
    make_service_type,
    make_tariff,
)
from atbalsts.core.roles import Role
from atbalsts.people.models import Municipality
from atbalsts.people.tests.factories import make_client
from atbalsts.plans.models import GuaranteeLetter, PlanStatus, PlanVersion
from atbalsts.plans.tests.factories import make_rule

from .conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_assessment_budget_plan_agreement_and_guarantee_letter(page, live_server):
    balvi = Municipality.objects.get(code="balvi")
    worker = UserFactory(role=Role.SOCIAL_WORKER, municipality=balvi, username="ilze")
    head = UserFactory(role=Role.HEAD, municipality=balvi, username="vadītāja")
    client = make_client(actor=worker, municipality=balvi, first_name="Jānis", last_name="Kalniņš")
    make_rule(head=head, municipality=balvi, target_group=client.target_group, monthly="500.00")
    service = make_service_type(
        actor=head, name_lv="Atbalsta persona (pārlūka tests)", unit=ServiceUnit.HOUR
    )
    provider = make_provider(actor=head, municipality=balvi, name="Biedrība Ābeļzieds")
    make_registration(actor=head, provider=provider, service_types=[service])
    make_tariff(actor=head, provider=provider, service_type=service, unit_price="20.00")
    login(page, live_server, worker.username, PASSWORD)
    client_url = f"{live_server.url}{client.get_absolute_url()}"

    # the needs assessment
    page.goto(client_url)
    page.click("#assessments >> text=Jauns izvērtējums")
    page.fill("input[name=assessed_on]", "2026-01-10")
    page.fill("textarea[name=own_goals]", "Strādāt kafejnīcā\nDzīvot patstāvīgi")
    for select in page.locator("select[name^=score_]").all():
        select.select_option("2")
    page.click("main button[type=submit]")
    page.click("main >> a:has-text('Pabeigt')")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Izvērtējums pabeigts")

    # the indicative budget: a twelve-month period, computed by the rule
    page.goto(client_url)
    page.click("#budgets >> text=Jauns budžeta periods")
    page.fill("input[name=start]", "2026-01-01")
    page.fill("input[name=months]", "12")
    page.click("main button[type=submit]")
    page.click("#budgets >> button:has-text('aprēķināt')")
    page.wait_for_selector("text=Kāpēc šāda summa?")

    # the plan: a draft with a goal and a service
    page.goto(client_url)
    page.click("#plans >> text=Jauns plāns")
    page.fill("input[name=start]", "2026-01-01")
    page.fill("input[name=end]", "2026-12-31")
    page.click("main button[type=submit]")
    page.wait_for_selector("#plan-status:has-text('melnraksts')")
    page.click("text=Pievienot mērķi")
    page.select_option("select[name=domain]", "employment")
    page.fill("textarea[name=text]", "Atrast darbu kafejnīcā")
    page.fill("textarea[name=progress_measure]", "Strādā vismaz 10 stundas nedēļā")
    page.click("main button[type=submit]")
    page.wait_for_selector("#goals >> text=Mērķis saglabāts.")  # saved in place (htmx)
    page.click("text=Pievienot pakalpojumu")
    page.wait_for_selector("#line-editor #id_provider")  # the form opens in place (htmx)
    # choosing the service regroups the provider list (htmx swaps in a new select): choose
    # the provider once the new list is there
    page.evaluate("document.querySelector('#id_provider').dataset.before = 'regroup'")
    page.select_option("select[name=service_type]", label="Atbalsta persona (pārlūka tests)")
    page.wait_for_selector("#id_provider:not([data-before])", state="attached")
    page.select_option("select[name=provider]", label="Biedrība Ābeļzieds")
    page.fill("input[name=quantity]", "0")
    page.click("main button[type=submit]")
    assert page.locator(".error").first.inner_text() == "Daudzumam mēnesī jābūt lielākam par nulli."
    page.fill("input[name=quantity]", "8")
    page.wait_for_selector("#price:has-text('20,00')")  # htmx shows the tariff on the start date
    page.click("main button[type=submit]")
    page.wait_for_selector("#lines >> text=Biedrība Ābeļzieds")
    assert "1 920,00" in page.locator("#lines").inner_text().replace("\xa0", " ")

    # the person agrees and signs; the guarantee letter is issued
    page.click("text=Saskaņot un parakstīt")
    page.fill("input[name=signed_on]", timezone.localdate().isoformat())
    page.select_option("select[name=sign_method]", "in_person")
    page.select_option("select[name=signed_by_representative]", "self")
    page.click("main button[type=submit]")
    page.wait_for_selector("#plan-status:has-text('saskaņots')")
    number = f"GV-BALVI-{timezone.localdate().year}-0001"
    page.click(f"#letters >> text={number}")
    page.wait_for_selector(f"h1:has-text('{number}')")
    pdf_url = page.locator("a:has-text('Lejupielādēt PDF')").get_attribute("href")
    response = page.request.get(f"{live_server.url}{pdf_url}")
    assert response.status == 200 and response.body().startswith(b"%PDF")

    version = PlanVersion.objects.get(plan__client=client)
    assert version.status == PlanStatus.AGREED
    letter = GuaranteeLetter.objects.get(version=version)
    assert letter.number == number and letter.total == Decimal("1920.00")
