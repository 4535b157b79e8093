"""The living demo follows today: its budget periods are running on any day, with history
behind them, and the provider staff login can record today's session."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from atbalsts.accounts.models import User
from atbalsts.assessment.dates import add_months, period_end
from atbalsts.assessment.models import BudgetPeriod
from atbalsts.catalog.models import ProviderMembership, ServiceType, ServiceUnit, Tariff
from atbalsts.delivery import selectors as delivery_selectors
from atbalsts.delivery import services as delivery_services
from atbalsts.delivery.models import Session
from atbalsts.demo import world
from atbalsts.people.models import TargetGroup


@given(st.dates(min_value=dt.date(2025, 6, 1), max_value=dt.date(2045, 12, 31)))
def test_on_any_day_the_periods_are_running_with_history_behind_them(today):
    for group, months in (
        (TargetGroup.CHILD_FT, world.CHILD_MONTHS),
        (TargetGroup.ADULT_GRT, world.ADULT_MONTHS),
    ):
        start = world.period_start(group, today)
        assert start.day == 1
        assert start <= add_months(today.replace(day=1), -3)  # three whole months behind
        assert today < add_months(period_end(start, months), -1)  # a month or more to go
        assert world.tariffs_from(today) <= start
    assert world.period_start(TargetGroup.CHILD_FT, today) == world.period_start(
        TargetGroup.CHILD_FT, today.replace(day=1)
    )  # the same all month: loading again later in the month finds what it made


def test_the_dates_are_fixed_for_a_given_today():
    today = dt.date(2026, 11, 22)
    assert world.period_start(TargetGroup.CHILD_FT, today) == dt.date(2026, 8, 1)
    assert world.period_start(TargetGroup.ADULT_GRT, today) == dt.date(2026, 5, 1)
    assert world.tariffs_from(today) == dt.date(2025, 1, 1)
    # a day so early that the periods would begin before the usual tariffs
    assert world.tariffs_from(dt.date(2025, 6, 10)) == dt.date(2024, 1, 1)


@pytest.mark.django_db
def test_the_provider_staff_records_a_session_today():
    call_command("demo_load", "--without-pilot", stdout=io.StringIO())  # the living demo
    today = timezone.localdate()

    # every demo period is running today
    periods = BudgetPeriod.objects.filter(client__municipality__code="balvi")
    assert periods.exists()
    for period in periods:
        assert period.start <= today <= period.end

    staff = User.objects.get(username="sniedzejs")
    provider_id = ProviderMembership.objects.get(user=staff).provider_id
    first_start = periods.order_by("start")[0].start
    assert not Tariff.objects.filter(provider_id=provider_id, valid_from__gt=first_start).exists()
    letters = delivery_selectors.letters_for_recording(provider_id=provider_id, today=today)
    assert letters.exists()
    for letter in letters.order_by("number"):
        assert delivery_selectors.letter_open_for(staff, letter, today)
        line = next(
            (
                li
                for li in letter.lines
                if ServiceType.objects.get(pk=li["service_type_id"]).unit != ServiceUnit.KM
            ),
            None,
        )
        if line is not None:
            break
    assert line is not None
    child = letter.version.plan.client.target_group == TargetGroup.CHILD_FT

    session = delivery_services.session_record(
        actor=staff,
        letter=letter,
        data={
            "line_key": line["key"],
            "date": today,
            "start_time": dt.time(7, 5),
            "signed_by": "representative" if child else "client",
        },
    )

    assert Session.objects.get(pk=session.pk).date == today
    assert session.recorded_by == staff
    # the history: sessions in earlier months of the same letters, none this month until now
    earlier = Session.objects.filter(letter__provider_id=provider_id, date__lt=today)
    assert earlier.filter(date__lt=today.replace(day=1)).exists()
    assert not earlier.filter(date__gte=today.replace(day=1)).exists()
