"""Credit notes: who proposes and who decides (four eyes), what may be given back, and the
ledger and the report roll-ups moving by exactly the credited money in the service month."""

import datetime as dt
from decimal import Decimal

import pytest

from atbalsts.billing import ledger, selectors, services
from atbalsts.billing.errors import (
    CreditNoteSamePerson,
    CreditNoteWrongStatus,
    InvoiceWrongStatus,
)
from atbalsts.billing.models import (
    ClientMonths,
    CreditNoteStatus,
    MonthlySpend,
    ServiceMonths,
    SpendSummary,
)
from atbalsts.core.audit import AuditEvent, AuditEventType
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.delivery.tests.factories import LAST_MONTH, TODAY, make_letters

from .factories import approved, record_sessions, submit

pytestmark = pytest.mark.django_db


def rollups():
    """Every roll-up row, comparable across a rebuild."""
    return (
        sorted(
            SpendSummary.objects.values_list(
                "municipality_id", "service_type_id", "funding_source", "month", "amount", "units"
            )
        ),
        sorted(ServiceMonths.objects.values_list("service_type_id", "person", "year", "months")),
        sorted(
            ClientMonths.objects.values_list(
                "client_id", "year", "months", *[f"amount_{m:02d}" for m in range(1, 13)]
            )
        ),
    )


def spent(world):
    return sum(
        MonthlySpend.objects.filter(client=world.client).values_list("amount", flat=True),
        Decimal("0.00"),
    )


@pytest.fixture
def two_services(world, accountant):
    """An approved invoice of LAST_MONTH: 3 hours of support (60.00) and 2 sessions of
    physiotherapy (60.00)."""
    letters = make_letters(
        world,
        lines=[
            {"quantity": Decimal("5")},
            {
                "service_type": world.session_service,
                "quantity": Decimal("4"),
                "session_minutes": 45,
            },
        ],
    )
    letter = letters[world.provider.pk]
    record_sessions(letter, [3, 10, 17], line=1)
    record_sessions(letter, [4, 11], line=2)
    return approved(world, submit(world), accountant)


def lines_of(invoice):
    return list(selectors.invoice_lines(invoice))


def test_a_partial_credit_moves_the_ledger_only_when_another_person_approves(
    world, accountant, two_services
):
    invoice = two_services
    support, _physio = lines_of(invoice)
    before = spent(world)
    note = services.credit_note_propose(
        actor=world.worker,
        invoice=invoice,
        reason="Stunda ierakstīta divreiz.",
        lines=[{"line": support.pk, "amount": "20,00", "quantity": "1"}],
    )
    assert note.status == CreditNoteStatus.PROPOSED
    assert note.total == Decimal("20.00")
    assert note.number.startswith(f"KR-{world.municipality.code}-")
    assert spent(world) == before  # nothing moves before the approval
    with pytest.raises(NotPermitted):  # the social worker does not decide credit notes
        services.credit_note_approve(actor=world.worker, note=note)
    services.credit_note_approve(actor=accountant, note=note)
    assert spent(world) == before - Decimal("20.00")
    row = MonthlySpend.objects.get(client=world.client, service_type=world.support_person)
    assert (row.month, row.amount, row.units, row.sessions) == (
        LAST_MONTH,
        Decimal("40.00"),
        Decimal("2.00"),
        3,
    )
    summary = SpendSummary.objects.get(service_type=world.support_person, month=LAST_MONTH)
    assert summary.amount == Decimal("40.00")
    months = ClientMonths.objects.get(client=world.client, year=LAST_MONTH.year)
    assert getattr(months, f"amount_{LAST_MONTH.month:02d}") == Decimal("100.00")
    assert months.months == ledger.month_bit(LAST_MONTH)
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.BILLING_CREDIT_NOTE_APPROVED, subject_id=str(note.pk)
    ).exists()
    with pytest.raises(CreditNoteWrongStatus):
        services.credit_note_approve(actor=world.head, note=note)
    before_rebuild = rollups()
    ledger.rebuild()
    assert rollups() == before_rebuild


def test_a_full_credit_of_one_service_recomputes_the_month_bits_from_the_ledger(
    world, accountant, two_services
):
    invoice = two_services
    _support, physio = lines_of(invoice)
    note = services.credit_note_propose(
        actor=accountant,
        invoice=invoice,
        reason="Fizioterapija nenotika.",
        lines=[{"line": physio.pk, "amount": "60.00"}],
    )
    with pytest.raises(CreditNoteSamePerson):  # four eyes
        services.credit_note_approve(actor=accountant, note=note)
    line = note.lines.get()
    assert (line.quantity, line.sessions) == (Decimal("2.00"), 2)  # the whole rest of the line
    services.credit_note_approve(actor=world.head, note=note)
    # the physiotherapy month is gone; the client still received support that month
    assert not ServiceMonths.objects.filter(service_type=world.session_service).exists()
    assert ServiceMonths.objects.filter(service_type=world.support_person).get().months
    assert ClientMonths.objects.get(client=world.client).months == ledger.month_bit(LAST_MONTH)
    physio_row = MonthlySpend.objects.get(service_type=world.session_service)
    assert (physio_row.amount, physio_row.units, physio_row.sessions) == (
        Decimal("0.00"),
        Decimal("0.00"),
        0,
    )
    before_rebuild = rollups()
    ledger.rebuild()
    assert rollups() == before_rebuild


def test_crediting_the_whole_paid_invoice_empties_the_month(world, accountant, two_services):
    invoice = services.invoice_pay(
        actor=accountant, invoice=two_services, paid_on=TODAY, payment_reference="MU-7"
    )
    note = services.credit_note_propose(
        actor=world.worker, invoice=invoice, reason="Rēķins iesniegts kļūdaini.", whole=True
    )
    assert note.total == Decimal("120.00")
    services.credit_note_approve(actor=accountant, note=note)
    assert spent(world) == Decimal("0.00")
    assert not ClientMonths.objects.filter(client=world.client).exists()
    assert not ServiceMonths.objects.exists()
    with pytest.raises(ValidationFailed) as error:
        services.credit_note_propose(
            actor=world.worker, invoice=invoice, reason="Vēlreiz.", whole=True
        )
    assert error.value.field_errors == {"lines": ["Šajā rēķinā vairs nav ko atsaukt."]}


def test_a_wrongly_recorded_session_is_given_back_once(world, accountant, two_services):
    invoice = two_services
    support, _physio = lines_of(invoice)
    session = support.links.order_by("session__date").first().session
    note = services.credit_note_propose(
        actor=world.worker,
        invoice=invoice,
        reason="Nodarbība 3. datumā nenotika.",
        lines=[{"line": support.pk, "sessions": [session.pk]}],
    )
    line = note.lines.get()
    assert (line.amount, line.quantity, line.sessions) == (Decimal("20.00"), Decimal("1.00"), 1)
    with pytest.raises(ValidationFailed) as error:  # held by the waiting note
        services.credit_note_propose(
            actor=world.worker,
            invoice=invoice,
            reason="Vēlreiz.",
            lines=[{"line": support.pk, "sessions": [session.pk]}],
        )
    assert list(error.value.field_errors) == ["lines.0.sessions"]
    services.credit_note_reject(actor=accountant, note=note, reason="Nodarbība notika.")
    again = services.credit_note_propose(  # a rejected note frees the session
        actor=world.worker,
        invoice=invoice,
        reason="Tomēr nenotika.",
        lines=[{"line": support.pk, "sessions": [session.pk]}],
    )
    services.credit_note_approve(actor=accountant, note=again)
    row = MonthlySpend.objects.get(service_type=world.support_person)
    assert (row.amount, row.sessions) == (Decimal("40.00"), 2)


def test_what_cannot_be_credited(world, accountant, two_services):
    invoice = two_services
    support, physio = lines_of(invoice)
    with pytest.raises(ValidationFailed) as error:
        services.credit_note_propose(
            actor=world.worker,
            invoice=invoice,
            reason="",
            lines=[
                {"line": support.pk, "amount": "60.01"},
                {"line": 999999, "amount": "1"},
                {"line": physio.pk, "amount": "1", "quantity": "3"},
                {"line": physio.pk, "amount": "1"},
                {"line": support.pk, "colour": "red"},
            ],
        )
    errors = error.value.field_errors
    assert errors["reason"] == ["Obligāts lauks."]
    assert errors["lines.0.amount"] == [
        "Var atsaukt ne vairāk kā 60,00\xa0€ (rindas summa, kas vēl nav atsaukta)."
    ]
    assert errors["lines.1.line"] == ["Šajā rēķinā tādas rindas nav."]
    assert errors["lines.2.quantity"] == ["Var atsaukt ne vairāk kā 2 vienības."]
    assert errors["lines.4.colour"] == ["Nezināms lauks."]
    assert not invoice.credit_notes.exists()


def test_only_approved_or_paid_invoices_and_only_municipal_staff(world, accountant):
    letter = make_letters(world, lines=[{"quantity": Decimal("5")}])[world.provider.pk]
    record_sessions(letter, [3])
    invoice = submit(world)
    with pytest.raises(InvoiceWrongStatus):
        services.credit_note_propose(actor=world.worker, invoice=invoice, reason="x", whole=True)
    with pytest.raises(NotPermitted):
        services.credit_note_propose(actor=world.staff, invoice=invoice, reason="x", whole=True)


def test_two_waiting_notes_never_give_back_more_than_the_line(world, accountant, two_services):
    support, _ = lines_of(two_services)
    services.credit_note_propose(
        actor=world.worker,
        invoice=two_services,
        reason="Pirmā korekcija.",
        lines=[{"line": support.pk, "amount": "50"}],
    )
    with pytest.raises(ValidationFailed) as error:
        services.credit_note_propose(
            actor=accountant,
            invoice=two_services,
            reason="Otrā korekcija.",
            lines=[{"line": support.pk, "amount": "10.01"}],
        )
    assert error.value.field_errors["lines.0.amount"] == [
        "Var atsaukt ne vairāk kā 10,00\xa0€ (rindas summa, kas vēl nav atsaukta)."
    ]


def test_the_month_of_the_service_not_of_the_correction(world, accountant, two_services):
    """The credit is subtracted in the invoice's month, whenever it is approved."""
    note = services.credit_note_propose(
        actor=world.worker, invoice=two_services, reason="Kļūda.", whole=True
    )
    services.credit_note_approve(actor=accountant, note=note)
    months = set(MonthlySpend.objects.values_list("month", flat=True))
    assert months == {LAST_MONTH}
    assert SpendSummary.objects.filter(month__gt=LAST_MONTH).count() == 0
    assert dt.date.today() >= LAST_MONTH
