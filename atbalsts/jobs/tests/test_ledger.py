"""The ledger rebuild as a job: only the administrator starts it (page with a confirmation,
or `manage.py ledger_rebuild`); it recomputes the roll-ups with progress; --now runs it here."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from atbalsts.billing.models import SpendSummary
from atbalsts.core.roles import Role
from atbalsts.jobs import ledger
from atbalsts.jobs.models import Job, JobStatus

from .conftest import run_queued

DBS = ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DBS)


@pytest.fixture
def spend(head, balvi):
    from atbalsts.people.tests.factories import make_client
    from atbalsts.reporting.tests.factories import make_spend, service

    client = make_client(actor=head, municipality=balvi, child=True)
    psy = service("Psihologa konsultācija")
    make_spend(client=client, service_type=psy, month=dt.date(2020, 1, 1), amount="10.00")
    SpendSummary.objects.all().delete()  # the roll-ups out of step with the ledger
    return client


def test_the_administrator_confirms_then_the_worker_rebuilds(
    client, admin_user, spend, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    page = client.get(reverse("jobs:list")).content.decode()
    assert reverse("jobs:ledger_rebuild") in page
    confirm = client.get(reverse("jobs:ledger_rebuild"))
    assert confirm.status_code == 200 and not Job.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs:ledger_rebuild"))
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.kind == "billing.ledger_rebuild" and job.actor_id == admin_user.pk
    assert run_queued() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and (job.done, job.total) == (4, 4)
    assert job.result["summary_rows"] == SpendSummary.objects.count() == 1


@pytest.mark.parametrize("role", [Role.HEAD, Role.ACCOUNTANT, Role.ANALYST])
def test_nobody_else_may_rebuild(client, make_user, balvi, role):
    user = make_user(role, None if role == Role.ANALYST else balvi)
    client.force_login(user)
    assert reverse("jobs:ledger_rebuild") not in client.get(reverse("jobs:list")).content.decode()
    assert client.get(reverse("jobs:ledger_rebuild")).status_code == 403
    assert client.post(reverse("jobs:ledger_rebuild")).status_code == 403
    assert not Job.objects.exists()


def test_a_failed_rebuild_says_so_in_latvian_and_changes_nothing(
    admin_user, spend, monkeypatch, django_capture_on_commit_callbacks
):
    from atbalsts.billing import ledger as billing_ledger

    before = SpendSummary.objects.count()
    real = billing_ledger.rebuild

    def broken(progress=None):
        real(progress=lambda done, total: None)
        raise RuntimeError("disk")

    monkeypatch.setattr(billing_ledger, "rebuild", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = ledger.ledger_rebuild_start(actor=admin_user)
    run_queued()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("Darbs neizdevās negaidītas kļūdas dēļ")
    assert SpendSummary.objects.count() == before  # its transaction was rolled back


def test_the_command_queues_or_runs_now(
    admin_user, head, spend, django_capture_on_commit_callbacks
):
    out = io.StringIO()
    call_command("ledger_rebuild", "--now", stdout=out)
    assert "pabeigts: summary_rows=1" in out.getvalue()
    job = Job.objects.get()
    assert job.status == JobStatus.DONE and job.actor_id is None and job.task_id == ""

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ledger_rebuild", "--user", admin_user.username, stdout=out)
    queued = Job.objects.get(status=JobStatus.QUEUED)
    assert f"#{queued.pk}" in out.getvalue() and queued.actor_id == admin_user.pk
    assert run_queued() == 1
    queued.refresh_from_db()
    assert queued.status == JobStatus.DONE

    with pytest.raises(CommandError, match="Jums nav tiesību"):
        call_command("ledger_rebuild", "--user", head.username)
    with pytest.raises(CommandError, match="Nav lietotāja"):
        call_command("ledger_rebuild", "--user", "nav-tada")
