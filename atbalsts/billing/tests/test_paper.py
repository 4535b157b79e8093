"""Paper invoices typed in by a social worker: linked to the recorded sessions and reconciled
the same way; every difference named; bad input refused with nothing written."""

import datetime as dt
from decimal import Decimal

import pytest

from atbalsts.assessment.dates import add_months
from atbalsts.billing import services
from atbalsts.billing.errors import MonthAlreadyInvoiced
from atbalsts.billing.models import Invoice, InvoicedSession, InvoiceLine, InvoiceSource
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.delivery.models import Session
from atbalsts.delivery.tests.factories import (
    END,
    LAST_MONTH,
    START,
    make_letter,
    make_letters,
    make_session,
)

from .factories import record_sessions, submit

pytestmark = pytest.mark.django_db


def enter(world, lines, actor=None, **kwargs):
    values = {
        "actor": actor or world.worker,
        "municipality": world.municipality,
        "provider": world.provider,
        "month": LAST_MONTH,
        "number": "P-17",
        "lines": lines,
        **kwargs,
    }
    return services.invoice_enter_paper(**values)


def line(letter, n=1, **data):
    return {
        "letter": letter,
        "line_key": letter.lines[n - 1]["key"],
        "quantity": "3",
        "unit_price": "20,00",
        **data,
    }


def codes(invoice):
    return [d["code"] for d in InvoiceLine.objects.get(invoice=invoice).differences]


def test_a_paper_invoice_that_matches_the_sessions_has_no_differences(world):
    letter = make_letter(world)
    record_sessions(letter, [3, 10, 17])
    invoice = enter(world, [line(letter)])
    assert invoice.source == InvoiceSource.PAPER
    assert invoice.entered_by == world.worker
    assert invoice.total == Decimal("60.00")
    assert codes(invoice) == []
    assert InvoicedSession.objects.filter(line__invoice=invoice).count() == 3
    assert AuditEvent.objects.filter(event_type="billing.invoice_entered").count() == 1


def test_a_price_above_the_letter_is_a_difference(world):
    letter = make_letter(world)
    record_sessions(letter, [3, 10, 17])
    invoice = enter(world, [line(letter, unit_price="20.01")])
    differences = InvoiceLine.objects.get(invoice=invoice).differences
    assert differences[0] == {
        "code": "price_above_letter",
        "message": "Vienības cena 20,01\xa0€ ir augstāka par garantijas vēstulē (tarifā) "
        "noteikto 20,00\xa0€.",
    }
    assert "amount_mismatch" in codes(invoice)


def test_quantity_and_amount_that_differ_from_the_sessions(world):
    letter = make_letter(world)
    record_sessions(letter, [3, 10])
    invoice = enter(world, [line(letter, quantity="3", amount="65,00")])
    assert InvoiceLine.objects.get(invoice=invoice).differences == [
        {
            "code": "quantity_mismatch",
            "message": "Daudzums 3 nesakrīt ar reģistrētajām nodarbībām (2).",
        },
        {
            "code": "amount_mismatch",
            "message": "Summa 65,00\xa0€ nesakrīt ar reģistrēto nodarbību summu 40,00\xa0€.",
        },
    ]


def test_a_line_without_sessions(world):
    letter = make_letter(world)
    invoice = enter(world, [line(letter)])
    assert codes(invoice) == ["no_sessions"]


def test_the_amount_defaults_to_quantity_times_price(world):
    letter = make_letter(world)
    record_sessions(letter, [3, 10, 17])
    invoice = enter(world, [line(letter, quantity="1,5", unit_price="20.00")])
    assert InvoiceLine.objects.get(invoice=invoice).amount == Decimal("30.00")


def test_the_month_already_invoiced_by_the_provider(world):
    letter = make_letter(world)
    record_sessions(letter, [3])
    submit(world)
    with pytest.raises(MonthAlreadyInvoiced):
        enter(world, [line(letter)])
    assert Invoice.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"quantity": ""}, {"lines.0.quantity": ["Obligāts lauks."]}),
        ({"quantity": "abc"}, {"lines.0.quantity": ["Jābūt skaitlim, piemēram, 12,50."]}),
        ({"quantity": "0"}, {"lines.0.quantity": ["Daudzumam jābūt lielākam par nulli."]}),
        (
            {"quantity": "-1"},
            {"lines.0.quantity": ["Jābūt skaitlim no 0 līdz 99999999.99."]},
        ),
        ({"unit_price": "12,345"}, {"lines.0.unit_price": ["Jābūt skaitlim, piemēram, 12,50."]}),
        ({"amount": "x"}, {"lines.0.amount": ["Jābūt skaitlim, piemēram, 12,50."]}),
        (
            {"line_key": "nav-atslēga"},
            {"lines.0.line_key": ["Garantijas vēstulē nav šādas rindas."]},
        ),
        ({"colour": "zaļš"}, {"lines.0.colour": ["Nezināms lauks."]}),
    ],
)
def test_bad_lines_write_nothing(world, change, errors):
    letter = make_letter(world)
    with pytest.raises(ValidationFailed) as exc:
        enter(world, [line(letter, **change)])
    assert exc.value.errors == errors
    assert Invoice.objects.count() == 0


def test_a_letter_of_another_provider_is_refused(world):
    letters = make_letters(world, lines=[{}, {"provider": world.other_provider}])
    with pytest.raises(ValidationFailed) as exc:
        enter(world, [line(letters[world.other_provider.pk])])
    assert exc.value.errors == {
        "lines.0.letter": ["Izvēlieties šī sniedzēja garantijas vēstuli šajā pašvaldībā."]
    }


def test_no_lines_and_no_number(world):
    make_letter(world)
    with pytest.raises(ValidationFailed) as exc:
        enter(world, [], number="")
    assert exc.value.errors == {
        "number": ["Obligāts lauks."],
        "lines": ["Ievadiet vismaz vienu rēķina rindu."],
    }


def test_who_may_enter_a_paper_invoice(world, accountant, make_user, tukums):
    letter = make_letter(world)
    for actor in (accountant, world.staff, make_user(Role.SOCIAL_WORKER, tukums)):
        with pytest.raises(NotPermitted):
            enter(world, [line(letter)], actor=actor)
    enter(world, [line(letter)], actor=world.head)


def test_a_month_outside_the_letters_period(world):
    letter = make_letter(world)
    before = add_months(START, -1)
    invoice = enter(world, [line(letter)], month=before)
    differences = InvoiceLine.objects.get(invoice=invoice).differences
    assert differences[0] == {
        "code": "outside_period",
        "message": "Rēķina mēnesis ir ārpus garantijas vēstules perioda "
        f"({START:%d.%m.%Y}–{END:%d.%m.%Y}).",
    }
    assert [d["code"] for d in differences] == [
        "outside_period",
        "no_sessions",
        "no_budget_period",  # no budget period covers the month either
    ]


def test_sessions_outside_the_letters_period(world):
    start = START + dt.timedelta(days=14)
    letter = make_letter(world, start=start, months=6)
    session = make_session(letter, date=start + dt.timedelta(days=1))
    # a session that somehow lies before the line's start (e.g. moved by a later correction)
    Session.objects.filter(pk=session.pk).update(date=START + dt.timedelta(days=2))
    invoice = enter(world, [line(letter, quantity="1", unit_price="20.00")], month=START)
    differences = InvoiceLine.objects.get(invoice=invoice).differences
    assert [d["code"] for d in differences] == ["sessions_outside_period"]
    assert differences[0]["message"].startswith(
        "1 nodarbība(-s) notikusi(-šas) ārpus garantijas vēstules perioda"
    )
