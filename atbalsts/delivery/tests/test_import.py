"""Importing a month's sessions from CSV/XLSX: row-by-row report, all or nothing, idempotent."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import NotPermitted
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.delivery import services
from atbalsts.delivery.errors import ImportFailed
from atbalsts.delivery.models import Session
from atbalsts.plans.models import GuaranteeLetter

from .factories import LAST_MONTH, DeliveryWorld, make_letters

HEADER = "vēstule;rinda;datums;sākums;ilgums;statuss;veids;parakstīja;saņēmējs;km;biļete;mērķi"


def day(n: int) -> str:
    return (LAST_MONTH + dt.timedelta(days=n)).strftime("%d.%m.%Y")


@pytest.fixture
def letters(world: DeliveryWorld) -> dict[str, GuaranteeLetter]:
    made = make_letters(
        world,
        lines=[
            {},
            {"service_type": world.transport, "quantity": Decimal("300"), "session_minutes": None},
            {"provider": world.other_provider, "quantity": Decimal("5")},
        ],
    )
    return {"ours": made[world.provider.pk], "theirs": made[world.other_provider.pk]}


def csv_file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8-sig")


def good_rows(number: str) -> list[str]:
    return [
        f"{number};1;{day(0)};10:00;60;notika;klātienē;klients;;;;Budžets",
        f"{number};1;{day(1)};9:30;60;held;in_person;client;;;;",
        f"{number};2;{day(1)};08:00;;;;klients;;42,5;;",
        f"{number};1;{day(2)};10:00;;nebrīdināja;;;;;;",
    ]


def run(actor: Any, content: bytes, name: str = "oktobris.csv") -> dict[str, int]:
    return services.sessions_import(actor=actor, name=name, content=content)


def test_a_good_file_is_imported_and_a_second_time_changes_nothing(
    world: DeliveryWorld, letters: dict[str, GuaranteeLetter]
) -> None:
    content = csv_file(*good_rows(letters["ours"].number))
    assert run(world.staff, content) == {"created": 4, "unchanged": 0}
    sessions = Session.objects.order_by("date", "start_time")
    assert [s.amount for s in sessions] == [
        Decimal("20.00"),
        Decimal("12.75"),
        Decimal("20.00"),
        Decimal("0.00"),
    ]
    assert all(s.import_key for s in sessions)
    assert run(world.staff, content) == {"created": 0, "unchanged": 4}
    assert Session.objects.count() == 4
    assert AuditEvent.objects.filter(event_type=AuditEventType.DELIVERY_IMPORTED).count() == 2


@pytest.mark.parametrize("role", [Role.ACCOUNTANT, Role.AUDITOR, Role.PROVIDER])
def test_the_service_refuses_whom_the_policy_refuses(
    world: DeliveryWorld, letters: dict[str, GuaranteeLetter], make_user: Any, role: Role
) -> None:
    """Not only the page and the API: the import itself asks the policy (a provider-staff
    user without an organisation imports nothing)."""
    content = csv_file(*good_rows(letters["ours"].number))
    municipality = None if role == Role.PROVIDER else world.municipality
    with pytest.raises(NotPermitted):
        run(make_user(role, municipality), content)
    assert not Session.objects.exists()


def test_an_xlsx_file_is_imported(
    world: DeliveryWorld, letters: dict[str, GuaranteeLetter]
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Oktobris"
    sheet.append(["Vēstule", "Rinda", "Datums", "Sākums", "Ilgums", "Parakstīja"])
    sheet.append([letters["ours"].number, 1, LAST_MONTH, dt.time(10, 0), 60, "klients"])
    sheet.append([letters["ours"].number, 1, LAST_MONTH, dt.time(12, 0), 60.0, "klients"])
    out = io.BytesIO()
    book.save(out)
    assert run(world.staff, out.getvalue(), "oktobris.xlsx") == {"created": 2, "unchanged": 0}


def test_one_bad_row_writes_nothing_and_every_problem_is_reported(
    world: DeliveryWorld, letters: dict[str, GuaranteeLetter]
) -> None:
    number = letters["ours"].number
    content = csv_file(
        *good_rows(number),
        f"{number};1;31.02.2026;10:00;60;;;klients;;;;",
        f"{number};7;{day(3)};10:00;60;;;klients;;;;",
        f"{letters['theirs'].number};1;{day(3)};10:00;60;;;klients;;;;",
        f"{number};1;{day(4)};10:00;-5;;;klients;;;;",
        f"{number};1;{day(0)};10:00;60;notika;klātienē;klients;;;;Budžets",
    )
    with pytest.raises(ImportFailed) as exc:
        run(world.staff, content)
    assert exc.value.rows == [
        {
            "sheet": "oktobris.csv",
            "row": 6,
            "field": "datums",
            "message": "Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD.",
        },
        {
            "sheet": "oktobris.csv",
            "row": 7,
            "field": "rinda",
            "message": f"Vēstulē {number} nav 7. rindas (tajā ir 2).",
        },
        {
            "sheet": "oktobris.csv",
            "row": 8,
            "field": "vēstule",
            "message": f"Garantijas vēstule „{letters['theirs'].number}” nav atrasta vai nav "
            "spēkā jūsu organizācijai.",
        },
        {
            "sheet": "oktobris.csv",
            "row": 9,
            "field": "ilgums",
            "message": "Ilgumam jābūt veselam minūšu skaitam no 1 līdz 720.",
        },
        {
            "sheet": "oktobris.csv",
            "row": 10,
            "field": "—",
            "message": "Rinda atkārto 2. rindu.",
        },
    ]
    assert exc.value.field_errors["file"][0] == (
        "oktobris.csv, 6. rinda, lauks „datums”: Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD."
    )
    assert not Session.objects.exists()
    assert not AuditEvent.objects.filter(
        event_type=AuditEventType.DELIVERY_SESSION_RECORDED
    ).exists()


def test_a_row_duplicating_a_typed_in_session_is_reported(
    world: DeliveryWorld, letters: dict[str, GuaranteeLetter]
) -> None:
    from .factories import make_session

    make_session(letters["ours"], date=LAST_MONTH, start_time=dt.time(10, 0))
    content = csv_file(f"{letters['ours'].number};1;{day(0)};10:00;60;;;klients;;;;")
    with pytest.raises(ImportFailed) as exc:
        run(world.staff, content)
    assert [(r["row"], r["field"]) for r in exc.value.rows] == [(2, "sākums")]
    assert Session.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "field", "message"),
    [
        ("a.pdf", b"%PDF-1.4", "file", "Atbalstītie formāti: .xlsx un .csv."),
        ("a.xlsx", b"not a zip", "file", "Fails nav derīgs XLSX fails."),
        ("a.csv", "x;y\n".encode("utf-16"), "file", None),
        ("a.csv", b"", "file", "Failā nav nevienas rindas."),
        (
            "a.csv",
            HEADER.encode() + b";krasa\nGV;1;x;y;;;;;;;;;zila\n",
            "krasa",
            "Nezināma kolonna.",
        ),
        ("a.csv", b"rinda;datums\n1;01.01.2026\n", "vēstule", "Trūkst kolonnas."),
    ],
)
def test_unreadable_files_are_refused(
    world: DeliveryWorld, name: str, content: bytes, field: str, message: str | None
) -> None:
    with pytest.raises(ImportFailed) as exc:
        run(world.staff, content, name)
    first = exc.value.rows[0]
    assert first["field"] == field
    if message is not None:
        assert first["message"] == message
    assert not Session.objects.exists()


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=st.binary(max_size=400))
def test_any_bytes_are_refused_cleanly(world: DeliveryWorld, body: bytes) -> None:
    with pytest.raises(ImportFailed):
        run(world.staff, HEADER.encode() + b"\n" + body)
    assert not Session.objects.exists()
