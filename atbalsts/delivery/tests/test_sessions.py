"""Recording sessions: every rule of the attendance sheet, the amounts and the flags."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import DomainError, NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.delivery import services
from atbalsts.delivery.errors import (
    DuplicateSession,
    NoLetter,
    OutsideLetterPeriod,
    RemoteNotAllowed,
)
from atbalsts.delivery.models import Session, SessionStatus
from atbalsts.delivery.services.remote_quality import remote_quality_decide
from atbalsts.people import services as people_services
from atbalsts.plans import services as plan_services

from .factories import (
    END,
    LAST_MONTH,
    START,
    TODAY,
    DeliveryWorld,
    make_letter,
    make_letters,
    make_session,
)
from .test_evidence import picture

DAY = LAST_MONTH + dt.timedelta(days=2)
PNG = picture()  # a whole picture: a PNG header alone is refused (test_evidence.py)


def errors_of(exc: Any) -> dict[str, list[str]]:
    return exc.value.field_errors


def test_a_held_session_is_priced_from_the_letter(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    session = make_session(letter, duration_minutes=60)
    assert session.client == world.client
    assert session.provider == world.provider
    assert session.service_type == world.support_person
    assert session.units == Decimal("1.00")
    assert session.unit_price == Decimal("20.00")
    assert session.amount == Decimal("20.00")
    assert session.is_invoiceable
    assert not session.over_quantity
    assert session.funding_source == "individual_budget"
    event = AuditEvent.objects.get(event_type=AuditEventType.DELIVERY_SESSION_RECORDED)
    assert event.subject_id == str(session.pk)
    assert event.client_id == world.client.pk
    assert event.extra_data["amount"] == "20.00"


def test_a_session_unit_is_one_per_session(world: DeliveryWorld) -> None:
    letter = make_letter(world, service_type=world.session_service, session_minutes=45)
    session = make_session(letter)
    assert session.duration_minutes == 45
    assert (session.units, session.amount) == (Decimal("1"), Decimal("30.00"))


def test_provider_of_another_organisation_may_not_record(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    with pytest.raises(NotPermitted):
        make_session(letter, actor=world.other_staff)
    assert not Session.objects.exists()


def test_replaced_letter_refuses_sessions(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    version = plan_services.version_new(actor=world.worker, version=letter.version)
    plan_services.version_agree(
        actor=world.worker,
        version=version,
        revision=version.revision,
        signed_on=TODAY,
        sign_method="paper",
    )
    letter.refresh_from_db()
    with pytest.raises(NoLetter) as exc:
        make_session(letter)
    assert str(exc.value.message) == (
        f"Garantijas vēstule {letter.number} ir aizstāta; reģistrējiet nodarbības pēc "
        "jaunās vēstules."
    )


def test_a_line_not_in_the_letter_is_refused(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    with pytest.raises(NoLetter) as exc:
        make_session(letter, line="00000000-0000-0000-0000-000000000000")
    assert errors_of(exc) == {
        "line_key": [f"Garantijas vēstulē {letter.number} nav šāda pakalpojuma."]
    }


def test_date_outside_the_letter_period_is_refused(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    before = START - dt.timedelta(days=1)
    with pytest.raises(OutsideLetterPeriod) as exc:
        make_session(letter, date=before)
    assert errors_of(exc) == {
        "date": [
            f"Datums {before:%d.%m.%Y} ir ārpus garantijas vēstules {letter.number} perioda "
            f"šim pakalpojumam ({START:%d.%m.%Y}–{END:%d.%m.%Y})."
        ]
    }


def test_a_future_session_is_refused(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    with pytest.raises(ValidationFailed) as exc:
        make_session(letter, date=TODAY + dt.timedelta(days=1))
    assert errors_of(exc) == {"date": ["Nodarbību, kas vēl nav notikusi, reģistrēt nevar."]}


def test_duplicate_session_is_refused(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    make_session(letter)
    with pytest.raises(DuplicateSession) as exc:
        make_session(letter, duration_minutes=60)
    assert errors_of(exc) == {
        "start_time": [
            f"Nodarbība „{world.support_person.name_lv}” {DAY:%d.%m.%Y} plkst. 10:00 šim "
            "saņēmējam jau ir reģistrēta."
        ]
    }
    assert Session.objects.count() == 1


def test_a_cancelled_session_does_not_block_a_new_one(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    first = make_session(letter)
    services.session_update(actor=world.staff, session=first, data={"status": "cancelled"})
    second = make_session(letter)
    assert second.status == SessionStatus.HELD
    assert Session.objects.count() == 2


@pytest.mark.parametrize("minutes", [-30, 0, 721, "abc", "1.5", True])
def test_absurd_durations_are_refused(world: DeliveryWorld, minutes: Any) -> None:
    letter = make_letter(world)
    with pytest.raises(ValidationFailed) as exc:
        make_session(letter, duration_minutes=minutes)
    assert errors_of(exc) == {
        "duration_minutes": ["Ilgumam jābūt veselam minūšu skaitam no 1 līdz 720."]
    }
    assert not Session.objects.exists()


def test_any_start_time_input_is_refused_or_accepted_cleanly(world: DeliveryWorld) -> None:
    letter = make_letter(world)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(junk=st.one_of(st.text(max_size=12), st.integers(), st.floats(allow_nan=True)))
    def check(junk: Any) -> None:
        try:
            session = make_session(letter, start_time=junk)
        except (ValidationFailed, DuplicateSession):
            return
        assert isinstance(session.start_time, dt.time)

    check()


def test_missing_fields_are_reported_by_name(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    with pytest.raises(ValidationFailed) as exc:
        make_session(letter, date="", start_time="", signed_by="", status="played")
    assert errors_of(exc) == {
        "status": [
            "Nederīga vērtība; atļautās: held, no_show_notice, no_show_no_notice, cancelled."
        ],
        "date": ["Obligāts lauks."],
        "start_time": ["Obligāts lauks."],
        "signed_by": ["Norādiet, kas parakstīja apmeklējumu."],
    }


def test_unknown_fields_are_refused(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    with pytest.raises(ValidationFailed) as exc:
        make_session(letter, amount="999")
    assert errors_of(exc) == {"amount": ["Nezināms lauks."]}


# --- duration against the letter ---------------------------------------------------------------


def test_a_differing_duration_waits_for_the_social_worker(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    session = make_session(
        letter, duration_minutes=90, duration_difference_reason="Klients lūdza pagarināt"
    )
    assert session.units == Decimal("1.50")
    assert session.amount == Decimal("30.00")
    assert session.duration_pending
    assert not session.is_invoiceable
    with pytest.raises(NotPermitted):
        services.session_accept_duration(actor=world.staff, session=session, reason="Labi")
    with pytest.raises(ValidationFailed) as exc:
        services.session_accept_duration(actor=world.worker, session=session, reason=" ")
    assert errors_of(exc) == {"reason": ["Obligāts lauks."]}
    session = services.session_accept_duration(
        actor=world.worker, session=session, reason="Saskaņots ar klientu"
    )
    assert session.is_invoiceable
    assert session.duration_accepted_by == world.worker
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.DELIVERY_DURATION_ACCEPTED, subject_id=str(session.pk)
    ).exists()
    with pytest.raises(DomainError) as again:
        services.session_accept_duration(actor=world.worker, session=session, reason="x")
    assert str(again.value.message) == (
        "Šīs nodarbības ilgums atbilst garantijas vēstulei vai jau ir akceptēts."
    )


def test_a_social_worker_recording_a_difference_with_a_reason_accepts_it(
    world: DeliveryWorld,
) -> None:
    letter = make_letter(world)
    session = make_session(
        letter,
        actor=world.worker,
        duration_minutes=30,
        duration_difference_reason="Klientam kļuva slikti",
    )
    assert session.duration_accepted_by == world.worker
    assert session.is_invoiceable
    assert session.amount == Decimal("10.00")


def test_changing_the_duration_again_needs_a_new_acceptance(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    session = make_session(letter, duration_minutes=90)
    session = services.session_accept_duration(actor=world.worker, session=session, reason="Ok")
    session = services.session_update(
        actor=world.staff, session=session, data={"duration_minutes": 120}
    )
    assert session.duration_pending and not session.is_invoiceable


# --- remote sessions ---------------------------------------------------------------------------


def test_remote_is_refused_for_a_service_that_does_not_allow_it(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    with pytest.raises(RemoteNotAllowed) as exc:
        make_session(letter, mode="remote", evidence_protocol="Zoom 10:00–11:00")
    assert errors_of(exc) == {
        "mode": [
            f"Pakalpojumu „{world.support_person.name_lv}” attālināti sniegt nevar, un "
            f"{DAY:%d.%m.%Y} pašvaldībā nav izsludināta ārkārtas situācija."
        ]
    }


def test_remote_is_allowed_during_an_emergency(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    services.emergency_declare(
        actor=world.head,
        municipality=world.municipality,
        data={"start": LAST_MONTH, "end": LAST_MONTH + dt.timedelta(days=9), "reason": "Plūdi"},
    )
    # the social worker's decision that remote delivery keeps the quality (issue 16)
    remote_quality_decide(
        actor=world.worker,
        client=world.client,
        data={
            "service_type": world.support_person.pk,
            "keeps_quality": True,
            "note": "Var",
            "decided_on": LAST_MONTH,
        },
    )
    session = make_session(letter, mode="remote", evidence_protocol="Zoom 10:00–11:00")
    assert session.is_remote and session.is_invoiceable
    with pytest.raises(RemoteNotAllowed):
        make_session(
            letter, mode="remote", evidence_protocol="x", date=LAST_MONTH + dt.timedelta(days=10)
        )


def test_remote_without_evidence_waits_for_the_social_worker(world: DeliveryWorld) -> None:
    letter = make_letter(world, service_type=world.psychologist, quantity=Decimal("4"))
    session = make_session(letter, mode="remote")
    assert session.evidence_pending and not session.is_invoiceable
    with pytest.raises(ValidationFailed) as exc:
        services.session_update(
            actor=world.staff, session=session, data={"no_evidence_reason": "Nav"}
        )
    assert errors_of(exc) == {
        "no_evidence_reason": ["Pamatojumu, kāpēc pierādījumu nav, ieraksta sociālais darbinieks."]
    }
    session = services.session_accept_no_evidence(
        actor=world.worker,
        session=session,
        reason="Zvanīju klientam 05.11., nodarbība notika",
    )
    assert session.is_invoiceable and session.no_evidence_by == world.worker


def test_a_screenshot_is_evidence(world: DeliveryWorld) -> None:
    letter = make_letter(world, service_type=world.psychologist, quantity=Decimal("4"))
    upload = SimpleUploadedFile("ekrans.png", PNG, content_type="image/png")
    session = make_session(letter, mode="remote", evidence_file=upload)
    assert session.evidence_file.name.endswith(".png")
    assert session.is_invoiceable


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 not a picture", "Pievienojiet ekrānuzņēmumu PNG vai JPEG formātā vai PDF."),
        (b"%PDF-" + b"0" * (5 * 1024 * 1024), "Datne nedrīkst būt lielāka par 5 MB."),
    ],
)
def test_bad_evidence_files_are_refused(world: DeliveryWorld, content: bytes, message: str) -> None:
    letter = make_letter(world, service_type=world.psychologist, quantity=Decimal("4"))
    upload = SimpleUploadedFile("x.png", content)
    with pytest.raises(ValidationFailed) as exc:
        make_session(letter, mode="remote", evidence_file=upload)
    assert errors_of(exc) == {"evidence_file": [message]}
    assert not Session.objects.exists()


# --- recipient and signature -------------------------------------------------------------------


def test_the_recipient_must_be_named_on_the_line(world: DeliveryWorld) -> None:
    mother = people_services.circle_member_create(
        actor=world.worker,
        client=world.client,
        data={"first_name": "Inese", "last_name": "Bērziņa", "relation": "parent"},
    )
    brother = people_services.circle_member_create(
        actor=world.worker,
        client=world.client,
        data={"first_name": "Jānis", "last_name": "Bērziņš", "relation": "sibling"},
    )
    letter = make_letter(world, recipient=mother)
    session = make_session(letter, recipient=mother.pk)
    assert session.recipient == mother
    with pytest.raises(ValidationFailed) as exc:
        make_session(letter, recipient=brother.pk, start_time="12:00")
    assert errors_of(exc) == {"recipient": ["Šis saņēmējs nav norādīts garantijas vēstules rindā."]}
    # the same hour for another recipient is not a duplicate
    assert make_session(letter).recipient is None


def test_only_a_social_worker_signs_for_the_person(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    with pytest.raises(ValidationFailed) as exc:
        make_session(letter, signed_by="social_worker", signer_note="Zvanīju")
    assert errors_of(exc) == {
        "signed_by": ["Sociālā darbinieka parakstu reģistrē pats sociālais darbinieks."]
    }
    with pytest.raises(ValidationFailed) as exc:
        make_session(letter, actor=world.worker, signed_by="social_worker")
    assert errors_of(exc) == {
        "signer_note": [
            "Sociālais darbinieks ieraksta, ka sazinājās ar personu un pārliecinājās, ka "
            "nodarbība notika."
        ]
    }
    session = make_session(
        letter,
        actor=world.worker,
        signed_by="social_worker",
        signer_note="Sazinājos ar klientu, nodarbība notika",
    )
    assert session.signed_by == "social_worker"


def test_a_representative_signs_only_if_there_is_one(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    with pytest.raises(ValidationFailed) as exc:
        make_session(letter, signed_by="representative")
    assert errors_of(exc) == {
        "signed_by": [f"Klientam {DAY:%d.%m.%Y} nav reģistrēta aizbildņa vai likumiskā pārstāvja."]
    }


# --- quantity --------------------------------------------------------------------------------


def test_sessions_past_the_monthly_quantity_are_flagged_not_refused(
    world: DeliveryWorld,
) -> None:
    letter = make_letter(world, quantity=Decimal("3"))
    sessions = [
        make_session(letter, date=LAST_MONTH + dt.timedelta(days=d), duration_minutes=60)
        for d in range(4)
    ]
    flags = [Session.objects.get(pk=s.pk).over_quantity for s in sessions]
    assert flags == [False, False, False, True]
    # cancelling an earlier one brings the last back within the quantity
    services.session_update(actor=world.staff, session=sessions[0], data={"status": "cancelled"})
    assert not Session.objects.get(pk=sessions[3].pk).over_quantity
    # the next month starts afresh
    nxt = make_session(letter, date=TODAY.replace(day=1))
    assert not nxt.over_quantity


def test_a_letter_with_two_providers_gives_each_its_own_letter(world: DeliveryWorld) -> None:
    letters = make_letters(
        world, lines=[{}, {"provider": world.other_provider, "quantity": Decimal("5")}]
    )
    theirs = letters[world.other_provider.pk]
    session = make_session(theirs)
    assert session.unit_price == Decimal("25.00")
    with pytest.raises(NotPermitted):
        make_session(theirs, actor=world.staff)


def test_accountant_and_auditor_may_not_record(world: DeliveryWorld, make_user: Any) -> None:
    letter = make_letter(world)
    for role in (Role.ACCOUNTANT, Role.AUDITOR, Role.ANALYST):
        with pytest.raises(NotPermitted):
            make_session(letter, actor=make_user(role, world.municipality))


def test_worker_of_another_municipality_may_not_record(
    world: DeliveryWorld, make_user: Any, tukums: Any
) -> None:
    letter = make_letter(world)
    with pytest.raises(NotPermitted):
        make_session(letter, actor=make_user(Role.SOCIAL_WORKER, tukums))


def test_update_is_audited_without_the_notes(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    session = make_session(letter, goals_worked_on="Budžeta plānošana")
    services.session_update(
        actor=world.staff,
        session=session,
        data={"goals_worked_on": "Iepirkšanās", "duration_minutes": 60, "start_time": "11:00"},
    )
    event = AuditEvent.objects.get(event_type=AuditEventType.DELIVERY_SESSION_CHANGED)
    assert event.extra_data == {
        "changes": {"start_time": {"before": "10:00:00", "after": "11:00:00"}},
        "notes_changed": ["goals_worked_on"],
    }
    assert "Iepirkšanās" not in str(event.extra_data)


def test_the_service_of_a_session_cannot_change(world: DeliveryWorld) -> None:
    letter = make_letter(world)
    session = make_session(letter)
    with pytest.raises(ValidationFailed) as exc:
        services.session_update(
            actor=world.staff,
            session=session,
            data={"line_key": "00000000-0000-0000-0000-000000000000"},
        )
    assert errors_of(exc) == {
        "line_key": ["Nodarbības pakalpojumu mainīt nevar; atceliet to un reģistrējiet no jauna."]
    }
