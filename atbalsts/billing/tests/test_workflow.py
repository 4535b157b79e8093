"""Confirming, approving, rejecting and paying: who may, in which status, never the same
person twice, never beyond the budget, nothing half-written; MonthlySpend stays exact."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from atbalsts.billing import services
from atbalsts.billing.errors import (
    BudgetOverspent,
    InvoiceWrongStatus,
    SamePerson,
)
from atbalsts.billing.models import Invoice, InvoiceLine, InvoiceStatus, MonthlySpend
from atbalsts.billing.services import workflow
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import (
    LAST_MONTH,
    TODAY,
    make_letter,
    make_letters,
    make_session,
)

from .factories import approved, confirm, lower_budget, record_sessions, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(world):
    letter = make_letter(world)
    record_sessions(letter, [3, 10, 17])
    return submit(world)


def test_the_full_workflow(world, accountant, invoice):
    invoice = confirm(world, invoice)
    assert invoice.status == InvoiceStatus.CONFIRMED
    assert invoice.confirmed_by == world.worker
    invoice = services.invoice_approve(actor=accountant, invoice=invoice)
    assert invoice.status == InvoiceStatus.APPROVED
    assert invoice.approved_by == accountant
    invoice = services.invoice_pay(
        actor=accountant, invoice=invoice, paid_on=TODAY, payment_reference="MU-2026-118"
    )
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.paid_on == TODAY
    assert invoice.payment_reference == "MU-2026-118"
    events = list(
        AuditEvent.objects.filter(event_type__startswith="billing.")
        .order_by("id")
        .values_list("event_type", flat=True)
    )
    assert events == [
        "billing.invoice_submitted",
        "billing.invoice_confirmed",
        "billing.invoice_approved",
        "billing.invoice_paid",
    ]


def test_the_person_who_confirmed_cannot_approve(world, make_user, balvi, invoice):
    invoice = confirm(world, invoice)
    # an accountant who (as an exception) also confirmed the content
    accountant = make_user(Role.ACCOUNTANT, balvi)
    Invoice.objects.filter(pk=invoice.pk).update(confirmed_by=accountant)
    with pytest.raises(SamePerson) as exc:
        services.invoice_approve(actor=accountant, invoice=Invoice.objects.get(pk=invoice.pk))
    assert str(exc.value.message) == (
        "Apmaksu nevar apstiprināt tā pati persona, kas apstiprināja rēķina saturu. "
        "Apmaksu apstiprina cits darbinieks (grāmatvedis)."
    )
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.CONFIRMED
    assert MonthlySpend.objects.count() == 0


def test_roles(world, accountant, invoice, make_user, balvi, tukums):
    with pytest.raises(NotPermitted):
        services.invoice_confirm(actor=accountant, invoice=invoice)
    with pytest.raises(NotPermitted):
        services.invoice_confirm(actor=world.staff, invoice=invoice)
    with pytest.raises(NotPermitted):
        services.invoice_confirm(actor=make_user(Role.SOCIAL_WORKER, tukums), invoice=invoice)
    with pytest.raises(NotPermitted):
        services.invoice_confirm(actor=make_user(Role.AUDITOR, balvi), invoice=invoice)
    invoice = confirm(world, invoice)
    for actor in (world.worker, world.head, world.staff, make_user(Role.ACCOUNTANT, tukums)):
        with pytest.raises(NotPermitted):
            services.invoice_approve(actor=actor, invoice=invoice)
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.CONFIRMED


def test_approval_needs_confirmed_content(world, accountant, invoice):
    with pytest.raises(InvoiceWrongStatus) as exc:
        services.invoice_approve(actor=accountant, invoice=invoice)
    assert str(exc.value.message) == (
        "Apmaksu var apstiprināt tikai rēķinam ar apstiprinātu saturu; šis ir «iesniegts»."
    )


def test_an_approval_beyond_the_budget_is_refused_with_amount_and_period(
    world, accountant, invoice
):
    lower_budget(world, monthly="5.00")  # 30.00 in the period; the invoice is 60.00
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.lines.get().differences == []  # checked at submission, before the change
    services.invoice_recheck(actor=world.worker, invoice=invoice)
    line = InvoiceLine.objects.get(invoice=invoice)
    assert [d["code"] for d in line.differences] == ["budget_exceeded"]
    # the content was confirmed before the budget was lowered: approval still refuses
    Invoice.objects.filter(pk=invoice.pk).update(
        status=InvoiceStatus.CONFIRMED, confirmed_by=world.worker
    )
    period = world.periods[0]
    with pytest.raises(BudgetOverspent) as exc:
        services.invoice_approve(actor=accountant, invoice=Invoice.objects.get(pk=invoice.pk))
    assert str(exc.value.message) == (
        f"Individuālais budžets periodā {period.start:%d.%m.%Y}–{period.end:%d.%m.%Y} tiktu "
        "pārsniegts par 30,00\xa0€: budžets 30,00\xa0€, jau apstiprināts 0,00\xa0€, šajā "
        "rēķinā 60,00\xa0€ (atlikums 30,00\xa0€)."
    )
    assert MonthlySpend.objects.count() == 0
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.CONFIRMED


def test_an_approval_that_uses_the_budget_exactly_passes(world, accountant, invoice):
    lower_budget(world, monthly="10.00")  # exactly 60.00 in the period
    approved(world, invoice, accountant)
    assert MonthlySpend.objects.get().amount == Decimal("60.00")


def test_a_failure_halfway_through_an_approval_leaves_nothing_written(
    world, accountant, monkeypatch
):
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
    record_sessions(letter, [3], line=1)
    record_sessions(letter, [4], line=2)
    invoice = confirm(world, submit(world))
    real = workflow.add_spend
    calls = []

    def fail_after_first(invoice, line):
        if calls:
            raise RuntimeError("disk full")
        calls.append(line)
        real(invoice, line)

    monkeypatch.setattr(workflow, "add_spend", fail_after_first)
    with pytest.raises(RuntimeError):
        services.invoice_approve(actor=accountant, invoice=invoice)
    assert len(calls) == 1  # the first line was written before the failure…
    assert MonthlySpend.objects.count() == 0  # …and rolled back with everything else
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.status == InvoiceStatus.CONFIRMED
    assert invoice.approved_by is None
    assert not AuditEvent.objects.filter(event_type="billing.invoice_approved").exists()


def test_monthly_spend_equals_a_plain_aggregate_of_approved_lines(world, accountant):
    letters = make_letters(
        world,
        lines=[
            {},
            {
                "service_type": world.session_service,
                "quantity": Decimal("6"),
                "session_minutes": 45,
            },
            {"provider": world.other_provider},
        ],
    )
    mine, other = letters[world.provider.pk], letters[world.other_provider.pk]
    record_sessions(mine, [3, 10], line=1)
    record_sessions(mine, [4, 11, 18], line=2)
    record_sessions(other, [5, 12])
    approved(world, submit(world), accountant)
    second = submit(world, actor=world.other_staff, provider=world.other_provider)
    approved(world, second, accountant)
    earlier = LAST_MONTH - dt.timedelta(days=10)
    make_session(mine, date=earlier)
    submit(world, month=earlier)  # submitted, not approved: not spent
    expected = {
        (row["client_id"], row["service_type_id"], row["funding_source"], row["invoice__month"]): (
            row["amount"],
            row["units"],
            row["n"],
        )
        for row in InvoiceLine.objects.filter(
            invoice__status__in=[InvoiceStatus.APPROVED, InvoiceStatus.PAID]
        )
        .values("client_id", "service_type_id", "funding_source", "invoice__month")
        .annotate(amount=Sum("amount"), units=Sum("quantity"), n=Sum("sessions"))
    }
    actual = {
        (s.client_id, s.service_type_id, s.funding_source, s.month): (s.amount, s.units, s.sessions)
        for s in MonthlySpend.objects.all()
    }
    assert actual == expected
    assert sum(a for a, _u, _n in actual.values()) == Decimal("40.00") + Decimal("90.00") + Decimal(
        "50.00"
    )
    # the two providers' support-person hours share one row: same client, service and month
    assert MonthlySpend.objects.aggregate(n=Count("id"))["n"] == 2


def test_reject_needs_a_reason_and_the_right_status(world, accountant, invoice):
    with pytest.raises(ValidationFailed) as exc:
        services.invoice_reject(actor=world.worker, invoice=invoice, reason="  ")
    assert exc.value.errors == {"reason": ["Obligāts lauks."]}
    invoice = services.invoice_reject(actor=accountant, invoice=invoice, reason="Nav paraksta")
    assert invoice.status == InvoiceStatus.REJECTED
    assert invoice.rejected_by == accountant
    with pytest.raises(InvoiceWrongStatus):
        services.invoice_reject(actor=world.worker, invoice=invoice, reason="vēlreiz")
    with pytest.raises(NotPermitted):
        services.invoice_reject(actor=world.staff, invoice=invoice, reason="x")


def test_an_approved_invoice_cannot_be_rejected(world, accountant, invoice):
    invoice = approved(world, invoice, accountant)
    with pytest.raises(InvoiceWrongStatus):
        services.invoice_reject(actor=accountant, invoice=invoice, reason="par vēlu")


@pytest.mark.parametrize(
    ("paid_on", "reference", "errors"),
    [
        ("", "MU-1", {"paid_on": ["Datumam jābūt formā GGGG-MM-DD."]}),
        ("22.11.2026", "MU-1", {"paid_on": ["Datumam jābūt formā GGGG-MM-DD."]}),
        (TODAY + dt.timedelta(days=1), "MU-1", {"paid_on": ["Apmaksas datums nevar būt nākotnē."]}),
        (
            TODAY - dt.timedelta(days=1),
            "MU-1",
            {"paid_on": ["Apmaksas datums nevar būt pirms apmaksas apstiprināšanas."]},
        ),
        (TODAY, "", {"payment_reference": ["Obligāts lauks."]}),
        (TODAY, "M" * 101, {"payment_reference": ["Ne vairāk kā 100 zīmes."]}),
    ],
)
def test_paying_bad_input_writes_nothing(world, accountant, invoice, paid_on, reference, errors):
    invoice = approved(world, invoice, accountant)
    with pytest.raises(ValidationFailed) as exc:
        services.invoice_pay(
            actor=accountant, invoice=invoice, paid_on=paid_on, payment_reference=reference
        )
    assert exc.value.errors == errors
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.status == InvoiceStatus.APPROVED
    assert invoice.paid_on is None


def test_only_an_approved_invoice_is_paid_and_only_by_the_accountant(world, accountant, invoice):
    with pytest.raises(InvoiceWrongStatus):
        services.invoice_pay(
            actor=accountant, invoice=invoice, paid_on=TODAY, payment_reference="MU-1"
        )
    invoice = approved(world, invoice, accountant)
    with pytest.raises(NotPermitted):
        services.invoice_pay(
            actor=world.worker, invoice=invoice, paid_on=TODAY, payment_reference="MU-1"
        )


def test_approval_time_is_recorded(world, accountant, invoice):
    before = timezone.now()
    invoice = approved(world, invoice, accountant)
    assert invoice.approved_at >= before


def test_invoiced_sessions_are_frozen_until_the_invoice_is_rejected(world, accountant, invoice):
    from atbalsts.delivery import services as delivery_services
    from atbalsts.delivery.models import Session
    from atbalsts.delivery.services import SessionInvoiced

    session = Session.objects.filter(invoiced__line__invoice=invoice).first()
    assert session is not None and session.invoice_locked
    with pytest.raises(SessionInvoiced):
        delivery_services.session_update(
            actor=world.staff, session=session, data={"goals_worked_on": "labots vēlāk"}
        )
    services.invoice_reject(actor=accountant, invoice=invoice, reason="Nav paraksta")
    session.refresh_from_db()
    assert not session.invoice_locked
    delivery_services.session_update(
        actor=world.staff, session=session, data={"goals_worked_on": "labots vēlāk"}
    )
    session.refresh_from_db()
    assert session.goals_worked_on == "labots vēlāk"
