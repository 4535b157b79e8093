"""Who may import, and the three ways in: the command, the API and the page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from atbalsts.accounts.services import api_token_create
from atbalsts.bundle.example import csv_files, xlsx_bundle, zip_bundle
from atbalsts.bundle.services import bundle_import
from atbalsts.core.errors import NotPermitted
from atbalsts.core.roles import Role
from atbalsts.jobs.models import Job, JobStatus
from atbalsts.jobs.tests.conftest import run_queued
from atbalsts.people.models import Client

from .conftest import counts, edit, example

pytestmark = pytest.mark.django_db(databases=["default", "jobs"])

REGISTER_AND_PEOPLE = example(sessions=None, invoices=None, invoice_lines=None)


# --- permission --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.ACCOUNTANT, Role.AUDITOR])
def test_only_the_head_and_the_admin_may_import(make_user, balvi, role):
    user = make_user(role, balvi)
    with pytest.raises(NotPermitted):
        bundle_import(actor=user, municipality=balvi, files=csv_files(example()))
    assert Client.objects.count() == 0


def test_a_head_imports_only_for_their_own_municipality(make_user, tukums, balvi):
    other_head = make_user(Role.HEAD, tukums)
    with pytest.raises(NotPermitted):
        bundle_import(actor=other_head, municipality=balvi, files=csv_files(example()))


def test_the_admin_imports_for_any_municipality(admin_user, balvi):
    report = bundle_import(
        actor=admin_user, municipality=balvi, files=csv_files(REGISTER_AND_PEOPLE)
    )
    assert report.counts["plans"]["created"] == 2
    assert Client.objects.filter(municipality=balvi).count() == 2


# --- the command -------------------------------------------------------------------------------


def _write(tmp_path, sheets, name="komplekts.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx_bundle(sheets) if name.endswith(".xlsx") else zip_bundle(sheets))
    return path


def test_the_command_imports_with_progress_and_prints_the_report(head, accountant, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    path = _write(tmp_path, example(), "komplekts.zip")

    call_command(
        "bundle_import",
        str(path),
        municipality="balvi",
        actor=head.username,
        stdout=out,
        stderr=err,
    )

    assert "clients: jauni 2, mainīti 0, bez izmaiņām 0" in out.getvalue()
    assert "\r21/21" in err.getvalue()
    assert Client.objects.count() == 2


def test_the_command_lists_every_error_and_fails(head, tmp_path):
    err = io.StringIO()
    sheets = edit("tariffs", 1, "unit_price", "12,5O", REGISTER_AND_PEOPLE)
    sheets = edit("clients", 1, "start_date", "2026.01.01", sheets)
    path = _write(tmp_path, sheets)
    before = counts()

    with pytest.raises(CommandError) as caught:
        call_command(
            "bundle_import", str(path), municipality="balvi", actor=head.username, stderr=err
        )

    assert "(2)" in str(caught.value)
    assert (
        "tariffs, 2. rinda, kolonna „unit_price”: Summai jābūt skaitlim ar ne vairāk kā "
        "diviem cipariem aiz komata." in err.getvalue()
    )
    assert "clients, 2. rinda, kolonna „start_date”" in err.getvalue()
    assert counts() == before


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"municipality": "atlantida", "actor": "{head}"}, "Nav pašvaldības atlantida."),
        ({"municipality": "balvi", "actor": "nav"}, "Nav lietotāja nav."),
    ],
)
def test_the_command_refuses_unknown_names(head, tmp_path, options, message):
    path = _write(tmp_path, REGISTER_AND_PEOPLE)
    options = {k: v.format(head=head.username) for k, v in options.items()}
    with pytest.raises(CommandError, match=message):
        call_command("bundle_import", str(path), **options)
    with pytest.raises(CommandError, match="Nav faila"):
        call_command(
            "bundle_import", str(tmp_path / "nav.xlsx"), municipality="balvi", actor=head.username
        )


# --- the API -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.JOBS_UPLOAD_DIR = tmp_path / "uploads"


def _auth(user):
    _token, raw = api_token_create(actor=user, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, user, content, name="komplekts.xlsx", **data):
    headers = user if isinstance(user, dict) else _auth(user)
    upload = SimpleUploadedFile(name, content)
    return client.post("/api/bundle/import", {"file": upload, **data}, **headers)


def _run(client, headers, response):
    """The worker runs the queued import; then the run as GET /api/bundle/runs/{id} shows it."""
    assert response.status_code == 202, response.content
    run = response.json()["run"]
    run_queued()
    return client.get(f"/api/bundle/runs/{run}", **headers)


def test_the_api_answers_at_once_then_gives_the_report(
    client, head, accountant, django_capture_on_commit_callbacks
):
    headers = _auth(head)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, headers, xlsx_bundle(example()))
    run = response.json()["run"]
    body = client.get(f"/api/bundle/runs/{run}", **headers).json()
    assert (body["status"], body["done"], body["report"]) == ("queued", 0, None)
    assert Client.objects.count() == 0  # nothing imported in the request

    response = _run(client, headers, response)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "done"
    assert (body["done"], body["total"]) == (21, 21)
    assert body["report"]["rows"] == 21
    assert body["report"]["counts"]["invoices"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert body["rows"] == [] and body["message"] == ""
    assert Client.objects.count() == 2


def test_the_api_run_fails_with_every_row_error(client, head, django_capture_on_commit_callbacks):
    sheets = edit("plan_lines", 1, "provider_registration_number", "40009999999")
    headers = _auth(head)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, headers, zip_bundle(sheets), name="b.zip")
    # Starting the job is audited in the request; the failed run itself writes nothing.
    before = counts()
    response = _run(client, headers, response)

    body = response.json()
    assert body["status"] == "failed"
    assert body["report"] is None
    assert body["message"] == (
        "Imports neizdevās: nekas netika saglabāts. Izlabojiet kļūdas failos."
    )
    assert {
        "sheet": "plan_lines",
        "row": 2,
        "column": "provider_registration_number",
        "message": "Nezināms sniedzējs „40009999999”: tā nav ne lapā „providers”, ne sistēmā.",
    } in body["rows"]
    assert counts() == before


def test_the_api_shows_a_run_only_to_the_user_who_started_it(client, head, make_user, balvi):
    colleague = make_user(Role.HEAD, balvi)
    response = _post(client, head, xlsx_bundle(REGISTER_AND_PEOPLE))
    run = response.json()["run"]
    assert client.get(f"/api/bundle/runs/{run}", **_auth(head)).status_code == 200
    assert client.get(f"/api/bundle/runs/{run}", **_auth(colleague)).status_code == 404
    assert client.get("/api/bundle/runs/999999", **_auth(head)).status_code == 404
    assert client.get(f"/api/bundle/runs/{run}").status_code == 401


def test_the_api_refuses_others_and_bad_parameters(client, social_worker, head, admin_user):
    content = xlsx_bundle(REGISTER_AND_PEOPLE)
    assert _post(client, social_worker, content).status_code == 403
    response = _post(client, admin_user, content)
    assert response.status_code == 400
    assert response.json()["errors"] == {"municipality": ["Nezināma pašvaldība."]}
    assert client.post("/api/bundle/import", **_auth(head)).status_code == 400
    assert Job.objects.count() == 0
    assert _post(client, admin_user, content, municipality="balvi").status_code == 202
    assert Job.objects.get().municipality_id is not None


# --- the page ----------------------------------------------------------------------------------


def test_the_page_queues_the_import_and_its_page_shows_the_report(
    client, head, accountant, django_capture_on_commit_callbacks
):
    client.force_login(head)
    url = reverse("bundle:import")
    assert client.get(url).status_code == 200
    files = [SimpleUploadedFile(name, content) for name, content in csv_files(example())]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"bundle": files})

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("bundle:job", args=[job.pk])
    assert "Gaida, kad sāksies apstrāde" in client.get(response["Location"]).content.decode()
    run_queued()
    page = client.get(response["Location"]).content.decode()
    assert "Imports pabeigts: apstrādātas 21 rindas." in page
    assert Client.objects.count() == 2
    assert "jauni " in client.get(url).content.decode()


def test_the_job_page_shows_the_error_table(client, head, django_capture_on_commit_callbacks):
    client.force_login(head)
    sheets = edit("clients", 2, "start_date", "2026-02-30", REGISTER_AND_PEOPLE)
    upload = SimpleUploadedFile("b.xlsx", xlsx_bundle(sheets))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bundle:import"), {"bundle": upload})
    run_queued()

    page = client.get(response["Location"]).content.decode()
    assert "Atrasta 1 kļūda." in page
    assert "Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD." in page
    assert Client.objects.count() == 0
    assert Job.objects.get().status == JobStatus.FAILED
    assert client.post(reverse("bundle:import"), {}).status_code == 400


def test_the_page_is_for_the_head_and_the_admin(client, social_worker, admin_user):
    client.force_login(social_worker)
    assert client.get(reverse("bundle:import")).status_code == 403
    client.force_login(admin_user)
    page = client.get(reverse("bundle:import")).content.decode()
    assert 'name="municipality"' in page


def test_the_admin_chooses_the_municipality_on_the_page(
    client, admin_user, balvi, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("b.xlsx", xlsx_bundle(REGISTER_AND_PEOPLE))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("bundle:import"), {"bundle": upload, "municipality": "balvi"}
        )
    run_queued()

    assert response.status_code == 302
    assert Job.objects.get().status == JobStatus.DONE
    assert Client.objects.filter(municipality=balvi).count() == 2
