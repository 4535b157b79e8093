"""Submitting a provider's monthly invoice: lines from the recorded sessions, one invoice per
provider, municipality and month, and bad input refused with nothing written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from atbalsts.billing import services
from atbalsts.billing.errors import InvoiceHasDifferences, MonthAlreadyInvoiced, NothingToInvoice
from atbalsts.billing.models import Invoice, InvoicedSession, InvoiceLine, InvoiceStatus
from atbalsts.billing.services import invoices
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.delivery import services as delivery_services
from atbalsts.delivery.tests.factories import (
    LAST_MONTH,
    TODAY,
    make_letter,
    make_letters,
    make_session,
)

from .factories import confirm, record_sessions, submit

pytestmark = pytest.mark.django_db


def test_lines_are_built_from_the_sessions_per_letter_line_and_recipient(world):
    letters = make_letters(
        world,
        lines=[
            {},
            {
                "service_type": world.session_service,
                "quantity": Decimal("4"),
                "session_minutes": 45,
            },
        ],
    )
    letter = letters[world.provider.pk]
    record_sessions(letter, [3, 10], line=1)
    record_sessions(letter, [4, 11, 18], line=2)
    invoice = submit(world)
    assert invoice.status == InvoiceStatus.SUBMITTED
    assert invoice.submitted_by == world.staff
    assert invoice.month == LAST_MONTH
    lines = list(invoice.lines.order_by("position"))
    assert [(line.quantity, line.unit_price, line.amount, line.sessions) for line in lines] == [
        (Decimal("2.00"), Decimal("20.00"), Decimal("40.00"), 2),
        (Decimal("3.00"), Decimal("30.00"), Decimal("90.00"), 3),
    ]
    assert invoice.total == Decimal("130.00")
    assert invoice.difference_count == 0
    assert all(line.differences == [] for line in lines)
    assert InvoicedSession.objects.filter(line__invoice=invoice).count() == 5
    event = AuditEvent.objects.get(event_type="billing.invoice_submitted")
    assert event.extra_data["total"] == "130.00"
    assert event.extra_data["clients"] == [world.client.pk]


def test_a_no_show_without_notice_is_invoiced_at_its_share(world):
    delivery_services.no_show_rule_create(
        actor=world.head,
        municipality=world.municipality,
        data={"share_percent": Decimal("50"), "valid_from": dt.date(2020, 1, 1)},
    )
    letter = make_letter(world)
    record_sessions(letter, [3])
    record_sessions(letter, [10], status="no_show_no_notice")
    invoice = submit(world)
    line = invoice.lines.get()
    sessions = InvoicedSession.objects.filter(line=line).select_related("session")
    assert line.amount == sum(s.session.amount for s in sessions) == Decimal("30.00")
    assert line.sessions == 2


def test_a_second_invoice_for_the_same_month_is_refused(world):
    letter = make_letter(world)
    record_sessions(letter, [3])
    submit(world)
    record_sessions(letter, [10])
    with pytest.raises(MonthAlreadyInvoiced) as exc:
        submit(world)
    assert str(exc.value.message) == (
        "Šis sniedzējs par šo mēnesi šai pašvaldībai jau ir iesniedzis rēķinu. Jaunu var "
        "iesniegt tikai tad, ja iepriekšējais ir noraidīts."
    )
    assert Invoice.objects.count() == 1


def test_a_rejected_invoice_frees_the_month_and_its_sessions(world):
    letter = make_letter(world)
    record_sessions(letter, [3, 10])
    first = submit(world)
    services.invoice_reject(actor=world.worker, invoice=first, reason="Nepareizs numurs")
    second = submit(world)
    assert second.total == Decimal("40.00")
    assert InvoicedSession.objects.filter(line__invoice=second).count() == 2
    assert Invoice.objects.get(pk=first.pk).status == InvoiceStatus.REJECTED


def test_nothing_to_invoice(world):
    make_letter(world)
    with pytest.raises(NothingToInvoice):
        submit(world)
    assert Invoice.objects.count() == 0


def test_sessions_of_other_months_stay_out(world):
    letter = make_letter(world)
    record_sessions(letter, [3])
    earlier = LAST_MONTH.replace(day=1) - dt.timedelta(days=20)
    make_session(letter, date=earlier)
    invoice = submit(world)
    assert invoice.lines.get().sessions == 1


@pytest.mark.parametrize(
    ("month", "number", "errors"),
    [
        ("2026-13", "R-1", {"month": ["Mēnesim jābūt formā GGGG-MM."]}),
        ("", "R-1", {"month": ["Mēnesim jābūt formā GGGG-MM."]}),
        (LAST_MONTH, "  ", {"number": ["Obligāts lauks."]}),
        (LAST_MONTH, "R" * 51, {"number": ["Ne vairāk kā 50 zīmes."]}),
    ],
)
def test_bad_input_writes_nothing(world, month, number, errors):
    letter = make_letter(world)
    record_sessions(letter, [3])
    with pytest.raises(ValidationFailed) as exc:
        submit(world, month=month, number=number)
    assert exc.value.errors == errors
    assert Invoice.objects.count() == 0
    assert InvoiceLine.objects.count() == 0


def test_a_month_that_has_not_started_is_refused(world):
    make_letter(world)
    next_month = (TODAY.replace(day=28) + dt.timedelta(days=7)).replace(day=1)
    with pytest.raises(ValidationFailed) as exc:
        submit(world, month=next_month)
    assert exc.value.errors == {"month": ["Par mēnesi, kas vēl nav sācies, rēķinu iesniegt nevar."]}


def test_only_the_providers_own_staff_submit(world):
    letter = make_letter(world)
    record_sessions(letter, [3])
    for actor in (world.other_staff, world.worker, world.head):
        with pytest.raises(NotPermitted):
            submit(world, actor=actor)
    assert Invoice.objects.count() == 0


def test_over_quantity_is_a_difference_and_blocks_confirmation(world):
    letter = make_letter(world, quantity=Decimal("2"))
    record_sessions(letter, [3, 10, 17])
    invoice = submit(world)
    line = invoice.lines.get()
    assert [d["code"] for d in line.differences] == ["over_quantity"]
    assert line.differences[0]["message"] == (
        "Rēķinā par šo vēstules rindu ir 3 vienības, bet mēnesī piešķirtas 2."
    )
    with pytest.raises(InvoiceHasDifferences) as exc:
        confirm(world, invoice)
    assert str(exc.value.message).startswith(
        "Rēķinā ir 1 neatbilstība(-s), tāpēc saturu apstiprināt nevar: 1. "
    )
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.SUBMITTED


def test_the_database_refuses_a_concurrent_second_invoice_for_the_month(world):
    """Two submissions racing past the check meet the partial unique index."""
    fields = {
        "municipality": world.municipality,
        "provider": world.provider,
        "month": LAST_MONTH,
        "number": "R-1",
        "submitted_at": timezone.now(),
    }
    Invoice.objects.create(**fields)
    with pytest.raises(MonthAlreadyInvoiced):
        invoices.create_invoice(**{**fields, "number": "R-2"})
    Invoice.objects.update(status=InvoiceStatus.REJECTED)
    invoices.create_invoice(**{**fields, "number": "R-3"})  # a rejected one frees the month
    assert Invoice.objects.count() == 2
