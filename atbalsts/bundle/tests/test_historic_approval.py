"""An imported invoice's approval is history, never an approval in someone else's name: the
bundle names who approved it and when; the importer records that; only the past is taken."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse

from atbalsts.billing import services as billing_services
from atbalsts.billing.errors import SamePerson
from atbalsts.billing.models import Invoice, InvoiceStatus
from atbalsts.bundle.errors import BundleRejected
from atbalsts.bundle.example import csv_files
from atbalsts.bundle.forms import BundleForm
from atbalsts.bundle.services import bundle_import
from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role

from .conftest import counts, edit, example

pytestmark = pytest.mark.django_db


def _import(head, sheets):
    return bundle_import(actor=head, municipality=head.municipality, files=csv_files(sheets))


def _paid(approved_by="Rita Skaitle"):
    sheets = example()
    header = sheets["invoices"][0]
    header += ["paid_on", "payment_reference"]
    sheets["invoices"][1] += ["13.02.2026", "MU-17"]
    sheets["invoices"][1][header.index("status")] = "paid"
    sheets["invoices"][1][header.index("approved_by")] = approved_by
    return sheets


def test_the_approval_is_recorded_as_history_by_the_importer(head, make_user, balvi):
    accountant = make_user(Role.ACCOUNTANT, balvi, first_name="Rita", last_name="Skaitle")

    _import(head, _paid())

    invoice = Invoice.objects.get()
    assert invoice.status == InvoiceStatus.PAID
    # nobody approved it in this system: the records' name, the matching user as a reference,
    # and the head who imported it
    assert invoice.approved_by is None
    assert invoice.approved_by_name == "Rita Skaitle"
    assert invoice.historic_approver == accountant
    assert invoice.approval_imported_by == head and invoice.paid_recorded_by == head
    assert timezone_day(invoice.approved_at) == dt.date(2026, 2, 11)
    assert invoice.paid_on == dt.date(2026, 2, 13)
    # the audit log says the head imported it, and that the approval is historic
    events = AuditEvent.objects.filter(subject_id=str(invoice.pk))
    assert not events.filter(actor=accountant).exists()
    approved = events.get(event_type=AuditEventType.BILLING_INVOICE_APPROVED)
    assert approved.actor == head
    assert approved.extra_data["historic"] is True
    assert approved.extra_data["approved_by_name"] == "Rita Skaitle"
    assert approved.extra_data["historic_approver"] == accountant.pk
    assert approved.extra_data["approved_on"] == "2026-02-11"
    paid = events.get(event_type=AuditEventType.BILLING_INVOICE_PAID)
    assert paid.actor == head and paid.extra_data["historic"] is True


def timezone_day(moment):
    from django.utils import timezone

    return timezone.localdate(moment)


def test_a_name_no_user_has_is_kept_as_written(head):
    _import(head, _paid("Vecā grāmatvede (līdz 2026)"))
    invoice = Invoice.objects.get()
    assert invoice.approved_by_name == "Vecā grāmatvede (līdz 2026)"
    assert invoice.historic_approver is None and invoice.approved_by is None


def test_the_importer_cannot_be_named_as_the_approver_of_what_they_confirmed(head):
    name = f"{head.first_name} {head.last_name}".strip() or head.username
    before = counts()
    with pytest.raises(BundleRejected) as caught:
        _import(head, edit("invoices", 1, "approved_by", head.username.upper()))
    [problem] = caught.value.rows
    assert (problem.sheet, problem.row, problem.column) == ("invoices", 2, "approved_by")
    assert "tā pati persona" in problem.message
    assert counts() == before
    assert name  # (the user name matches in any case, as does the full name)


@pytest.mark.parametrize("day", [0, 1])
def test_only_a_past_day_is_history(head, day):
    from django.utils import timezone

    when = timezone.localdate() + dt.timedelta(days=day)
    with pytest.raises(BundleRejected) as caught:
        _import(head, edit("invoices", 1, "approved_on", when.strftime("%d.%m.%Y")))
    assert [(r.column, "pagātnē" in r.message) for r in caught.value.rows] == [
        ("approved_on", True)
    ]


def test_a_month_that_has_not_ended_is_not_history(head):
    _import(head, edit("invoices", 1, "status", "confirmed"))
    invoice = Invoice.objects.get()
    with (
        mock.patch(
            "atbalsts.billing.services.history.timezone.localdate",
            return_value=dt.date(2026, 1, 31),
        ),
        pytest.raises(ValidationFailed) as caught,
    ):
        billing_services.invoice_record_historic_approval(
            actor=head, invoice=invoice, approved_by="Rita Skaitle", approved_on="2026-01-30"
        )
    assert set(caught.value.errors) == {"month"}
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CONFIRMED and invoice.approved_at is None


def test_only_the_head_records_history_and_an_accountant_approves_as_themselves(
    head, make_user, balvi
):
    _import(head, edit("invoices", 1, "status", "confirmed"))
    invoice = Invoice.objects.get()
    accountant = make_user(Role.ACCOUNTANT, balvi)
    for user in (accountant, make_user(Role.SOCIAL_WORKER, balvi)):
        with pytest.raises(NotPermitted):
            billing_services.invoice_record_historic_approval(
                actor=user, invoice=invoice, approved_by="X", approved_on="2026-02-11"
            )
    with pytest.raises(SamePerson):
        billing_services.invoice_record_historic_approval(
            actor=head, invoice=invoice, approved_by=head.username, approved_on="2026-02-11"
        )
    approved = billing_services.invoice_approve(actor=accountant, invoice=invoice)
    assert approved.approved_by == accountant and approved.approved_by_name == ""


def test_no_page_api_or_command_takes_an_approver(client, head):
    from django.core.management import call_command

    assert "approver" not in BundleForm(user=head).fields
    schema = client.get("/api/openapi.json").json()
    body = schema["paths"]["/api/bundle/import"]["post"]["requestBody"]
    assert "approver" not in str(body)
    with pytest.raises(TypeError, match="Unknown option"):
        call_command("bundle_import", "b.csv", municipality="balvi", actor="x", approver="x")
    assert reverse("bundle:import")


def test_the_invoice_page_shows_the_approval_as_imported_history(client, head):
    _import(head, example())
    invoice = Invoice.objects.get()
    client.force_login(head)
    page = client.get(reverse("billing:invoice_detail", args=[invoice.pk])).content.decode()
    assert "Apmaksu apstiprināja (vēsturiski)" in page
    assert "Rita Skaitle" in page and f"importēja {head}" in page
