"""Importing a whole bundle: every table through its services, once; again changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from atbalsts.billing.models import Invoice, InvoiceStatus
from atbalsts.bundle.errors import BundleRejected
from atbalsts.bundle.example import PROVIDER, csv_files, xlsx_bundle, zip_bundle
from atbalsts.bundle.models import ImportRun, RunStatus
from atbalsts.bundle.services import bundle_import
from atbalsts.catalog import exchange
from atbalsts.catalog.models import Tariff
from atbalsts.core.models import AuditEvent
from atbalsts.delivery.models import Session
from atbalsts.people.models import Client
from atbalsts.plans.models import GuaranteeLetter, PlanStatus, PlanVersion

from .conftest import counts, edit, example

pytestmark = pytest.mark.django_db


def run(head, accountant, sheets=None, *, form="csv", **kwargs):
    sheets = sheets if sheets is not None else example()
    if form == "csv":
        files = csv_files(sheets)
    elif form == "zip":
        files = [("komplekts.zip", zip_bundle(sheets))]
    else:
        files = [("komplekts.xlsx", xlsx_bundle(sheets))]
    return bundle_import(actor=head, municipality=head.municipality, files=files, **kwargs)


@pytest.mark.parametrize("form", ["csv", "zip", "xlsx"])
def test_the_example_bundle_imports_every_table(head, accountant, form):
    report = run(head, accountant, form=form)

    assert report.rows == 21
    assert report.counts["clients"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert report.counts["tariffs"]["created"] == 2
    assert report.counts["sessions"]["created"] == 4
    assert report.counts["invoice_lines"]["created"] == 2
    adult = Client.objects.get(personal_code="140388-11237")
    assert adult.municipality == head.municipality and adult.first_name == "Jānis"
    assert adult.representatives.count() == 0
    assert Client.objects.get(personal_code="020617-24563").representatives.get().first_name == (
        "Ilze"
    )
    # "12,50" and "25.00" are both read as money
    assert sorted(Tariff.objects.values_list("unit_price", flat=True)) == [
        Decimal("12.50"),
        Decimal("25.00"),
    ]
    versions = PlanVersion.objects.filter(plan__client__municipality=head.municipality)
    assert {v.status for v in versions} == {PlanStatus.ACTIVE}
    child_plan = versions.get(plan__client__personal_code="020617-24563")
    assert child_plan.signed_by_representative.first_name == "Ilze"
    # letter numbers are issued by the system when the plan is agreed
    assert GuaranteeLetter.objects.filter(number__startswith="GV-BALVI-").count() == 2
    assert sorted(Session.objects.values_list("amount", flat=True)) == [
        Decimal("12.50"),
        Decimal("12.50"),
        Decimal("25.00"),
        Decimal("25.00"),
    ]
    invoice = Invoice.objects.get(provider__registration_number=PROVIDER)
    assert invoice.month == dt.date(2026, 1, 1)
    assert invoice.status == InvoiceStatus.APPROVED
    # the approval is history as the bundle names it, recorded by the importer
    assert invoice.confirmed_by == head and invoice.approved_by is None
    assert invoice.approved_by_name == "Rita Skaitle" and invoice.approval_imported_by == head
    assert invoice.lines.count() == 2


def test_one_audit_event_with_the_counts_besides_the_services_own(head, accountant):
    report = run(head, accountant)

    event = AuditEvent.objects.get(event_type="bundle.imported")
    assert event.actor == head
    assert event.municipality_id == head.municipality_id
    assert event.extra_data["counts"] == report.counts
    assert AuditEvent.objects.filter(event_type="client.created").count() == 2
    assert AuditEvent.objects.filter(event_type="plan.agreed").count() == 2
    assert AuditEvent.objects.filter(event_type="billing.invoice_approved").count() == 1


@pytest.mark.parametrize("second", ["csv", "xlsx"])
def test_importing_the_same_bundle_again_changes_nothing(head, accountant, second):
    run(head, accountant)
    before = counts()

    report = run(head, accountant, form=second)

    after = counts()
    assert after.pop("AuditEvent") == before.pop("AuditEvent") + 1  # only BUNDLE_IMPORTED
    assert after == before
    assert all(c["created"] == 0 and c["updated"] == 0 for c in report.counts.values())
    assert report.counts["sessions"]["unchanged"] == 4
    assert report.counts["plans"]["unchanged"] == 2


def test_register_rows_that_differ_are_updated_through_the_services(head, accountant):
    run(head, accountant)

    report = run(head, accountant, edit("clients", 1, "phone", "+371 29999999"))

    assert report.counts["clients"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert Client.objects.get(personal_code="140388-11237").phone == "+371 29999999"
    assert AuditEvent.objects.filter(event_type="client.changed").count() == 1


@pytest.mark.parametrize(
    ("sheet", "column", "value", "reported"),
    [
        ("plan_lines", "quantity", "9", ("plans", 2, "plan_ref")),
        ("goals", "text", "Cits mērķis", ("plans", 2, "plan_ref")),
        ("sessions", "duration_minutes", "50", ("sessions", 2, "date")),
        ("invoice_lines", "amount", "24,00", ("invoices", 2, "month")),
    ],
)
def test_history_rows_that_differ_are_refused(head, accountant, sheet, column, value, reported):
    run(head, accountant)
    before = counts()

    with pytest.raises(BundleRejected) as caught:
        run(head, accountant, edit(sheet, 1, column, value))

    assert [(r.sheet, r.row, r.column) for r in caught.value.rows] == [reported]
    assert "jau ir importēts ar citiem datiem" in caught.value.rows[0].message
    assert counts() == before


def test_each_attempt_is_recorded_as_an_import_run(head, accountant):
    report = run(head, accountant)
    with pytest.raises(BundleRejected):
        run(head, accountant, edit("clients", 1, "start_date", "32.01.2026"))

    done, rejected = ImportRun.objects.order_by("id")
    assert done.pk == report.run_id and done.status == RunStatus.DONE
    assert done.counts == report.counts and done.finished is not None
    assert rejected.status == RunStatus.REJECTED
    assert rejected.errors == [
        {
            "sheet": "clients",
            "row": 2,
            "column": "start_date",
            "message": "Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD.",
        }
    ]


def test_progress_is_reported_row_by_row(head, accountant):
    seen = []

    run(head, accountant, progress=lambda done, total: seen.append((done, total)))

    assert seen[-1] == (21, 21)
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)


def test_an_approved_invoice_needs_the_name_of_who_approved_it(head):
    before = counts()

    with pytest.raises(BundleRejected) as caught:
        bundle_import(
            actor=head,
            municipality=head.municipality,
            files=csv_files(edit("invoices", 1, "approved_by", "")),
        )

    assert [(r.sheet, r.row, r.column) for r in caught.value.rows] == [
        ("invoices", 2, "approved_by")
    ]
    assert counts() == before


def test_a_submitted_invoice_needs_no_approver(head):
    sheets = edit("invoices", 1, "status", "submitted")

    bundle_import(actor=head, municipality=head.municipality, files=csv_files(sheets))

    assert Invoice.objects.get().status == InvoiceStatus.SUBMITTED


def test_a_session_price_other_than_the_letters_is_refused(head, accountant):
    with pytest.raises(BundleRejected) as caught:
        run(head, accountant, edit("sessions", 1, "unit_price", "13,00"))

    first, *rest = caught.value.rows
    assert str(first) == (
        "sessions, 2. rinda, kolonna „unit_price”: Cena 13.00 nesakrīt ar garantijas vēstules "
        "cenu 12.50."
    )
    # the session missing, the invoice no longer matches the attendance: reported as well
    assert [(r.sheet, r.column) for r in rest] == [("invoices", "status")]


def test_a_draft_plan_issues_no_letter_so_its_sessions_are_refused(head, accountant):
    sheets = edit("plans", 1, "status", "draft")
    sheets = example(invoices=None, invoice_lines=None, **{"plans": sheets["plans"]})

    with pytest.raises(BundleRejected) as caught:
        run(head, accountant, sheets)

    assert {(r.sheet, r.row, r.column) for r in caught.value.rows} == {
        ("sessions", 2, "service_type"),
        ("sessions", 3, "service_type"),
    }
    assert Client.objects.count() == 0


def test_a_register_exported_by_the_catalogue_imports_as_part_of_a_bundle(head, accountant):
    run(head, accountant)
    exported = exchange.export_xlsx(actor=head, dataset="register")

    report = bundle_import(
        actor=head, municipality=head.municipality, files=[("register.xlsx", exported)]
    )

    assert report.counts == {
        "providers": {"created": 0, "updated": 0, "unchanged": 1},
        "registrations": {"created": 0, "updated": 0, "unchanged": 1},
        "locations": {"created": 0, "updated": 0, "unchanged": 1},
        "tariffs": {"created": 0, "updated": 0, "unchanged": 2},
    }
