"""Errors that point at the cause, on the job's page and in the API's run."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from atbalsts.bundle.example import xlsx_bundle, zip_bundle
from atbalsts.jobs.tests.conftest import run_queued

from .test_entrypoints import _auth, _post, _run, _write
from .test_history_rules import with_agreed_price

pytestmark = pytest.mark.django_db(databases=["default", "jobs"])


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.JOBS_UPLOAD_DIR = tmp_path / "uploads"


def test_the_api_run_lists_the_cause_once_with_what_follows_from_it(
    client, head, django_capture_on_commit_callbacks
):
    headers = _auth(head)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, headers, zip_bundle(with_agreed_price()), name="b.zip")

    body = _run(client, headers, response).json()

    assert body["status"] == "failed"
    assert [(r["sheet"], r["row"], r["column"]) for r in body["rows"]] == [
        ("plan_lines", 2, "agreed_unit_price")
    ]
    assert body["rows"][0]["knock_on"] == {"sessions": 2, "invoice_lines": 1}
    (group,) = body["groups"]
    assert (group["sheet"], group["count"], group["rows"]) == ("plan_lines", 1, [2])
    assert (group["knock_on"], group["knock_on_count"]) == (
        {"sessions": 2, "invoice_lines": 1},
        3,
    )
    assert group["message"].startswith("Norunātā cena ir augstāka par tarifu")


def test_the_job_page_groups_errors_by_cause(client, head, django_capture_on_commit_callbacks):
    client.force_login(head)
    upload = SimpleUploadedFile("b.xlsx", xlsx_bundle(with_agreed_price()))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bundle:import"), {"bundle": upload})
    run_queued()

    page = client.get(response["Location"]).content.decode()
    assert "Kļūdas pēc cēloņa" in page
    assert "sessions: 2; invoice_lines: 1" in page
    assert "plan_lines, agreed_unit_price" in page


def test_the_command_prints_the_errors_by_cause(head, tmp_path):
    err = io.StringIO()
    path = _write(tmp_path, with_agreed_price())

    with pytest.raises(CommandError):
        call_command(
            "bundle_import", str(path), municipality="balvi", actor=head.username, stderr=err
        )

    text = err.getvalue()
    assert "Pēc cēloņa:" in text
    assert "1 × plan_lines „agreed_unit_price”: Norunātā cena ir augstāka par tarifu" in text
    assert "(rindas: 2) — no tā izriet: sessions 2; invoice_lines 1" in text
