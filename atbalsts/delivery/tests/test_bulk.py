"""Sessions recorded in bulk (`services.bulk`): the same rows are refused with the same
errors as one by one through `session_record`, all or nothing, the audit chain verifies,
and the quantity flags equal the per-session computation."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from atbalsts.core.audit import (
    AuditEntry,
    AuditEventType,
    audit_record,
    audit_record_many,
    chain_verify,
)
from atbalsts.core.errors import DomainError
from atbalsts.core.models import AuditEvent
from atbalsts.delivery import services
from atbalsts.delivery.errors import ImportFailed
from atbalsts.delivery.models import Session
from atbalsts.delivery.services.bulk import BulkEntry, sessions_record_bulk
from atbalsts.delivery.services.flags import reflag_month
from atbalsts.plans.models import GuaranteeLetter

from .factories import LAST_MONTH, START, TODAY, DeliveryWorld, make_letters

COMPARED = (
    "date",
    "start_time",
    "status",
    "mode",
    "duration_minutes",
    "units",
    "unit_price",
    "amount",
    "no_show_share",
    "over_quantity",
    "is_invoiceable",
    "signed_by",
    "recipient_id",
)


def day(n: int) -> str:
    return (LAST_MONTH + dt.timedelta(days=n)).isoformat()


@pytest.fixture
def letter(world: DeliveryWorld) -> GuaranteeLetter:
    made = make_letters(
        world,
        lines=[
            {"quantity": Decimal("3")},
            {"service_type": world.psychologist, "quantity": Decimal("2")},
            {"service_type": world.transport, "quantity": Decimal("50"), "session_minutes": None},
        ],
    )
    return made[world.provider.pk]


def rows(letter: GuaranteeLetter) -> list[dict[str, Any]]:
    """Rows for every rule of the attendance sheet, good and bad, some depending on the rows
    before them (a duplicate, the month's quantity)."""
    hour, psy, km = (line["key"] for line in letter.lines)
    base = {"line_key": hour, "date": day(2), "start_time": "10:00", "signed_by": "client"}
    return [
        base,
        {**base, "duration_minutes": "90"},  # the same time again: a duplicate
        {**base, "status": "cancelled", "signed_by": ""},  # a cancellation never is
        {**base, "date": day(3)},
        {**base, "date": day(4), "duration_minutes": "45"},
        {**base, "date": day(5)},  # past the month's 3 hours
        {**base, "date": day(6), "status": "no_show_no_notice", "signed_by": ""},
        {**base, "date": day(7), "status": "no_show_notice", "signed_by": ""},
        {**base, "date": day(8), "status": "no_show_notice"},  # nobody signs a no-show
        {**base, "date": day(9), "signed_by": ""},  # a held session is signed
        {**base, "date": day(10), "signed_by": "representative"},  # the client has none
        {**base, "date": day(11), "signed_by": "social_worker", "signer_note": "zvanīju"},
        {**base, "date": day(12), "mode": "remote"},  # not a remote service
        {**base, "date": day(13), "km": "12"},  # kilometres only for transport
        {**base, "date": day(14), "duration_minutes": "0"},
        {**base, "date": day(14), "duration_minutes": "abc", "status": "maybe"},
        {**base, "date": day(15), "start_time": "25:99"},
        {**base, "date": ""},
        {**base, "date": (TODAY + dt.timedelta(days=3)).isoformat()},
        {**base, "date": (START - dt.timedelta(days=1)).isoformat()},
        {**base, "line_key": ""},
        {**base, "line_key": "nav-tādas"},
        {**base, "colour": "zaļa"},
        {**base, "line_key": psy, "date": day(16), "mode": "remote"},  # waits for evidence
        {**base, "line_key": psy, "date": day(17), "mode": "remote", "evidence_protocol": "x"},
        {**base, "line_key": psy, "date": day(18)},
        {**base, "line_key": km, "date": day(19), "km": "42.5"},
        {**base, "line_key": km, "date": day(20)},  # a kilometre trip names its kilometres
        {**base, "line_key": km, "date": day(21), "km": "10", "ticket_amount": "2.50"},
        {**base, "date": (LAST_MONTH - dt.timedelta(days=3)).isoformat()},  # the month before
    ]


def refusal(exc: DomainError) -> tuple[str, dict[str, list[str]]]:
    return type(exc).__name__, {k: [str(m) for m in v] for k, v in exc.field_errors.items()}


def stored() -> dict[str | None, tuple[Any, ...]]:
    return {
        s.import_key: tuple(getattr(s, name) for name in COMPARED)
        for s in Session.objects.exclude(import_key=None)
    }


class _Undo(Exception):
    pass


def one_by_one(actor: Any, letter: GuaranteeLetter, data: list[dict[str, Any]]) -> Any:
    """Each row through session_record in its own savepoint (as the import did), then
    everything undone: the refusals by row and the sessions as stored."""
    errors: dict[int, tuple[str, dict[str, list[str]]]] = {}
    try:
        with transaction.atomic():
            for index, values in enumerate(data):
                try:
                    with transaction.atomic():
                        services.session_record(
                            actor=actor, letter=letter, data=values, import_key=f"k{index}"
                        )
                except DomainError as exc:
                    errors[index] = refusal(exc)
            result = stored()
            raise _Undo
    except _Undo:
        pass
    assert Session.objects.count() == 0
    return errors, result


def in_bulk(
    actor: Any, letter: GuaranteeLetter, data: list[dict[str, Any]], prefix: str = "k"
) -> Any:
    outcome = sessions_record_bulk(
        actor=actor,
        entries=[BulkEntry(letter, values, f"{prefix}{i}") for i, values in enumerate(data)],
    )
    return {i: refusal(e) for i, e in outcome.errors.items()}, outcome


def test_the_bulk_path_refuses_exactly_what_the_single_path_refuses(
    world: DeliveryWorld, letter: GuaranteeLetter
) -> None:
    data = rows(letter)
    single_errors, _single = one_by_one(world.staff, letter, data)
    bulk_errors, outcome = in_bulk(world.staff, letter, data)
    assert len(single_errors) >= 15  # the table does exercise the rules
    assert bulk_errors == single_errors
    assert outcome.sessions == []  # a refused row: nothing written
    assert Session.objects.count() == 0


def test_the_good_rows_are_stored_as_the_single_path_stores_them(
    world: DeliveryWorld, letter: GuaranteeLetter
) -> None:
    data = rows(letter)
    single_errors, single = one_by_one(world.staff, letter, data)
    good = [values for i, values in enumerate(data) if i not in single_errors]
    _errors, single = one_by_one(world.staff, letter, good)
    errors, outcome = in_bulk(world.staff, letter, good)
    assert errors == {}
    assert len(outcome.sessions) == len(good) > 10
    assert stored() == single
    assert any(values[COMPARED.index("over_quantity")] for values in single.values())


def test_in_random_order_too(world: DeliveryWorld, letter: GuaranteeLetter) -> None:
    """Rows whose verdict depends on the rows before them (a duplicate, the quantity)."""
    data = rows(letter)
    random.Random(15).shuffle(data)
    single_errors, single = one_by_one(world.staff, letter, data)
    bulk_errors, _outcome = in_bulk(world.staff, letter, data)
    assert bulk_errors == single_errors
    good = [values for i, values in enumerate(data) if i not in single_errors]
    _errors, single = one_by_one(world.staff, letter, good)
    in_bulk(world.staff, letter, good)
    assert stored() == single


def test_one_bad_row_writes_nothing_and_the_file_import_reports_it(
    world: DeliveryWorld, letter: GuaranteeLetter
) -> None:
    header = "vēstule;rinda;datums;sākums;ilgums;statuss;parakstīja"
    good = [f"{letter.number};1;{LAST_MONTH:%d.%m.%Y};{h:02d}:00;60;;klients" for h in range(8, 16)]
    bad = f"{letter.number};1;{LAST_MONTH:%d.%m.%Y};17:00;60;notika;"  # not signed
    content = ("\n".join([header, *good, bad]) + "\n").encode()
    events = AuditEvent.objects.count()
    with pytest.raises(ImportFailed) as caught:
        services.sessions_import(actor=world.staff, name="m.csv", content=content)
    assert [(e["row"], e["field"]) for e in caught.value.rows] == [(10, "parakstīja")]
    assert Session.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_a_bulk_import_keeps_the_audit_chain_whole(
    world: DeliveryWorld, letter: GuaranteeLetter
) -> None:
    audit_record(actor=world.staff, event_type=AuditEventType.DELIVERY_IMPORTED)
    hour, psy, _km = (line["key"] for line in letter.lines)
    data = [
        {"line_key": key, "date": day(n), "start_time": "10:00", "signed_by": "client"}
        for n in range(1, 20)
        for key in (hour, psy)
    ]
    errors, outcome = in_bulk(world.staff, letter, data)
    assert errors == {}
    audit_record(actor=world.staff, event_type=AuditEventType.DELIVERY_IMPORTED)
    assert chain_verify().problem == ""
    call_command("audit_verify")  # exits 1 (SystemExit) on a broken chain
    (event,) = AuditEvent.objects.filter(event_type=AuditEventType.DELIVERY_SESSIONS_RECORDED)
    assert event.client_id == world.client.pk
    assert event.extra_data["sessions"] == [s.pk for s in outcome.sessions]
    assert event.extra_data["count"] == len(data)


def test_many_events_chain_like_one_by_one(world: DeliveryWorld) -> None:
    entries = [
        AuditEntry(AuditEventType.DELIVERY_IMPORTED, subject_id=str(n), extra_data={"n": n})
        for n in range(1203)
    ]
    audit_record(actor=None, event_type=AuditEventType.DELIVERY_IMPORTED)
    written = audit_record_many(actor=world.staff, entries=entries, batch_size=100)
    audit_record(actor=None, event_type=AuditEventType.DELIVERY_IMPORTED)
    assert chain_verify().problem == ""
    ids = [e.pk for e in written]
    assert ids == sorted(ids) and len(ids) == 1203
    assert written[1].prev_hash == written[0].hash


def test_the_month_flags_equal_the_per_session_computation(
    world: DeliveryWorld, letter: GuaranteeLetter
) -> None:
    hour = letter.lines[0]["key"]
    statuses = ["held", "held", "no_show_no_notice", "no_show_notice", "cancelled", "held"]
    draw = random.Random(2026)
    data = []
    for n in range(40):
        status = draw.choice(statuses)
        data.append(
            {
                "line_key": hour,
                "date": day(draw.randrange(0, 45)),
                "start_time": f"{8 + n % 10:02d}:{draw.choice(['00', '30'])}",
                "duration_minutes": str(draw.choice([30, 60, 90])),
                "status": status,
                "signed_by": "client" if status == "held" else "",
            }
        )
    errors, _outcome = in_bulk(world.staff, letter, data)
    kept = [values for i, values in enumerate(data) if i not in errors]
    Session.objects.all().delete()
    errors, outcome = in_bulk(world.staff, letter, kept)
    assert errors == {}
    flags = dict(Session.objects.values_list("pk", "over_quantity"))
    assert any(flags.values()) and not all(flags.values())
    for session in outcome.sessions:  # recompute every month the old way, one by one
        reflag_month(session.client_id, session.line_key, session.date, Decimal("3"))
    assert dict(Session.objects.values_list("pk", "over_quantity")) == flags


def test_a_second_bulk_import_reflags_the_stored_sessions(
    world: DeliveryWorld, letter: GuaranteeLetter
) -> None:
    """Earlier sessions recorded later in the month push the stored ones past the quantity."""
    hour = letter.lines[0]["key"]

    def session(n: int, time: str) -> dict[str, Any]:
        return {"line_key": hour, "date": day(n), "start_time": time, "signed_by": "client"}

    in_bulk(world.staff, letter, [session(10, "10:00"), session(11, "10:00")])
    assert not Session.objects.filter(over_quantity=True).exists()
    errors, _outcome = in_bulk(
        world.staff, letter, [session(1, "10:00"), session(2, "10:00")], prefix="later"
    )
    assert errors == {}
    over = Session.objects.filter(over_quantity=True).values_list("date", flat=True)
    assert sorted(over) == [LAST_MONTH + dt.timedelta(days=11)]
