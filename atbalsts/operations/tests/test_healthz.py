"""/healthz: the database, the workers' last heartbeat and the queue depth, 200 or 503."""

import datetime as dt
import json
import uuid
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from atbalsts.jobs.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db(databases=["default", "jobs"])


def _waiting(count: int) -> None:
    for _ in range(count):
        DBTaskResult.objects.create(
            id=uuid.uuid4(),
            status=TaskResultStatus.READY,
            args_kwargs={"args": [], "kwargs": {}},
            task_path="atbalsts.example.task",
            backend_name="default",
            run_after=timezone.now(),
        )


def _beat(seconds_ago: float) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker="host-1:123",
        defaults={"beat_at": timezone.now() - dt.timedelta(seconds=seconds_ago)},
    )


def test_healthy_with_no_workers_and_no_waiting_tasks(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "worker_heartbeat_age_s": None, "queue_depth": 0}
    assert "no-cache" in response["Cache-Control"]


def test_no_session_no_sign_in_no_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert not response.cookies
    assert "Vary" not in response or "Cookie" not in response["Vary"]


def test_reports_the_heartbeat_age_and_queue_depth(client):
    _beat(30)
    _waiting(3)
    body = client.get("/healthz").json()
    assert body["database"] == "ok"
    assert body["queue_depth"] == 3
    assert 29 <= body["worker_heartbeat_age_s"] < 40


def test_finished_and_running_tasks_are_not_the_queue(client):
    _waiting(1)
    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL)
    _beat(1)
    assert client.get("/healthz").json()["queue_depth"] == 0


def test_tasks_waiting_with_a_stale_worker_is_503(client):
    _beat(600)
    _waiting(1)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker_heartbeat_age_s"] >= 600


def test_tasks_waiting_with_no_worker_ever_is_503(client):
    _waiting(1)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker_heartbeat_age_s"] is None


def test_a_stale_worker_with_nothing_to_do_is_healthy(client):
    _beat(600)
    assert client.get("/healthz").status_code == 200


@override_settings(HEALTHZ_MAX_HEARTBEAT_AGE=1000)
def test_the_heartbeat_limit_is_a_setting(client):
    _beat(600)
    _waiting(1)
    assert client.get("/healthz").status_code == 200


@override_settings(HEALTHZ_MAX_QUEUE_DEPTH=2)
def test_a_queue_deeper_than_the_setting_is_503(client):
    _beat(1)
    _waiting(2)
    assert client.get("/healthz").status_code == 200
    _waiting(1)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue_depth"] == 3


def test_a_database_error_is_503_not_500(client):
    with mock.patch(
        "atbalsts.operations.health.DBTaskResult.objects.filter",
        side_effect=DatabaseError("connection refused"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "database": "error",
        "worker_heartbeat_age_s": None,
        "queue_depth": None,
    }


def test_only_get_and_head(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


def test_no_personal_data_in_the_answer(client):
    body = json.loads(client.get("/healthz").content)
    assert set(body) == {"database", "worker_heartbeat_age_s", "queue_depth"}
