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
from atbalsts.people.models import Client

from .conftest import counts, edit, example

pytestmark = pytest.mark.django_db

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
        approver=accountant.username,
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
        ({"municipality": "balvi", "actor": "{head}", "approver": "nav"}, "Nav lietotāja nav."),
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


def _auth(user):
    _token, raw = api_token_create(actor=user, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, user, content, name="komplekts.xlsx", **data):
    headers = user if isinstance(user, dict) else _auth(user)
    upload = SimpleUploadedFile(name, content)
    return client.post("/api/bundle/import", {"file": upload, **data}, **headers)


def test_the_api_returns_the_report(client, head, accountant):
    response = _post(client, head, xlsx_bundle(example()), approver=accountant.username)

    assert response.status_code == 200
    body = response.json()
    assert body["rows"] == 21
    assert body["counts"]["invoices"] == {"created": 1, "updated": 0, "unchanged": 0}


def test_the_api_answers_400_with_every_row_error(client, head):
    sheets = edit("plan_lines", 1, "provider_registration_number", "40009999999")
    headers = _auth(head)
    before = counts()

    response = _post(client, headers, zip_bundle(sheets), name="b.zip")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bundle_rejected"
    assert body["message"] == (
        "Imports neizdevās: nekas netika saglabāts. Izlabojiet kļūdas failos."
    )
    assert {
        "sheet": "plan_lines",
        "row": 2,
        "column": "provider_registration_number",
        "message": "Nezināms sniedzējs „40009999999”: tā nav ne lapā „providers”, ne sistēmā.",
    } in body["rows"]
    assert body["errors"]["file"][0].startswith("plan_lines, 2. rinda")
    assert counts() == before


def test_the_api_refuses_others_and_bad_parameters(client, social_worker, head, admin_user):
    content = xlsx_bundle(REGISTER_AND_PEOPLE)
    assert _post(client, social_worker, content).status_code == 403
    response = _post(client, admin_user, content)
    assert response.status_code == 400
    assert response.json()["errors"] == {"municipality": ["Nezināma pašvaldība."]}
    response = _post(client, head, content, approver="nav")
    assert response.json()["errors"] == {"approver": ["Nav šāda aktīva lietotāja."]}
    assert client.post("/api/bundle/import", **_auth(head)).status_code == 400
    assert _post(client, admin_user, content, municipality="balvi").status_code == 200


# --- the page ----------------------------------------------------------------------------------


def test_the_page_uploads_and_shows_the_report(client, head, accountant):
    client.force_login(head)
    url = reverse("bundle:import")
    assert client.get(url).status_code == 200
    files = [SimpleUploadedFile(name, content) for name, content in csv_files(example())]

    response = client.post(url, {"bundle": files, "approver": accountant.pk})

    assert response.status_code == 200
    assert "Imports pabeigts: apstrādātas 21 rindas." in response.content.decode()
    assert Client.objects.count() == 2
    assert "pabeigts" in client.get(url).content.decode()


def test_the_page_shows_the_error_table_with_status_400(client, head):
    client.force_login(head)
    sheets = edit("clients", 2, "start_date", "2026-02-30", REGISTER_AND_PEOPLE)
    upload = SimpleUploadedFile("b.xlsx", xlsx_bundle(sheets))

    response = client.post(reverse("bundle:import"), {"bundle": upload})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Atrasta 1 kļūda." in page
    assert "Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD." in page
    assert Client.objects.count() == 0
    assert client.post(reverse("bundle:import"), {}).status_code == 400


def test_the_page_is_for_the_head_and_the_admin(client, social_worker, admin_user):
    client.force_login(social_worker)
    assert client.get(reverse("bundle:import")).status_code == 403
    client.force_login(admin_user)
    page = client.get(reverse("bundle:import")).content.decode()
    assert 'name="municipality"' in page


def test_the_admin_chooses_the_municipality_on_the_page(client, admin_user, balvi):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("b.xlsx", xlsx_bundle(REGISTER_AND_PEOPLE))

    response = client.post(reverse("bundle:import"), {"bundle": upload, "municipality": "balvi"})

    assert response.status_code == 200
    assert Client.objects.filter(municipality=balvi).count() == 2
