"""Monthly attendance sheets: one client's with one provider as a PDF at once, and all of a
month's as one PDF made by a background job (provider staff: their organisation's; the social
service: the municipality's)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from atbalsts.core.roles import Role
from atbalsts.jobs.models import Job, JobStatus
from atbalsts.jobs.outputs import output_open
from atbalsts.jobs.tests.conftest import run_queued

from .factories import LAST_MONTH, DeliveryWorld, make_session

pytestmark = pytest.mark.django_db(databases=["default", "jobs"])

SECRET = "MERKI-SLEPENI-123"
MONTH = f"{LAST_MONTH:%Y-%m}"


@pytest.fixture(autouse=True)
def _job_dirs(settings: Any, tmp_path: Any) -> None:
    settings.JOBS_UPLOAD_DIR = tmp_path / "uploads"
    settings.JOBS_OUTPUT_DIR = tmp_path / "output"


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def sheet_url(world: DeliveryWorld, **params: Any) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("delivery:attendance_sheet", args=[world.client.pk]) + "?" + query


def test_the_providers_sheet_lists_the_months_sessions_with_signature_lines(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    make_session(letters["ours"], date=LAST_MONTH + dt.timedelta(days=2), goals_worked_on=SECRET)
    make_session(letters["ours"], date=LAST_MONTH + dt.timedelta(days=4), status="no_show_notice")
    make_session(letters["theirs"], date=LAST_MONTH + dt.timedelta(days=5))
    client.force_login(world.staff)

    response = client.get(sheet_url(world, month=MONTH))  # their own provider, not named

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Apmeklējuma uzskaites lapa" in text
    assert world.client.last_name in text
    assert world.provider.name in text
    assert world.other_provider.name not in text
    assert f"{LAST_MONTH + dt.timedelta(days=2):%d.%m.%Y}" in text
    assert "neieradās, brīdināja" in text
    assert "Notikusi 1 nodarbība." in text
    assert "likumiskais pārstāvis" in text and "Pakalpojuma sniedzējs (vārds" in text
    assert world.client.personal_code not in text
    assert SECRET not in text
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1  # fits one A4 page


def test_the_social_service_names_the_provider_and_bad_input_is_refused(
    client: Any, world: DeliveryWorld, letters: Any, make_user: Any, balvi: Any
) -> None:
    client.force_login(world.worker)
    ok = client.get(sheet_url(world, provider=world.other_provider.pk, month=MONTH))
    assert ok.status_code == 200
    assert world.other_provider.name in pdf_text(ok.content)  # no sessions yet: blank rows
    assert client.get(sheet_url(world, month=MONTH)).status_code == 404  # which provider?
    assert client.get(sheet_url(world, provider=999999, month=MONTH)).status_code == 404
    assert client.get(sheet_url(world, provider="x", month=MONTH)).status_code == 404
    for month in ("2026-13", "nov", "2026-1", "-"):
        assert (
            client.get(sheet_url(world, provider=world.provider.pk, month=month)).status_code == 400
        )
    client.force_login(make_user(Role.ACCOUNTANT, balvi))
    assert client.get(sheet_url(world, provider=world.provider.pk)).status_code == 403


def test_another_providers_staff_cannot_get_the_sheet(
    client: Any, world: DeliveryWorld, letters: Any
) -> None:
    make_session(letters["ours"])
    client.force_login(world.other_staff)
    response = client.get(sheet_url(world, provider=world.provider.pk, month=MONTH))
    assert response.status_code == 404


# --- the month's sheets as one PDF -------------------------------------------------------------


def test_a_providers_batch_counts_then_makes_one_pdf(
    client: Any, world: DeliveryWorld, letters: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_session(letters["ours"])
    make_session(letters["theirs"])
    client.force_login(world.staff)
    url = reverse("delivery:attendance_batch")

    page = client.get(url, {"month": MONTH}).content.decode()
    assert "Tiks sagatavota 1 apmeklējuma lapa" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"month": MONTH})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert run_queued() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert job.result == {"documents": 1, "month": MONTH}
    assert (job.done, job.total) == (1, 1)
    with output_open(job) as handle:
        text = pdf_text(handle.read())
    assert world.provider.name in text and world.other_provider.name not in text
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    assert job.title in client.get(url).content.decode()  # listed on the page


def test_the_municipalitys_batch_holds_every_provider(
    client: Any, world: DeliveryWorld, letters: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_session(letters["ours"])
    make_session(letters["theirs"])
    client.force_login(world.head)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("delivery:attendance_batch"), {"month": MONTH})
    run_queued()
    job = Job.objects.get()
    assert job.result["documents"] == 2
    with output_open(job) as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert len(reader.pages) == 2
    assert world.other_provider.name in reader.pages[1].extract_text()


def test_a_batch_refuses_empty_months_bad_input_and_other_roles(
    client: Any, world: DeliveryWorld, letters: Any, make_user: Any, balvi: Any
) -> None:
    url = reverse("delivery:attendance_batch")
    client.force_login(world.staff)
    empty = client.post(url, {"month": MONTH})
    assert empty.status_code == 400
    assert "Šajā mēnesī nav reģistrētu nodarbību." in empty.content.decode()
    assert client.get(url, {"month": "2026-99"}).status_code == 400
    assert client.post(url, {"month": "x"}).status_code == 400
    client.force_login(make_user(Role.ACCOUNTANT, balvi))
    assert client.get(url).status_code == 403
    assert not Job.objects.exists()


def test_the_worker_asks_the_scope_again(
    client: Any, world: DeliveryWorld, letters: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_session(letters["ours"])
    client.force_login(world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("delivery:attendance_batch"), {"month": MONTH})
    world.staff.is_active = False
    world.staff.save()
    run_queued()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert not job.output_file


def test_a_typical_month_fits_one_a4_page(client: Any, world: DeliveryWorld, letters: Any) -> None:
    for day in range(12):  # 12 sessions: more than the letter's 10 hours a month
        make_session(letters["ours"], date=LAST_MONTH + dt.timedelta(days=day))
    client.force_login(world.staff)
    response = client.get(sheet_url(world, month=MONTH))
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert "Notikušas 12 nodarbības." in pdf_text(response.content)
