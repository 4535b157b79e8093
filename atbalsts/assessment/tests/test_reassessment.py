"""Re-assessment: children every 6 months, adults at the plan review (12 months by default)."""

import datetime as dt

import pytest

from atbalsts.assessment import selectors
from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.core.roles import Role
from atbalsts.people import services as people_services
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(social_worker, head, balvi):
    client = make_client(actor=social_worker, municipality=balvi, child=True)
    people_services.case_assign(
        actor=head, client=client, social_worker=social_worker, start_date=dt.date(2026, 1, 5)
    )
    make_assessment(actor=social_worker, client=client)  # assessed 10.01.2026
    return client


def _due(user, today):
    result = selectors.reassessments_due(user=user, today=today)
    return [(i.client, i.due_on, i.days) for i in result.due], [
        (i.client, i.due_on, i.days) for i in result.overdue
    ]


def test_child_is_due_within_30_days_of_six_months(social_worker, child):
    assert _due(social_worker, dt.date(2026, 6, 9)) == ([], [])
    assert _due(social_worker, dt.date(2026, 6, 10)) == ([(child, dt.date(2026, 7, 10), 30)], [])
    assert _due(social_worker, dt.date(2026, 7, 10)) == ([(child, dt.date(2026, 7, 10), 0)], [])
    assert _due(social_worker, dt.date(2026, 7, 11)) == ([], [(child, dt.date(2026, 7, 10), -1)])


def test_a_newer_completed_assessment_resets_the_clock(social_worker, child):
    make_assessment(actor=social_worker, client=child, assessed_on=dt.date(2026, 7, 1))
    assert _due(social_worker, dt.date(2026, 7, 11)) == ([], [])
    make_assessment(
        actor=social_worker, client=child, complete=False, assessed_on=dt.date(2026, 8, 1)
    )
    assert _due(social_worker, dt.date(2027, 1, 1)) == ([(child, dt.date(2027, 1, 1), 0)], [])


def test_adult_is_due_at_the_review_interval(social_worker, head, balvi, settings):
    adult = make_client(actor=social_worker, municipality=balvi)
    people_services.case_assign(
        actor=head, client=adult, social_worker=social_worker, start_date=dt.date(2026, 1, 5)
    )
    make_assessment(actor=social_worker, client=adult)
    assert _due(social_worker, dt.date(2026, 7, 11)) == ([], [])
    assert _due(social_worker, dt.date(2027, 1, 11)) == ([], [(adult, dt.date(2027, 1, 10), -1)])
    settings.ASSESSMENT_ADULT_REVIEW_MONTHS = 3
    assert _due(social_worker, dt.date(2026, 4, 1)) == ([(adult, dt.date(2026, 4, 10), 9)], [])


def test_social_worker_sees_own_cases_head_the_municipality(make_user, balvi, tukums, head, child):
    other_worker = make_user(Role.SOCIAL_WORKER, balvi)
    assert _due(other_worker, dt.date(2026, 7, 11)) == ([], [])
    assert _due(head, dt.date(2026, 7, 11)) == ([], [(child, dt.date(2026, 7, 10), -1)])
    assert _due(make_user(Role.HEAD, tukums), dt.date(2026, 7, 11)) == ([], [])
    assert _due(make_user(Role.ACCOUNTANT, balvi), dt.date(2026, 7, 11)) == ([], [])
