"""Intake: referrals with selection decisions, and case assignment with dates."""

import datetime as dt

import pytest

from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import DomainError, NotPermitted, ValidationFailed
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.people import services
from atbalsts.people.models import CaseAssignment, Client, Referral, ReferralDecision, TargetGroup
from atbalsts.people.personal_code import make_old_form
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(social_worker, balvi):
    return services.referral_create(
        actor=social_worker,
        municipality=balvi,
        data={
            "target_group": TargetGroup.CHILD_FT,
            "first_name": "Emīls",
            "last_name": "Ozoliņš",
            "personal_code": make_old_form(dt.date(2019, 7, 1), 44),
            "referred_by": "ģimenes ārsts",
            "referred_on": dt.date(2026, 1, 2),
        },
    )


def test_social_worker_registers_but_cannot_decide(social_worker, referral):
    with pytest.raises(NotPermitted):
        services.referral_decide(actor=social_worker, referral=referral, decision="accepted")


def test_decline_needs_a_reason(head, referral):
    with pytest.raises(ValidationFailed) as exc:
        services.referral_decide(actor=head, referral=referral, decision="declined", reason=" ")
    assert exc.value.errors == {"decision_reason": ["Atteikumam norādiet iemeslu."]}
    decided = services.referral_decide(
        actor=head,
        referral=referral,
        decision="declined",
        reason="neatbilst mērķa grupai",
        decided_on=dt.date(2026, 1, 20),
    )
    assert decided.decision == ReferralDecision.DECLINED and decided.decided_by == head


def test_waiting_then_accepted_registers_the_client(head, referral):
    services.referral_decide(
        actor=head, referral=referral, decision="waiting", decided_on=dt.date(2026, 1, 10)
    )
    accepted = services.referral_decide(
        actor=head, referral=referral, decision="accepted", decided_on=dt.date(2026, 2, 1)
    )
    client = accepted.client
    assert client is not None and client.start_date == dt.date(2026, 2, 1)
    assert client.date_of_birth == dt.date(2019, 7, 1)
    with pytest.raises(DomainError):
        services.referral_decide(actor=head, referral=accepted, decision="declined", reason="x")
    assert AuditEvent.objects.filter(event_type=AuditEventType.REFERRAL_DECIDED).count() == 2


def test_accepting_an_invalid_candidate_writes_nothing(head, social_worker, balvi):
    ref = services.referral_create(
        actor=social_worker,
        municipality=balvi,
        data={
            "target_group": TargetGroup.ADULT_GRT,
            "first_name": "A",
            "last_name": "B",
            "referred_by": "pats",
            "referred_on": dt.date(2026, 1, 2),
        },
    )
    with pytest.raises(ValidationFailed) as exc:
        services.referral_decide(actor=head, referral=ref, decision="accepted")
    assert exc.value.errors["personal_code"] == ["Norādiet personas kodu."]
    ref.refresh_from_db()
    assert ref.decision == ReferralDecision.PENDING and Client.objects.count() == 0


def test_decision_before_referral_date_is_refused(head, referral):
    with pytest.raises(ValidationFailed):
        services.referral_decide(
            actor=head, referral=referral, decision="waiting", decided_on=dt.date(2025, 12, 31)
        )


def test_referral_with_invalid_code_is_refused(social_worker, balvi):
    with pytest.raises(ValidationFailed) as exc:
        services.referral_create(
            actor=social_worker,
            municipality=balvi,
            data={
                "target_group": TargetGroup.CHILD_FT,
                "first_name": "A",
                "last_name": "B",
                "personal_code": "999999-99999",
                "referred_by": "skola",
                "referred_on": dt.date(2026, 1, 2),
            },
        )
    assert "personal_code" in exc.value.errors
    assert Referral.objects.count() == 0


def test_assignment_hands_over_with_dates(head, social_worker, make_user, balvi):
    client = make_client(actor=social_worker, municipality=balvi)
    other = make_user(Role.SOCIAL_WORKER, balvi)
    first = services.case_assign(
        actor=head, client=client, social_worker=social_worker, start_date=dt.date(2026, 1, 5)
    )
    with pytest.raises(DomainError):
        services.case_assign(
            actor=head, client=client, social_worker=social_worker, start_date=dt.date(2026, 3, 1)
        )
    with pytest.raises(ValidationFailed):
        services.case_assign(
            actor=head, client=client, social_worker=other, start_date=dt.date(2026, 1, 4)
        )
    services.case_assign(
        actor=head, client=client, social_worker=other, start_date=dt.date(2026, 3, 1)
    )
    first.refresh_from_db()
    assert first.end_date == dt.date(2026, 2, 28)
    assert (
        CaseAssignment.objects.filter(client=client, end_date__isnull=True).get().social_worker
        == other
    )


def test_assignment_to_someone_not_a_local_social_worker_is_refused(
    head, social_worker, make_user, balvi, tukums
):
    client = make_client(actor=social_worker, municipality=balvi)
    for user in (make_user(Role.SOCIAL_WORKER, tukums), make_user(Role.ACCOUNTANT, balvi)):
        with pytest.raises(ValidationFailed) as exc:
            services.case_assign(
                actor=head, client=client, social_worker=user, start_date=dt.date(2026, 1, 5)
            )
        assert exc.value.errors == {
            "social_worker": ["Izvēlieties aktīvu šīs pašvaldības sociālo darbinieku."]
        }
    with pytest.raises(NotPermitted):
        services.case_assign(
            actor=social_worker,
            client=client,
            social_worker=social_worker,
            start_date=dt.date(2026, 1, 5),
        )
