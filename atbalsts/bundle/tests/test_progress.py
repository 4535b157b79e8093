"""The import page's progress: the token, the cache, the polling endpoint, the htmx form and
the list of recent runs."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from atbalsts.bundle import progress
from atbalsts.bundle.example import csv_files, xlsx_bundle
from atbalsts.bundle.models import ImportRun, RunStatus
from atbalsts.core.roles import Role
from atbalsts.people.models import Client

from .conftest import counts, edit, example

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _url(token):
    return reverse("bundle:progress", args=[token])


def _upload(sheets=None):
    return [SimpleUploadedFile(n, c) for n, c in csv_files(sheets or example())]


# --- the token ---------------------------------------------------------------------------------


def test_a_token_is_the_users_own_and_well_formed(head, make_user, balvi):
    other = make_user(Role.HEAD, balvi)
    token = progress.new_token(head)

    assert len(token) == 64
    assert progress.is_own(head, token)
    assert not progress.is_own(other, token)
    assert not progress.is_own(head, token.upper())
    assert not progress.is_own(head, token + "0")
    assert not progress.is_own(head, token[:32] + "0" * 32)
    assert not progress.is_own(head, None)
    assert progress.new_token(head) != token


# --- the callback ------------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_the_tracker_writes_the_phases_and_throttles_the_rows(head):
    token = progress.new_token(head)
    clock = Clock()
    tracker = progress.Tracker(head, token, clock=clock)

    tracker.checking()
    assert progress.read(head, token) == progress.State(progress.CHECKING)
    tracker(1, 500)  # the first row is always written
    assert progress.read(head, token) == progress.State(progress.WRITING, 1, 500)
    clock.now += 0.1
    tracker(2, 500)  # too soon: not written
    assert progress.read(head, token).done == 1
    clock.now += 0.5
    tracker(120, 500)
    assert progress.read(head, token) == progress.State(progress.WRITING, 120, 500)
    tracker(500, 500)  # the last row is always written
    assert progress.read(head, token).done == 500
    tracker.finish(progress.DONE, 500)
    assert progress.read(head, token) == progress.State(progress.DONE, 500, 500)


def test_a_tracker_without_a_valid_token_writes_nothing(head, make_user, balvi):
    others = progress.new_token(make_user(Role.HEAD, balvi))
    for token in (None, "", "nav-tokens", others):
        tracker = progress.Tracker(head, token)
        tracker.checking()
        tracker(1, 1)
        tracker.finish(progress.DONE, 1)
    assert progress.read(head, others) == progress.State()
    assert cache.get(f"bundle-progress:{head.pk}:{others[:32]}") is None


# --- the endpoint ------------------------------------------------------------------------------


def test_an_unknown_token_is_waiting_not_an_error(client, head):
    client.force_login(head)
    token = progress.new_token(head)

    response = client.get(_url(token))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Augšupielādē failus" in page
    assert 'hx-trigger="every 1s"' in page  # keeps polling
    assert "<progress" in page


def test_the_endpoint_shows_rows_done_of_total_and_the_phase(client, head):
    client.force_login(head)
    token = progress.new_token(head)
    progress.write(head, token, progress.State(progress.WRITING, 120, 500))

    page = client.get(_url(token)).content.decode()

    assert "Saglabā rindas" in page
    assert "120 no 500 rindām" in page
    assert 'max="500" value="120"' in page
    assert 'for="import-progress-bar"' in page

    progress.write(head, token, progress.State(progress.DONE, 500, 500))
    page = client.get(_url(token)).content.decode()
    assert "Imports pabeigts" in page
    assert "every 1s" not in page  # finished: the polling stops
    assert reverse("bundle:import") in page


def test_the_endpoint_refuses_others_tokens_and_bad_tokens(client, head, make_user, balvi):
    other = make_user(Role.HEAD, balvi)
    others = progress.new_token(other)
    progress.write(other, others, progress.State(progress.WRITING, 3, 9))
    client.force_login(head)

    assert client.get(_url(others)).status_code == 404
    for bad in ("abc", others.upper(), others[:32] + "f" * 32, "0" * 65, "x" * 64):
        assert client.get(_url(bad)).status_code == 404, bad
    client.force_login(other)
    assert client.get(_url(others)).status_code == 200


def test_the_endpoint_is_for_importers_only(client, social_worker, head):
    token = progress.new_token(social_worker)
    assert client.get(_url(token)).status_code == 302  # to the sign-in page
    client.force_login(social_worker)
    assert client.get(_url(token)).status_code == 403
    client.force_login(head)
    assert client.post(_url(progress.new_token(head))).status_code == 405


# --- the page ----------------------------------------------------------------------------------


def _token_of(page):
    marker = 'name="progress_token" value="'
    start = page.index(marker) + len(marker)
    return page[start : start + 64]


def test_the_form_carries_a_fresh_token_and_the_progress_poller(client, head):
    client.force_login(head)
    first = client.get(reverse("bundle:import")).content.decode()
    second = client.get(reverse("bundle:import")).content.decode()

    token = _token_of(first)
    assert progress.is_own(head, token)
    assert _token_of(second) != token
    assert f'hx-get="{_url(token)}"' in first
    assert 'hx-post="/import/"' in first
    assert 'aria-live="polite"' in first


def test_the_import_writes_its_progress_under_the_token(client, head, accountant, monkeypatch):
    client.force_login(head)
    token = _token_of(client.get(reverse("bundle:import")).content.decode())
    written = []
    real_write = progress.write
    monkeypatch.setattr(progress, "write", lambda u, t, s: (written.append(s), real_write(u, t, s)))

    response = client.post(
        reverse("bundle:import"),
        {"bundle": _upload(), "approver": accountant.pk, "progress_token": token},
        **HTMX,
    )

    assert response.status_code == 200
    assert written[0] == progress.State(progress.CHECKING)
    assert written[1] == progress.State(progress.WRITING, 1, 21)
    assert progress.State(progress.WRITING, 21, 21) in written
    assert written[-1] == progress.State(progress.DONE, 21, 21)
    assert progress.read(head, token) == progress.State(progress.DONE, 21, 21)


def test_the_htmx_post_answers_with_the_panel_and_the_runs(client, head, accountant):
    client.force_login(head)
    token = progress.new_token(head)

    response = client.post(
        reverse("bundle:import"),
        {"bundle": _upload(), "approver": accountant.pk, "progress_token": token},
        **HTMX,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert page.startswith('<div id="bundle-panel"')
    assert "Imports pabeigts: apstrādātas 21 rindas." in page
    assert 'id="import-runs" hx-swap-oob="true"' in page
    assert "jauni " in page and "pabeigts" in page
    assert _token_of(page) != token  # the next import gets its own token
    assert Client.objects.count() == 2


def test_the_plain_post_still_answers_with_the_whole_page(client, head, accountant):
    client.force_login(head)

    response = client.post(
        reverse("bundle:import"), {"bundle": _upload(), "approver": accountant.pk}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page
    assert "Imports pabeigts: apstrādātas 21 rindas." in page
    assert "hx-swap-oob" not in page
    assert Client.objects.count() == 2


def test_bad_input_over_htmx_gives_the_error_report_and_writes_nothing(client, head):
    client.force_login(head)
    token = progress.new_token(head)
    sheets = edit("clients", 2, "start_date", "2026-02-30")
    before = counts()

    response = client.post(
        reverse("bundle:import"),
        {"bundle": SimpleUploadedFile("b.xlsx", xlsx_bundle(sheets)), "progress_token": token},
        **HTMX,
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert page.startswith('<div id="bundle-panel"')
    assert "Atrasta 1 kļūda." in page
    assert "Datumam jābūt formā DD.MM.GGGG vai GGGG-MM-DD." in page
    assert "1 kļūda, nekas netika saglabāts" in page  # the rejected run in the list
    assert counts() == before
    assert progress.read(head, token).phase == progress.REJECTED


def test_a_form_error_over_htmx_is_shown_on_the_field(client, head):
    client.force_login(head)

    response = client.post(
        reverse("bundle:import"), {"progress_token": progress.new_token(head)}, **HTMX
    )

    assert response.status_code == 400
    assert 'class="error" role="alert">Šis lauks ir nepieciešams.' in response.content.decode()
    response = client.post(reverse("bundle:import"), {})  # no file, no token, no JS
    assert response.status_code == 400
    assert 'class="error" role="alert">Šis lauks ir nepieciešams.' in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_a_bad_token_does_not_stop_the_import(client, head, accountant):
    client.force_login(head)

    response = client.post(
        reverse("bundle:import"),
        {"bundle": _upload(), "approver": accountant.pk, "progress_token": "../../etc"},
    )

    assert response.status_code == 200
    assert Client.objects.count() == 2


# --- the recent runs ---------------------------------------------------------------------------


def _run(head, balvi, status, **fields):
    return ImportRun.objects.create(
        municipality=balvi,
        actor=head,
        file_name=f"{status}.xlsx",
        checksum="0" * 64,
        started=fields.pop("started", timezone.now()),
        status=status,
        **fields,
    )


def test_the_runs_show_a_running_import_and_refresh_themselves(client, head, balvi):
    client.force_login(head)
    _run(head, balvi, RunStatus.RUNNING)
    _run(
        head,
        balvi,
        RunStatus.DONE,
        finished=timezone.now(),
        counts={"clients": {"created": 2, "updated": 1, "unchanged": 0},
                "plans": {"created": 2, "updated": 0, "unchanged": 3}},
    )  # fmt: skip

    page = client.get(reverse("bundle:import")).content.decode()

    assert "notiek" in page
    assert "jauni 4, mainīti 1, bez izmaiņām 3" in page
    assert f'hx-get="{reverse("bundle:runs")}" hx-trigger="every 5s"' in page
    fragment = client.get(reverse("bundle:runs")).content.decode()
    assert fragment.startswith('<section class="card" id="import-runs"')
    assert "running.xlsx" in fragment and "notiek" in fragment


def test_the_runs_stop_refreshing_when_nothing_is_running(client, head, balvi):
    client.force_login(head)
    _run(head, balvi, RunStatus.DONE, finished=timezone.now())
    # a run cut off by a stopped server long ago does not keep the list polling
    _run(head, balvi, RunStatus.RUNNING, started=timezone.now() - dt.timedelta(days=1))

    page = client.get(reverse("bundle:runs")).content.decode()

    assert "every 5s" not in page
    assert "Atjaunot sarakstu" in page


def test_the_runs_are_for_importers_only_and_their_municipality(
    client, social_worker, head, make_user, tukums
):
    other_head = make_user(Role.HEAD, tukums)
    _run(other_head, tukums, RunStatus.RUNNING)
    client.force_login(social_worker)
    assert client.get(reverse("bundle:runs")).status_code == 403
    client.force_login(head)
    page = client.get(reverse("bundle:runs")).content.decode()
    assert "running.xlsx" not in page
    assert "Importu vēl nav." in page
