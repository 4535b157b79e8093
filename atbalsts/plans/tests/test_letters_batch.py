"""All guarantee letters a municipality issued in a month as one PDF, made by a background job
from the letters' own PDFs; the page counts them first."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from atbalsts.core.roles import Role
from atbalsts.jobs.models import Job, JobStatus
from atbalsts.jobs.outputs import output_open
from atbalsts.jobs.tests.conftest import run_queued
from atbalsts.plans.models import FundingSource, GuaranteeLetter

from .factories import add_goal, add_line, agree, make_plan

pytestmark = pytest.mark.django_db(databases=["default", "jobs"])

URL = reverse("plans:letters_batch")


@pytest.fixture(autouse=True)
def _job_dirs(settings, tmp_path):
    settings.JOBS_UPLOAD_DIR = tmp_path / "uploads"
    settings.JOBS_OUTPUT_DIR = tmp_path / "output"


@pytest.fixture
def letters(world):
    version = make_plan(world)
    goal = add_goal(world, version)
    add_line(world, version, quantity=10, months=6, session_minutes=60, goal=goal)
    add_line(
        world,
        version,
        service_type=world.di_service,
        provider=world.other_provider,
        override_reason="Vienīgais tuvumā",
        quantity=4,
        months=3,
        funding_source=FundingSource.MUNICIPAL,
    )
    agree(world, version)
    return list(GuaranteeLetter.objects.order_by("sequence"))


def test_the_months_letters_counted_then_combined(
    client, world, letters, django_capture_on_commit_callbacks
):
    month = f"{timezone.localdate():%Y-%m}"
    client.force_login(world.head)
    page = client.get(URL, {"month": month}).content.decode()
    assert "Tiks sagatavotas 2 garantijas vēstules" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"month": month})
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    run_queued()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert job.result == {"documents": 2, "month": month}
    with output_open(job) as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert all(letter.number in text for letter in letters)
    assert len(reader.pages) >= 2


def test_only_letters_issued_in_that_month(client, world, letters):
    earlier = timezone.now() - dt.timedelta(days=62)
    GuaranteeLetter.objects.filter(pk=letters[0].pk).update(issued_at=earlier)
    client.force_login(world.worker)
    page = client.get(URL, {"month": f"{earlier:%Y-%m}"}).content.decode()
    assert "Tiks sagatavota 1 garantijas vēstule" in page


def test_bad_input_empty_months_and_other_roles_are_refused(
    client, world, letters, make_user, balvi
):
    client.force_login(world.head)
    assert client.get(URL, {"month": "2026-13"}).status_code == 400
    assert client.post(URL, {"month": "<script>"}).status_code == 400
    empty = client.post(URL, {"month": "2001-01"})
    assert empty.status_code == 400
    assert "Šajā mēnesī nav izsniegtu garantijas vēstuļu." in empty.content.decode()
    client.force_login(make_user(Role.AUDITOR, balvi))
    assert client.get(URL).status_code == 403
    assert not Job.objects.exists()


def test_the_worker_asks_again(client, world, letters, django_capture_on_commit_callbacks):
    client.force_login(world.head)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"month": f"{timezone.localdate():%Y-%m}"})
    world.head.is_active = False
    world.head.save()
    run_queued()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and not job.output_file
