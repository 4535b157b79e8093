"""The accounting export: the month's approved and paid invoices, CSV with a BOM and XLSX,
names but never personal codes, audited, for the accountant only."""

import csv
import io

import pytest
from openpyxl import load_workbook

from atbalsts.billing import services
from atbalsts.core.errors import NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import LAST_MONTH, TODAY, make_letter

from .factories import approved, record_sessions, submit

pytestmark = pytest.mark.django_db

HEADER = [
    "Rēķina numurs",
    "Sniedzējs",
    "Reģistrācijas numurs",
    "IBAN",
    "Mēnesis",
    "Klients",
    "Pakalpojums",
    "Daudzums",
    "Vienības cena",
    "Summa",
    "Finansējuma avots",
    "Apmaksa apstiprināta",
    "Statuss",
    "Apmaksāts",
    "Maksājuma uzdevums",
    "Dokuments",
    "Attiecas uz rēķinu",
]


@pytest.fixture
def paid(world, accountant):
    letter = make_letter(world)
    record_sessions(letter, [3, 10])
    invoice = approved(world, submit(world, number="SN-2026/10"), accountant)
    return services.invoice_pay(
        actor=accountant, invoice=invoice, paid_on=TODAY, payment_reference="MU-7"
    )


def test_csv_with_a_bom(world, accountant, paid):
    content, mime = services.invoice_export(
        actor=accountant, municipality=world.municipality, month=LAST_MONTH, fmt="csv"
    )
    assert mime == "text/csv; charset=utf-8"
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADER
    assert rows[1] == [
        "SN-2026/10",
        world.provider.name,
        world.provider.registration_number,
        world.provider.iban,
        LAST_MONTH.strftime("%Y-%m"),
        world.client.full_name,
        world.support_person.name_lv,
        "2.00",
        "20.00",
        "40.00",
        "individuālais budžets",
        TODAY.isoformat(),
        "apmaksāts",
        TODAY.isoformat(),
        "MU-7",
        "rēķins",
        "",
    ]
    assert world.client.personal_code not in content.decode("utf-8-sig")
    event = AuditEvent.objects.get(event_type="billing.exported")
    assert event.extra_data == {"month": LAST_MONTH.isoformat(), "format": "csv", "rows": 1}


def test_xlsx(world, accountant, paid):
    content, _mime = services.invoice_export(
        actor=accountant,
        municipality=world.municipality,
        month=LAST_MONTH.isoformat()[:7],
        fmt="xlsx",
    )
    sheet = load_workbook(io.BytesIO(content)).active
    values = list(sheet.values)
    assert list(values[0]) == HEADER
    assert values[1][0] == "SN-2026/10"
    assert float(values[1][9]) == 40.0


def test_only_approved_and_paid_invoices_of_the_month(world, accountant):
    letter = make_letter(world)
    record_sessions(letter, [3])
    submit(world)
    content, _mime = services.invoice_export(
        actor=accountant, municipality=world.municipality, month=LAST_MONTH, fmt="csv"
    )
    assert len(content.decode("utf-8-sig").strip().splitlines()) == 1


def test_bad_input_and_permissions(world, accountant, make_user, tukums):
    with pytest.raises(ValidationFailed) as exc:
        services.invoice_export(
            actor=accountant, municipality=world.municipality, month="oktobris", fmt="pdf"
        )
    assert exc.value.errors == {
        "month": ["Mēnesim jābūt formā GGGG-MM."],
        "format": ["Formāts var būt csv vai xlsx."],
    }
    for actor in (world.worker, world.head, world.staff, make_user(Role.ACCOUNTANT, tukums)):
        with pytest.raises(NotPermitted):
            services.invoice_export(
                actor=actor, municipality=world.municipality, month=LAST_MONTH, fmt="csv"
            )
    assert not AuditEvent.objects.filter(event_type="billing.exported").exists()


def test_a_credit_note_is_a_negative_document_referring_to_the_invoice(world, accountant, paid):
    line = paid.lines.get()
    note = services.credit_note_propose(
        actor=world.worker,
        invoice=paid,
        reason="Viena stunda nenotika.",
        lines=[{"line": line.pk, "amount": "20.00", "quantity": "1"}],
    )
    content, _mime = services.invoice_export(
        actor=accountant, municipality=world.municipality, month=LAST_MONTH, fmt="csv"
    )
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2  # a proposed credit note is not a document yet
    services.credit_note_approve(actor=accountant, note=note)
    content, _mime = services.invoice_export(
        actor=accountant, municipality=world.municipality, month=LAST_MONTH, fmt="xlsx"
    )
    values = list(load_workbook(io.BytesIO(content)).active.values)
    credit = values[2]
    assert credit[0] == note.number
    assert (float(credit[7]), float(credit[8]), float(credit[9])) == (-1.0, 20.0, -20.0)
    assert credit[15:] == ("kredītrēķins", "SN-2026/10")
    assert sum(float(row[9]) for row in values[1:]) == 20.0
