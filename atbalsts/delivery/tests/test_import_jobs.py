"""The monthly session import as a background job: the page (htmx and without JS), the API
(202 + the run's status), the worker's run, all or nothing, and the permission asked twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atbalsts.core.roles import Role
from atbalsts.delivery.models import Session
from atbalsts.delivery.tabular import MAX_BYTES
from atbalsts.jobs.models import Job, JobStatus
from atbalsts.jobs.tests.conftest import run_queued

from .factories import LAST_MONTH, DeliveryWorld

pytestmark = pytest.mark.django_db(databases=["default", "jobs"])

HTMX = {"HTTP_HX_REQUEST": "true"}
DAY = LAST_MONTH + dt.timedelta(days=2)
API = "/api/delivery"


@pytest.fixture(autouse=True)
def _uploads(settings: Any, tmp_path: Any) -> Any:
    settings.JOBS_UPLOAD_DIR = tmp_path / "uploads"
    return settings.JOBS_UPLOAD_DIR


def good(number: str) -> bytes:
    return (
        f"vēstule;rinda;datums;sākums;parakstīja\n{number};1;{DAY:%d.%m.%Y};10:00;klients\n"
    ).encode()


def bad(number: str) -> bytes:
    return f"vēstule;rinda;datums;sākums\n{number};9;{DAY:%d.%m.%Y};10:00\n".encode()


def post(client: Any, content: bytes, **extra: Any) -> Any:
    upload = SimpleUploadedFile("s.csv", content)
    return client.post(reverse("delivery:import"), {"file": upload}, **extra)


def test_the_page_queues_the_import_and_the_worker_imports_it(
    client: Any, world: DeliveryWorld, letters: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, good(letters["ours"].number), **HTMX)
    assert response.status_code == 202
    job = Job.objects.get()
    page = response.content.decode()
    assert page.startswith('<div id="import-panel"')
    assert f'hx-get="{reverse("delivery:import_status", args=[job.pk])}"' in page
    assert "Gaida, kad sāksies apstrāde" in page
    assert 'id="import-jobs" hx-swap-oob="true"' in page
    assert not Session.objects.exists()  # the worker imports it, not the request

    assert run_queued() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.result == {"created": 1, "unchanged": 0}
    assert Session.objects.count() == 1
    status = client.get(reverse("delivery:import_status", args=[job.pk])).content.decode()
    assert "Imports pabeigts: 1 jaunas nodarbības, 0 jau bija." in status
    assert "every 1s" not in status
    # Leaving and coming back: the page lists the finished import with its counts.
    again = client.get(reverse("delivery:import")).content.decode()
    assert "jaunas 1, jau bija 0" in again
    assert reverse("delivery:import_job", args=[job.pk]) in again


def test_a_bad_row_fails_the_job_with_every_error_and_writes_nothing(
    client: Any, world: DeliveryWorld, letters: Any, django_capture_on_commit_callbacks: Any
) -> None:
    number = letters["ours"].number
    client.force_login(world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, bad(number))
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("delivery:import_job", args=[job.pk])
    run_queued()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors == [
        {
            "sheet": "s.csv",
            "row": 2,
            "field": "rinda",
            "message": f"Vēstulē {number} nav 9. rindas (tajā ir 2).",
        }
    ]
    assert not Session.objects.exists()
    page = client.get(reverse("delivery:import_job", args=[job.pk])).content.decode()
    assert "Imports neizdevās: nekas netika saglabāts." in page
    assert f"Vēstulē {number} nav 9. rindas (tajā ir 2)." in page
    listing = client.get(reverse("delivery:import")).content.decode()
    assert "1 kļūda, nekas netika saglabāts" in listing


def test_the_same_file_twice_changes_nothing(
    client: Any, world: DeliveryWorld, letters: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.staff)
    for _time in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            post(client, good(letters["ours"].number))
        run_queued()
    results = [job.result for job in Job.objects.order_by("pk")]
    assert results == [{"created": 1, "unchanged": 0}, {"created": 0, "unchanged": 1}]
    assert Session.objects.count() == 1


def test_form_errors_and_empty_files_are_400_and_queue_nothing(
    client: Any, world: DeliveryWorld
) -> None:
    client.force_login(world.staff)
    assert client.post(reverse("delivery:import"), {}, **HTMX).status_code == 400
    response = post(client, b"")
    assert response.status_code == 400
    response = post(client, b"x" * (MAX_BYTES + 1))
    assert response.status_code == 400
    assert "Fails ir lielāks par 5 MB" in response.content.decode()
    assert not Job.objects.exists()


def test_who_may_not_import_gets_403_and_the_worker_asks_again(
    client: Any,
    world: DeliveryWorld,
    letters: Any,
    make_user: Any,
    balvi: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    accountant = make_user(Role.ACCOUNTANT, balvi)
    client.force_login(accountant)
    assert client.get(reverse("delivery:import")).status_code == 403
    assert post(client, good(letters["ours"].number)).status_code == 403
    assert not Job.objects.exists()

    client.force_login(world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, good(letters["ours"].number))
    world.staff.is_active = False  # the user lost the right before the worker got to it
    world.staff.save()
    run_queued()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert not Session.objects.exists()


def test_another_users_import_is_404(
    client: Any, world: DeliveryWorld, letters: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, good(letters["ours"].number))
    job = Job.objects.get()
    client.force_login(world.worker)
    assert client.get(reverse("delivery:import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("delivery:import_status", args=[job.pk])).status_code == 404


def test_the_api_answers_202_then_the_runs_status(
    client: Any, world: DeliveryWorld, letters: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.staff)
    auth: dict[str, str] = {}
    upload = SimpleUploadedFile("s.csv", good(letters["ours"].number))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(API + "/import", {"file": upload}, **auth)
    assert response.status_code == 202
    run = response.json()["run"]
    queued = client.get(f"{API}/import/{run}", **auth).json()
    assert queued["status"] == "queued" and queued["report"] is None
    run_queued()
    done = client.get(f"{API}/import/{run}", **auth).json()
    assert done["status"] == "done"
    assert done["report"] == {"created": 1, "unchanged": 0}
    assert done["rows"] == []

    upload = SimpleUploadedFile("s.csv", f"vēstule;rinda\n{letters['ours'].number};1\n".encode())
    with django_capture_on_commit_callbacks(execute=True):
        run = client.post(API + "/import", {"file": upload}, **auth).json()["run"]
    run_queued()
    failed = client.get(f"{API}/import/{run}", **auth).json()
    assert failed["status"] == "failed"
    assert [row["field"] for row in failed["rows"]] == ["datums", "sākums"]
    assert client.get(f"{API}/import/999999", **auth).status_code == 404
    empty = client.post(API + "/import", {"file": SimpleUploadedFile("s.csv", b"")}, **auth)
    assert empty.status_code == 400


def test_a_running_import_shows_rows_checked_of_all(client: Any, world: DeliveryWorld) -> None:
    job = Job.objects.create(
        kind="delivery.import",
        actor_id=world.staff.pk,
        title="s.csv",
        status=JobStatus.RUNNING,
        phase="checking",
        done=3,
        total=10,
    )
    client.force_login(world.staff)
    page = client.get(reverse("delivery:import_status", args=[job.pk])).content.decode()
    assert "Pārbauda un saglabā rindas" in page
    assert "3 no 10 rindām" in page
    assert 'max="10" value="3"' in page
    assert 'hx-trigger="every 1s"' in page
    listing = client.get(reverse("delivery:import")).content.decode()
    assert 'hx-trigger="every 5s"' in listing  # the list refreshes itself while one runs
