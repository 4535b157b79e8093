"""The billing pages: list with filters and paging, detail with the differences, submit,
paper entry, the workflow buttons and the export; bad input re-renders with 400."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from atbalsts.billing.models import Invoice, InvoiceStatus, MonthlySpend
from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import LAST_MONTH, TODAY, make_letter, make_letters

from .factories import confirm, record_sessions, submit

pytestmark = pytest.mark.django_db

MONTH = LAST_MONTH.strftime("%Y-%m")


@pytest.fixture
def letter(world):
    letter = make_letter(world)
    record_sessions(letter, [3, 10, 17])
    return letter


def test_the_provider_submits_from_the_page(client, world, letter):
    client.force_login(world.staff)
    url = reverse("billing:invoice_submit")
    response = client.get(url)
    assert response.status_code == 200
    response = client.post(
        url, {"municipality": world.municipality.pk, "month": MONTH, "number": "R-1"}
    )
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == invoice.get_absolute_url()
    assert invoice.total == Decimal("60.00")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"month": "vakar", "number": "R-1"}, "month", "Mēnesim jābūt formā GGGG-MM."),
        ({"month": MONTH, "number": ""}, "number", "Šis lauks ir nepieciešams."),
    ],
)
def test_submit_bad_input_is_400(client, world, letter, data, field, message):
    client.force_login(world.staff)
    response = client.post(
        reverse("billing:invoice_submit"), {"municipality": world.municipality.pk, **data}
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Invoice.objects.count() == 0


def test_submitting_the_same_month_twice_is_400_with_the_reason(client, world, letter):
    submit(world)
    client.force_login(world.staff)
    response = client.post(
        reverse("billing:invoice_submit"),
        {"municipality": world.municipality.pk, "month": MONTH, "number": "R-2"},
    )
    assert response.status_code == 400
    assert "jau ir iesniedzis rēķinu" in response.content.decode()


def test_only_provider_staff_open_the_submit_page(client, world):
    client.force_login(world.worker)
    assert client.get(reverse("billing:invoice_submit")).status_code == 403


def test_the_list_filters_and_pages(client, world, letter, accountant):
    invoice = submit(world)
    client.force_login(accountant)
    url = reverse("billing:invoice_list")
    response = client.get(url)
    assert response.status_code == 200
    assert invoice.number in response.content.decode()
    response = client.get(url, {"status": "paid"})
    assert invoice.number not in response.content.decode()
    response = client.get(url, {"month": MONTH, "provider": world.provider.pk})
    assert invoice.number in response.content.decode()
    response = client.get(url, {"month": "nav"})
    assert response.status_code == 200  # a bad filter is ignored, shown as an error


def test_a_provider_sees_only_its_own_invoices(client, world, accountant):
    letters = make_letters(world, lines=[{}, {"provider": world.other_provider}])
    record_sessions(letters[world.provider.pk], [3])
    record_sessions(letters[world.other_provider.pk], [4])
    mine = submit(world)
    theirs = submit(world, actor=world.other_staff, provider=world.other_provider)
    client.force_login(world.staff)
    html = client.get(reverse("billing:invoice_list")).content.decode()
    assert mine.number in html and theirs.number not in html
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(mine.get_absolute_url()).status_code == 200


def test_the_detail_shows_each_difference_with_its_reason(client, world):
    letter = make_letter(world, quantity=Decimal("2"))
    record_sessions(letter, [3, 10, 17])
    invoice = submit(world)
    client.force_login(world.worker)
    html = client.get(invoice.get_absolute_url()).content.decode()
    assert "Rēķinā par šo vēstules rindu ir 3 vienības, bet mēnesī piešķirtas 2." in html
    response = client.post(reverse("billing:invoice_confirm", args=[invoice.pk]))
    assert response.status_code == 400
    assert "tāpēc saturu apstiprināt nevar" in response.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.SUBMITTED


def test_confirm_approve_pay_through_the_pages(client, world, letter, accountant):
    invoice = submit(world)
    client.force_login(world.worker)
    assert client.post(reverse("billing:invoice_recheck", args=[invoice.pk])).status_code == 302
    response = client.post(reverse("billing:invoice_confirm", args=[invoice.pk]))
    assert response.status_code == 302
    client.force_login(accountant)
    response = client.post(reverse("billing:invoice_approve", args=[invoice.pk]))
    assert response.status_code == 302
    assert MonthlySpend.objects.get().amount == Decimal("60.00")
    url = reverse("billing:invoice_pay", args=[invoice.pk])
    response = client.post(url, {"paid_on": "", "payment_reference": "MU-1"})
    assert response.status_code == 400
    response = client.post(
        url, {"paid_on": (TODAY + dt.timedelta(days=2)).isoformat(), "payment_reference": "MU-1"}
    )
    assert response.status_code == 400
    assert "Apmaksas datums nevar būt nākotnē." in response.content.decode()
    response = client.post(url, {"paid_on": TODAY.isoformat(), "payment_reference": "MU-1"})
    assert response.status_code == 302
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PAID


def test_buttons_are_refused_to_the_wrong_roles(client, world, letter, accountant):
    invoice = submit(world)
    client.force_login(accountant)
    assert client.post(reverse("billing:invoice_confirm", args=[invoice.pk])).status_code == 403
    client.force_login(world.staff)
    assert client.post(reverse("billing:invoice_reject", args=[invoice.pk])).status_code == 403
    confirm(world, invoice)
    client.force_login(world.worker)
    assert client.post(reverse("billing:invoice_approve", args=[invoice.pk])).status_code == 403


def test_reject_through_the_page(client, world, letter):
    invoice = submit(world)
    client.force_login(world.worker)
    url = reverse("billing:invoice_reject", args=[invoice.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Nav parakstu"}).status_code == 302
    assert Invoice.objects.get(pk=invoice.pk).rejection_reason == "Nav parakstu"


def test_paper_invoice_page(client, world, letter):
    client.force_login(world.worker)
    url = reverse("billing:invoice_paper")
    assert client.get(url).status_code == 200
    response = client.get(url, {"provider": world.provider.pk, "month": MONTH, "number": "P-1"})
    assert response.status_code == 200
    assert letter.number in response.content.decode()
    data = {"provider": world.provider.pk, "month": MONTH, "number": "P-1"}
    response = client.post(url, {**data, "quantity_0": "abc", "unit_price_0": "20,00"})
    assert response.status_code == 400
    assert "Jābūt skaitlim, piemēram, 12,50." in response.content.decode()
    assert Invoice.objects.count() == 0
    response = client.post(url, {**data, "quantity_0": "3", "unit_price_0": "20,00"})
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.total == Decimal("60.00")
    assert invoice.difference_count == 0


def test_paper_page_is_for_social_workers(client, world, accountant):
    client.force_login(accountant)
    assert client.get(reverse("billing:invoice_paper")).status_code == 403
    client.force_login(world.staff)
    assert client.get(reverse("billing:invoice_paper")).status_code == 403


def test_export_page(client, world, letter, accountant):
    client.force_login(accountant)
    url = reverse("billing:invoice_export")
    assert client.get(url).status_code == 200
    assert client.get(url, {"month": "x", "format": "csv"}).status_code == 400
    response = client.get(url, {"month": MONTH, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="rekini-{world.municipality.code}-{MONTH}.csv"'
    )
    client.force_login(world.worker)
    assert client.get(url).status_code == 403


def test_the_start_page_shows_waiting_invoices(client, world, letter, accountant):
    submit(world)
    client.force_login(world.worker)
    assert "1 rēķins gaida satura apstiprināšanu" in client.get("/").content.decode()


def test_analysts_and_outsiders_see_no_invoices(client, world, letter, make_user, tukums):
    invoice = submit(world)
    for user in (make_user(Role.ANALYST, None), make_user(Role.ACCOUNTANT, tukums)):
        client.force_login(user)
        assert client.get(invoice.get_absolute_url()).status_code == 404
    client.force_login(make_user(Role.ANALYST, None))
    assert client.get(reverse("billing:invoice_list")).status_code == 403
