"""`manage.py reminders_run` and the scheduled task `reminders_daily`."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from atbalsts.assessment.tests.factories import make_assessment
from atbalsts.notifications.models import Notification
from atbalsts.notifications.run import next_run_after
from atbalsts.notifications.tasks import reminders_daily, schedule_next
from atbalsts.people import services as people_services
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db

RIGA = ZoneInfo("Europe/Riga")


@pytest.fixture
def due_child(social_worker, head, balvi):
    child = make_client(actor=social_worker, municipality=balvi, child=True)
    people_services.case_assign(
        actor=head, client=child, social_worker=social_worker, start_date=dt.date(2026, 1, 5)
    )
    make_assessment(actor=social_worker, client=child)
    return child


def _run(*args):
    out = StringIO()
    call_command("reminders_run", *args, stdout=out)
    return out.getvalue()


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_the_command_runs_now_and_prints_counts(due_child):
    out = _run("--date", "2026-06-20")
    assert "Atgādinājumi 20.06.2026:" in out
    assert "reassessment_due: 1" in out
    assert "kopā: 1" in out
    # nobody asked for appointment reminders here: the count is printed, and it is nought
    assert "Atgādinājumi personām par rītdienas tikšanos: 0" in out
    quiet = _run("--date", "20.06.2026", "--no-mail")
    assert "kopā: 0" in quiet and "tikšanos" not in quiet
    assert Notification.objects.count() == 1


def test_a_bad_date_is_a_clear_error():
    with pytest.raises(CommandError, match="Nederīgs datums"):
        _run("--date", "2026-13-45")


def test_next_run_is_six_in_the_morning_riga_time():
    before = dt.datetime(2026, 3, 10, 5, 0, tzinfo=RIGA)
    after = dt.datetime(2026, 3, 10, 7, 0, tzinfo=RIGA)
    assert next_run_after(before) == dt.datetime(2026, 3, 10, 6, 0, tzinfo=RIGA)
    assert next_run_after(after) == dt.datetime(2026, 3, 11, 6, 0, tzinfo=RIGA)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_the_task_called_directly_runs_the_day(due_child):
    result = reminders_daily.call(day="2026-06-20", schedule=False)
    assert result["counts"]["reassessment_due"] == 1
    assert reminders_daily.call(day="2026-06-20", schedule=False)["counts"]["reassessment_due"] == 0


def test_scheduling_queues_one_next_run():
    from django_tasks_db.models import DBTaskResult

    backend = reminders_daily.get_backend()
    if not backend.supports_defer:
        assert schedule_next() is None
        return
    now = dt.datetime(2026, 3, 10, 7, 0, tzinfo=RIGA)
    first = schedule_next(now)
    second = schedule_next(now)
    assert first == second == dt.datetime(2026, 3, 11, 6, 0, tzinfo=RIGA)
    queued = DBTaskResult.objects.filter(task_path=reminders_daily.module_path)
    assert queued.count() == 1
    assert queued.get().run_after == first
