"""The registers pages: the upload as a background job, the report, who may see them."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from atbalsts.addresses.models import Address
from atbalsts.jobs.models import Job, JobStatus
from atbalsts.jobs.tests.conftest import run_queued
from atbalsts.registers.models import RegisterEntry, RegisterImport

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.JOBS_UPLOAD_DIR = tmp_path / "uploads"


def post(client, capture, data):
    with capture(execute=True):
        return client.post(reverse("registers:index"), data)


@pytest.mark.django_db(databases=["default", "jobs"])
def test_upload_runs_as_a_job_and_the_report_shows_changes(
    client, head, django_capture_on_commit_callbacks
):
    client.force_login(head)
    for name in (
        "socialo_pakalpojumu_sniedzeji_2025-01.csv",
        "socialo_pakalpojumu_sniedzeji_2025-06.csv",
    ):
        upload = SimpleUploadedFile(name, (SAMPLES / name).read_bytes())
        response = post(
            client,
            django_capture_on_commit_callbacks,
            {"source": "social_service_providers", "file": upload},
        )
        assert response.status_code == 302
        run_queued()
    assert [j.status for j in Job.objects.order_by("pk")] == [JobStatus.DONE, JobStatus.DONE]
    latest = RegisterImport.objects.first()
    page = client.get(reverse("registers:import_detail", args=[latest.pk])).content.decode()
    assert page.index("SP-1187") < page.index("SP-1920")  # the new lapse before the new entry
    assert "izslēgts vai beidzies" in page
    listing = client.get(reverse("registers:index")).content.decode()
    assert "1 izslēgts" in listing


@pytest.mark.django_db(databases=["default", "jobs"])
def test_address_extract_upload(client, head, django_capture_on_commit_callbacks):
    client.force_login(head)
    content = (SAMPLES.parent.parent / "addresses" / "samples" / "AW_EKA.CSV").read_bytes()
    upload = SimpleUploadedFile("AW_EKA.CSV", content)
    data = {"source": "addresses", "file": upload}
    assert post(client, django_capture_on_commit_callbacks, data).status_code == 302
    run_queued()
    assert Address.objects.count() == 1205


@pytest.mark.django_db(databases=["default", "jobs"])
def test_a_bad_upload_is_refused_on_its_field(client, head):
    client.force_login(head)
    response = client.post(reverse("registers:index"), {"source": "enterprises"})
    assert response.status_code == 400 and not Job.objects.exists()


@pytest.mark.django_db
def test_who_sees_the_pages(client, social_worker, make_user, balvi):
    from atbalsts.core.roles import Role

    client.force_login(social_worker)
    page = client.get(reverse("registers:index"))
    assert page.status_code == 200 and b'type="file"' not in page.content
    assert client.post(reverse("registers:index"), {}).status_code == 403
    client.force_login(make_user(Role.PROVIDER, balvi))
    assert client.get(reverse("registers:index")).status_code == 403


@pytest.mark.django_db
def test_the_command_loads_a_national_file_without_changing_registrations():
    out = io.StringIO()
    call_command(
        "register_import",
        "--register",
        "enterprises",
        str(SAMPLES / "register.csv"),
        stdout=out,
    )
    assert "5 ieraksti" in out.getvalue()
    assert RegisterEntry.objects.filter(status="lapsed").count() == 1
    assert RegisterImport.objects.get().report["providers"] == []
