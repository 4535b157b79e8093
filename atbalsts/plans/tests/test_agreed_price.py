"""A price agreed for the person: from the plan line through the head's approval, the letter,
the sessions and the invoice to the pilot report's total."""

from decimal import Decimal
from typing import Any

import pytest

from atbalsts.billing.tests.factories import approved, record_sessions, submit
from atbalsts.core.dates import month_end
from atbalsts.core.errors import DomainError, NotPermitted, ValidationFailed
from atbalsts.delivery.tests.factories import (
    END,
    LAST_MONTH,
    START,
    DeliveryWorld,
    line_data,
    make_delivery_world,
)
from atbalsts.plans import services
from atbalsts.plans.models import GuaranteeLetter, PlanLine, PlanStatus, PlanVersion
from atbalsts.plans.selectors import letter_unit_price
from atbalsts.reporting.selectors import pilot_report

pytestmark = pytest.mark.django_db

AGREED = {"agreed_unit_price": "26,00", "agreed_price_reason": "90 minūšu nodarbības"}


@pytest.fixture
def world(social_worker: Any, head: Any, balvi: Any) -> DeliveryWorld:
    return make_delivery_world(worker=social_worker, head=head, municipality=balvi)


@pytest.fixture
def accountant(make_user: Any, balvi: Any) -> Any:
    from atbalsts.core.roles import Role

    return make_user(Role.ACCOUNTANT, balvi)


def fresh(version: PlanVersion) -> PlanVersion:
    return PlanVersion.objects.get(pk=version.pk)


def draft_with_line(world: DeliveryWorld, **line: Any) -> tuple[PlanVersion, PlanLine]:
    version = services.plan_create(actor=world.worker, client=world.client, start=START, end=END)
    version = fresh(version)
    services.goal_add(
        actor=world.worker,
        version=version,
        revision=version.revision,
        data={"term": "long", "domain": "employment", "text": "Atrast darbu"},
    )
    version = fresh(version)
    added = services.line_add(
        actor=world.worker,
        version=version,
        revision=version.revision,
        data=line_data(world, **line),
    )
    return fresh(version), added


def agree(world: DeliveryWorld, version: PlanVersion) -> PlanVersion:
    services.version_agree(
        actor=world.worker,
        version=fresh(version),
        revision=fresh(version).revision,
        signed_on=START,
        sign_method="paper",
    )
    return services.version_activate(actor=world.worker, version=fresh(version))


def test_an_agreed_price_prices_the_line_and_keeps_the_tariff_beside_it(world):
    _version, line = draft_with_line(world, **AGREED)

    assert line.list_price == Decimal("20.00")  # the provider's tariff
    assert line.unit_price == Decimal("26.00")
    assert line.price_source == "agreed"
    assert line.total == Decimal("26.00") * 10 * 12
    assert line.price_needs_approval and not line.price_approved


def test_an_agreed_price_needs_its_reason(world):
    with pytest.raises(ValidationFailed) as caught:
        draft_with_line(world, agreed_unit_price="26.00")

    assert "agreed_price_reason" in caught.value.field_errors


def test_above_the_tariff_the_version_waits_for_the_heads_approval(world):
    version, line = draft_with_line(world, **AGREED)

    with pytest.raises(DomainError) as caught:
        agree(world, version)

    assert "norunātā cena 26,00\xa0€ ir augstāka par tarifu 20,00\xa0€" in str(caught.value.message)
    assert fresh(version).status == PlanStatus.DRAFT
    assert not GuaranteeLetter.objects.filter(version=version).exists()
    with pytest.raises(NotPermitted):  # a social worker cannot approve it
        services.line_price_approve(actor=world.worker, line=line, revision=fresh(version).revision)


def test_a_changed_price_asks_for_a_new_approval(world):
    version, line = draft_with_line(world, **AGREED)
    services.line_price_approve(actor=world.head, line=line, revision=fresh(version).revision)
    assert PlanLine.objects.get(pk=line.pk).price_approved_by == world.head

    changed = services.line_update(
        actor=world.worker,
        line=PlanLine.objects.get(pk=line.pk),
        revision=fresh(version).revision,
        data={"agreed_unit_price": "28.00"},
    )

    assert changed.price_approved_at is None and changed.price_approved_by is None
    # a change that leaves the price alone keeps the approval
    services.line_price_approve(actor=world.head, line=changed, revision=fresh(version).revision)
    kept = services.line_update(
        actor=world.worker,
        line=PlanLine.objects.get(pk=line.pk),
        revision=fresh(version).revision,
        data={"priority": 2},
    )
    assert kept.price_approved


def test_below_the_tariff_no_approval_is_needed(world):
    version, line = draft_with_line(
        world, agreed_unit_price="18.00", agreed_price_reason="Pašvaldības lēmums Nr. 12"
    )

    assert not line.price_needs_approval
    with pytest.raises(DomainError):
        services.line_price_approve(actor=world.head, line=line, revision=fresh(version).revision)
    agree(world, version)
    (letter,) = GuaranteeLetter.objects.filter(version=version)
    assert letter_unit_price(letter.lines[0]) == Decimal("18.00")


def test_the_agreed_price_runs_from_the_line_to_the_pilot_report(world, accountant):
    version, line = draft_with_line(world, **AGREED)
    services.line_price_approve(actor=world.head, line=line, revision=fresh(version).revision)
    agree(world, version)

    (letter,) = GuaranteeLetter.objects.filter(version=version)
    (letter_line,) = letter.lines
    assert letter_line["agreed_unit_price"] == "26.00"
    assert letter_line["unit_price"] == "26.00"
    assert letter_line["list_price"] == "20.00"
    assert letter_line["agreed_price_reason"] == "90 minūšu nodarbības"
    assert letter.total == Decimal("3120.00")

    sessions = record_sessions(letter, [3, 10, 17])
    assert {s.unit_price for s in sessions} == {Decimal("26.00")}
    assert {s.amount for s in sessions} == {Decimal("26.00")}  # 60 minutes = 1 hour

    invoice = approved(world, submit(world), accountant)
    (invoice_line,) = invoice.lines.all()
    assert invoice_line.unit_price == Decimal("26.00")
    assert invoice_line.amount == Decimal("78.00")
    assert invoice_line.differences == []
    assert invoice.total == Decimal("78.00")

    report = pilot_report(
        user=world.head,
        municipalities=None,
        target_group=world.client.target_group,
        date_from=LAST_MONTH,
        date_to=month_end(LAST_MONTH),
    )
    assert report.total == Decimal("78.00")


def test_an_invoice_above_the_agreed_price_is_a_difference(world, accountant):
    from atbalsts.billing import services as billing

    version, line = draft_with_line(world, **AGREED)
    services.line_price_approve(actor=world.head, line=line, revision=fresh(version).revision)
    agree(world, version)
    (letter,) = GuaranteeLetter.objects.filter(version=version)
    record_sessions(letter, [3])

    invoice = billing.invoice_enter_paper(
        actor=world.worker,
        municipality=world.municipality,
        provider=world.provider,
        month=LAST_MONTH,
        number="P-1",
        lines=[
            {
                "letter": letter.pk,
                "line_key": letter.lines[0]["key"],
                "quantity": "1",
                "unit_price": "30.00",
            }
        ],
    )

    codes = [d["code"] for d in invoice.lines.get().differences]
    assert "price_above_letter" in codes
    message = next(
        d["message"] for d in invoice.lines.get().differences if d["code"] == "price_above_letter"
    )
    assert "norunāto cenu 26,00" in message


def test_the_line_form_takes_an_agreed_price_and_the_head_approves_it_on_its_page(client, world):
    version, _line = draft_with_line(world)
    client.force_login(world.worker)
    url = f"/plans/versions/{version.pk}/lines/{_line.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'name="agreed_unit_price"' in page and 'name="quantity_basis"' in page
    data = {
        "revision": version.revision,
        "service_type": world.support_person.pk,
        "provider": world.provider.pk,
        "funding_source": "individual_budget",
        "quantity": "10",
        "start": START.isoformat(),
        "months": 12,
        "priority": 1,
        "quantity_basis": "month",
        "agreed_unit_price": "26,00",
        "agreed_price_reason": "90 minūšu nodarbības",
    }
    assert client.post(url, data).status_code == 302
    line = PlanLine.objects.get(pk=_line.pk)
    assert line.unit_price == Decimal("26.00") and line.price_needs_approval
    detail = client.get(version.get_absolute_url()).content.decode()
    assert "gaida vadītāja apstiprinājumu" in detail
    approve_url = f"/plans/versions/{version.pk}/lines/{line.pk}/price/"
    assert client.post(approve_url).status_code == 403  # not the social worker

    client.force_login(world.head)
    assert approve_url in client.get(version.get_absolute_url()).content.decode()
    assert client.post(approve_url).status_code == 302
    assert PlanLine.objects.get(pk=line.pk).price_approved_by == world.head
    # the form shows the agreed price again: saving it unchanged keeps it and its approval
    page = client.get(url).content.decode()
    assert 'value="26,00"' in page


def test_the_letter_shows_the_agreed_price_and_why(client, world):
    version, line = draft_with_line(world, **AGREED)
    services.line_price_approve(actor=world.head, line=line, revision=fresh(version).revision)
    agree(world, version)
    (letter,) = GuaranteeLetter.objects.filter(version=version)
    client.force_login(world.worker)

    page = client.get(letter.get_absolute_url()).content.decode()

    assert "norunātā cena: 90 minūšu nodarbības" in page


def test_the_api_takes_an_agreed_price_and_the_head_approves_it(client, world):
    import json

    from atbalsts.accounts.services import api_token_create

    def auth(user):
        _token, raw = api_token_create(actor=user, user=user, name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    version, _line = draft_with_line(world)
    body = {
        "revision": version.revision,
        "service_type_id": world.session_service.pk,
        "provider_id": world.provider.pk,
        "quantity": "25",
        "quantity_basis": "period",
        "start": START.isoformat(),
        "months": 12,
        "funding_source": "municipal",
        "agreed_unit_price": "34.00",
        "agreed_price_reason": "60 minūšu nodarbības",
    }
    response = client.post(
        f"/api/plans/versions/{version.pk}/lines",
        data=json.dumps(body),
        content_type="application/json",
        **auth(world.worker),
    )
    assert response.status_code == 201, response.content
    line = response.json()
    assert (line["list_price"], line["agreed_unit_price"], line["unit_price"]) == (
        "30.00",
        "34.00",
        "34.00",
    )
    assert (line["quantity_basis"], line["total"], line["price_approved_at"]) == (
        "period",
        "850.00",
        None,
    )
    url = f"/api/plans/lines/{line['id']}/price-approval"
    revision = {"revision": fresh(version).revision}
    as_worker = client.post(
        url, data=json.dumps(revision), content_type="application/json", **auth(world.worker)
    )
    assert as_worker.status_code == 403
    approved = client.post(
        url, data=json.dumps(revision), content_type="application/json", **auth(world.head)
    )
    assert approved.status_code == 200 and approved.json()["price_approved_at"] is not None
