"""A monthly invoice is for a month that has ended: before the month's end only the last days
of letters that ended mid-month may be invoiced, since an invoice closes the month for the
provider (issue 11, "records that must not be wrong" 2)."""

import datetime as dt

import pytest
from django.urls import reverse

from atbalsts.billing.errors import MonthNotEnded, NothingToInvoice
from atbalsts.billing.models import Invoice
from atbalsts.core.dates import dmy, iso_month, my
from atbalsts.delivery.tests.factories import TODAY, make_letter, make_session
from atbalsts.plans.models import GuaranteeLetter

from .factories import submit
from .test_paper import enter, line

pytestmark = pytest.mark.django_db

THIS_MONTH = TODAY.replace(day=1)


def test_the_running_month_is_refused_while_a_letter_runs(world):
    letter = make_letter(world)
    if TODAY.day > 1:
        make_session(letter, date=THIS_MONTH)
    with pytest.raises(MonthNotEnded) as exc:
        submit(world, month=THIS_MONTH)
    message = str(exc.value.message)
    assert exc.value.field == "month"
    assert f"Mēnesis {my(THIS_MONTH)} vēl nav beidzies" in message
    assert letter.number in message
    assert dmy(letter.period_end) in message
    assert not Invoice.objects.exists()


def test_a_paper_invoice_for_the_running_month_is_refused_too(world):
    letter = make_letter(world)
    with pytest.raises(MonthNotEnded):
        enter(world, [line(letter)], month=THIS_MONTH)
    assert not Invoice.objects.exists()


def test_the_last_days_of_a_letter_that_ended_mid_month_may_be_invoiced(world):
    letter = make_letter(world)
    if TODAY.day > 1:
        make_session(letter, date=THIS_MONTH)
    GuaranteeLetter.objects.filter(pk=letter.pk).update(period_end=TODAY - dt.timedelta(days=1))
    if TODAY.day > 1:
        invoice = submit(world, month=THIS_MONTH)
        assert invoice.month == THIS_MONTH
        assert invoice.lines.get().sessions == 1
    else:  # the letter ended last month: nothing of this month, but not "not ended" either
        with pytest.raises(NothingToInvoice):
            submit(world, month=THIS_MONTH)


def test_the_running_month_page_shows_the_reason(client, world):
    make_letter(world)
    client.force_login(world.staff)
    response = client.post(
        reverse("billing:invoice_submit"),
        {"month": iso_month(THIS_MONTH), "number": "R-1", "municipality": world.municipality.pk},
    )
    assert response.status_code == 400
    assert "vēl nav beidzies" in response.content.decode()
    assert not Invoice.objects.exists()
