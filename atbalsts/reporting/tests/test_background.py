"""A national user's report export and research extract run as background jobs (page and
API): queued at once, run by the worker with progress, the file downloaded only by the user
who asked; failures are clean and in Latvian; bad input is a 400. A municipality's own stay
direct downloads."""

import csv
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from atbalsts.accounts.services import api_token_create
from atbalsts.core.audit import AuditEventType
from atbalsts.core.models import AuditEvent
from atbalsts.core.roles import Role
from atbalsts.jobs.models import Job, JobStatus
from atbalsts.jobs.tests.conftest import run_queued
from atbalsts.reporting import background, exports, selectors

from .conftest import FEB, JAN, MAR
from .factories import make_spend, service

DBS = ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DBS)

PARAMS = {"group": "child_ft", "date_from": "2020-01-01", "date_to": "2020-03-31"}
QUERY = "group=child_ft&date_from=2020-01-01&date_to=2020-03-31"
EXTRACT_QUERY = "date_from=2020-01-01&date_to=2020-03-31"


@pytest.fixture(autouse=True)
def _outputs(settings: Any, tmp_path: Any) -> Any:
    settings.JOBS_OUTPUT_DIR = tmp_path / "job-output"
    return settings.JOBS_OUTPUT_DIR


@pytest.fixture
def data(new_child: Any, parent_of: Any, head: Any) -> None:
    from atbalsts.people import services as people_services
    from atbalsts.people.models import ConsentPurpose

    a, b = new_child(), new_child()
    make_spend(
        client=a, service_type=service("Ģimenes asistenta pakalpojums"), month=JAN, amount="120.50"
    )
    make_spend(
        client=a, service_type=service("Ģimenes asistenta pakalpojums"), month=FEB, amount="79.50"
    )
    make_spend(client=b, service_type=service("Psihologa konsultācija"), month=MAR, amount="33.34")
    for client in (a, b):
        people_services.consent_give(
            actor=head,
            client=client,
            data={"purpose": ConsentPurpose.PSEUDONYMISED_EVALUATION, "given_on": JAN},
        )


def bearer(user: Any) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def queued_job(response: Any) -> Job:
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.QUEUED
    return job


def downloaded(client: Any, job: Job) -> bytes:
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    return b"".join(response.streaming_content)


def test_the_page_queues_a_national_export_and_its_owner_downloads_it(
    client: Any, analyst: Any, make_user: Any, data: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(analyst)
    page = client.get(reverse("reporting:pilot_report"), PARAMS).content.decode()
    assert "fonā" in page
    assert (
        f'method="post" action="{reverse("reporting:pilot_report_download", args=["xlsx"])}' in page
    )
    url = f"{reverse('reporting:pilot_report_download', args=['xlsx'])}?{QUERY}"
    confirm = client.get(url)  # a followed link asks first: nothing is queued by a GET
    assert confirm.status_code == 200 and b'method="post"' in confirm.content
    assert not Job.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        job = queued_job(client.post(url))
    assert job.kind == "reporting.pilot_export" and job.params["format"] == "xlsx"
    assert job.title.startswith("XLSX: Visa valsts")
    assert run_queued() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.done, job.total) == (2, 2)
    assert job.output_name.startswith("pilota-parskats-visa-valsts-child_ft")
    assert job.output_name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(downloaded(client, job)))
    assert "Pakalpojumi" in book.sheetnames
    assert AuditEvent.objects.filter(event_type=AuditEventType.REPORT_EXPORTED).count() == 1
    assert AuditEvent.objects.filter(event_type=AuditEventType.JOB_OUTPUT_DOWNLOADED).count() == 1

    client.force_login(make_user(Role.ANALYST, None))  # another national user
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_jobs_csv_is_the_direct_exports_csv(
    client: Any, analyst: Any, data: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(analyst)
    url = f"{reverse('reporting:pilot_report_download', args=['csv'])}?{QUERY}&table=outcomes"
    with django_capture_on_commit_callbacks(execute=True):
        job = queued_job(client.post(url))
    run_queued()
    job.refresh_from_db()
    report = selectors.pilot_report_evaluated(
        user=analyst,
        municipalities=None,
        target_group="child_ft",
        date_from=JAN,
        date_to=MAR.replace(day=31),
    )
    assert downloaded(client, job) == exports.report_csv(report, "outcomes")
    assert "pilota-parskats-outcomes-visa-valsts" in job.output_name


def test_a_municipal_export_stays_a_direct_download(client: Any, head: Any, data: Any) -> None:
    client.force_login(head)
    page = client.get(reverse("reporting:pilot_report"), PARAMS).content.decode()
    assert "fonā" not in page
    response = client.get(f"{reverse('reporting:pilot_report_download', args=['csv'])}?{QUERY}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert not Job.objects.exists()


def test_a_failing_export_fails_cleanly_in_latvian(
    client: Any,
    analyst: Any,
    data: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
    _outputs: Any,
) -> None:
    client.force_login(analyst)
    url = f"{reverse('reporting:pilot_report_download', args=['pdf'])}?{QUERY}"
    with django_capture_on_commit_callbacks(execute=True):
        job = queued_job(client.post(url))

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(background.selectors, "pilot_report_evaluated", broken)
    run_queued()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("Darbs neizdevās negaidītas kļūdas dēļ")
    assert job.output_file == "" and not any(_outputs.glob("*"))
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    page = client.get(reverse("jobs:list")).content.decode()
    assert "Darbs neizdevās negaidītas kļūdas dēļ" in page


def test_a_user_deactivated_before_the_worker_ran_gets_nothing(
    client: Any, analyst: Any, data: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        job = queued_job(client.post(reverse("reporting:research_extract") + "?" + EXTRACT_QUERY))
    analyst.is_active = False
    analyst.save()
    run_queued()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "Jums nav tiesību veikt šo darbību."
    assert job.output_file == ""


def test_bad_input_is_400_on_the_page_and_nothing_is_queued(client: Any, analyst: Any) -> None:
    client.force_login(analyst)
    for url in (
        reverse("reporting:pilot_report_download", args=["csv"]),
        reverse("reporting:research_extract"),
    ):
        response = client.post(f"{url}?date_from=2020-03-01&date_to=2020-01-01&group=child_ft")
        assert response.status_code == 400
        assert "Perioda beigas nevar būt pirms tā sākuma." in response.content.decode()
    assert client.post(reverse("reporting:pilot_report_download", args=["exe"])).status_code == 404
    assert not Job.objects.exists()


def test_the_national_extract_is_a_job_with_the_same_rows_and_progress(
    client: Any, analyst: Any, data: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(background, "EXTRACT_PROGRESS_EVERY", 1)
    client.force_login(analyst)
    url = f"{reverse('reporting:research_extract')}?{EXTRACT_QUERY}"
    assert client.get(url).status_code == 200 and not Job.objects.exists()  # asks first
    with django_capture_on_commit_callbacks(execute=True):
        job = queued_job(client.post(url))
    run_queued()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    content = downloaded(client, job)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 4  # the header and one row per client × month × service × source
    assert job.result == {"rows": 3} and (job.done, job.total) == (3, 3)
    assert job.output_name == "izvilkums-visa-valsts-20200101-20200331.csv"
    event = AuditEvent.objects.get(event_type=AuditEventType.REPORT_EXTRACT_EXPORTED)
    assert event.extra_data["via"] == "web" and event.actor_id == analyst.pk
    direct = b"".join(
        exports.extract_csv_chunks(
            selectors.research_extract(
                user=analyst,
                municipalities=None,
                target_group=None,
                date_from=JAN,
                date_to=MAR.replace(day=31),
            )
        )
    )
    assert content == direct


def test_the_api_answers_202_then_the_job_then_its_file(
    client: Any, analyst: Any, head: Any, data: Any, django_capture_on_commit_callbacks: Any
) -> None:
    auth = bearer(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/reporting/pilot/export?{QUERY}&format=pdf", **auth)
    assert response.status_code == 202
    run = response.json()["run"]
    state = client.get(f"/api/jobs/{run}", **auth).json()
    assert (state["status"], state["file"], state["kind"]) == (
        "queued",
        None,
        "reporting.pilot_export",
    )
    run_queued()
    state = client.get(f"/api/jobs/{run}", **auth).json()
    assert state["status"] == "done" and state["done"] == state["total"] == 2
    assert state["file"] == f"/api/jobs/{run}/file" and state["file_name"].endswith(".pdf")
    response = client.get(state["file"], **auth)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    other = bearer(head)  # someone else's job is not found
    assert client.get(f"/api/jobs/{run}", **other).status_code == 404
    assert client.get(f"/api/jobs/{run}/file", **other).status_code == 404
    assert client.get(f"/api/jobs/{run}").status_code == 401

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/api/reporting/extract?{EXTRACT_QUERY}", **auth)
    assert response.status_code == 202
    run_queued()
    extract = client.get(f"/api/jobs/{response.json()['run']}", **auth).json()
    assert extract["status"] == "done" and extract["result"] == {"rows": 3}


def test_the_api_keeps_municipal_exports_direct_and_refuses_bad_input(
    client: Any, analyst: Any, head: Any, data: Any
) -> None:
    response = client.post(f"/api/reporting/pilot/export?{QUERY}&format=json", **bearer(head))
    assert response.status_code == 200 and response.json()["report"] == "pilot"
    auth = bearer(analyst)
    response = client.post(f"/api/reporting/pilot/export?{QUERY}&format=exe", **auth)
    assert response.status_code == 400 and "format" in response.json()["errors"]
    response = client.post(f"/api/reporting/pilot/export?{QUERY}&table=x", **auth)
    assert response.status_code == 400 and "table" in response.json()["errors"]
    response = client.post("/api/reporting/pilot/export?date_from=2020-13-01", **auth)
    assert response.status_code == 400 and "date_from" in response.json()["errors"]
    assert client.get("/api/jobs/abc", **auth).status_code == 400
    assert client.get("/api/jobs/999999", **auth).status_code == 404
    assert not Job.objects.exists()
