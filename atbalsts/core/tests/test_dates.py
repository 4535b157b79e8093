"""The day a workflow step is recorded: now, or a checked day in the past."""

import datetime as dt

import pytest
from django.utils import timezone

from atbalsts.core.dates import recorded_at
from atbalsts.core.errors import ValidationFailed


def test_none_is_now_and_a_past_day_is_that_day_at_noon():
    before = timezone.now()
    assert before <= recorded_at(None, field="on") <= timezone.now()
    moment = recorded_at(dt.date(2019, 10, 21), field="on", not_before=dt.date(2019, 10, 21))
    assert timezone.localdate(moment) == dt.date(2019, 10, 21)
    assert timezone.localtime(moment).time() == dt.time(12, 0)


@pytest.mark.parametrize(
    ("value", "not_before", "message"),
    [
        ("2019-10-21", None, "Datumam jābūt formā GGGG-MM-DD."),
        (dt.datetime(2019, 10, 21, 9, 0, tzinfo=dt.UTC), None, "Datumam jābūt formā GGGG-MM-DD."),
        (dt.date(2999, 1, 1), None, "Datums nevar būt nākotnē."),
        (dt.date(2019, 10, 20), dt.date(2019, 10, 21), "Datums nevar būt pirms 21.10.2019."),
        (
            dt.date(2019, 10, 20),
            dt.datetime(2019, 10, 21, 10, 0, tzinfo=dt.UTC),
            "Datums nevar būt pirms 21.10.2019.",
        ),
    ],
)
def test_a_wrong_day_is_refused_on_its_field(value, not_before, message):
    with pytest.raises(ValidationFailed) as caught:
        recorded_at(value, field="approved_on", not_before=not_before)
    assert caught.value.field_errors == {"approved_on": [message]}
