"""The programme's reminders: an envelope nearing, passing or spent (each level once) for the
municipality's heads and accountants; a credit note waiting for a decision for those who may
decide it, never its proposer."""

import datetime as dt
from decimal import Decimal

import pytest

from atbalsts.billing import services as billing_services
from atbalsts.billing.tests.factories import approved, record_sessions, submit
from atbalsts.core.roles import Role
from atbalsts.delivery.tests.factories import LAST_MONTH, TODAY, make_letter
from atbalsts.notifications.models import Notification, NotificationKind
from atbalsts.plans.models import FundingSource

from .helpers import made, run

pytestmark = pytest.mark.django_db

K = NotificationKind


def test_an_envelope_warns_its_municipality_once_per_level(world, accountant, make_user, tukums):
    ministry = make_user(Role.ANALYST, None)
    stranger = make_user(Role.HEAD, tukums)
    record_sessions(make_letter(world), [3, 10])  # 40.00 of the individual budget
    approved(world, submit(world), accountant)
    envelope = billing_services.envelope_set(
        actor=ministry,
        municipality=world.municipality,
        target_group=world.client.target_group,
        year=LAST_MONTH.year,
        funding_source=FundingSource.INDIVIDUAL_BUDGET,
        amount="42.00",
    )
    day = dt.date(LAST_MONTH.year, 12, 31) if LAST_MONTH.year < TODAY.year else TODAY
    assert run(day)[K.ENVELOPE_RUNNING_OUT] == 2  # the head and the accountant
    assert {n[0] for n in made(K.ENVELOPE_RUNNING_OUT)} == {world.head, accountant}
    assert run(day)[K.ENVELOPE_RUNNING_OUT] == 0
    envelope.amount = Decimal("40.00")
    envelope.save()
    assert run(day)[K.ENVELOPE_RUNNING_OUT] == 2  # now spent: news again
    assert not Notification.objects.filter(recipient__in=[stranger, ministry]).exists()


def test_a_credit_note_waits_for_someone_other_than_its_proposer(world, accountant, make_user):
    second = make_user(Role.ACCOUNTANT, world.municipality)
    record_sessions(make_letter(world), [3])
    invoice = approved(world, submit(world), accountant)
    note = billing_services.credit_note_propose(
        actor=accountant, invoice=invoice, reason="Kļūda.", whole=True
    )
    assert run(TODAY)[K.CREDIT_NOTE_TO_DECIDE] == 2
    assert {n[0] for n in made(K.CREDIT_NOTE_TO_DECIDE)} == {world.head, second}
    assert made(K.CREDIT_NOTE_TO_DECIDE)[0][1] == note.get_absolute_url()
    assert run(TODAY)[K.CREDIT_NOTE_TO_DECIDE] == 0
