"""Structured logs: one JSON object a line with the request id and user id; personal codes
masked wherever they appear in a message or a traceback."""

import io
import json
import logging

import pytest
from django.test import RequestFactory
from django.urls import path

from atbalsts.core.context import request_id_var
from atbalsts.operations.context import current_request_var
from atbalsts.operations.logging import (
    JsonFormatter,
    PlainFormatter,
    RequestContextFilter,
    mask_personal_codes,
)


@pytest.fixture
def capture():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("atbalsts.tests.ops")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)


def _lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize(
    "code",
    ["010185-12345", "01018512345", "321234-56789", "32123456789"],
)
def test_personal_codes_are_masked(code):
    assert code not in mask_personal_codes(f"klients {code} nav atrasts")
    assert "******-*****" in mask_personal_codes(f"klients {code}.")


@pytest.mark.parametrize("text", ["rēķins 2026-000123", "tel. 29123456", "id 123456789012345"])
def test_other_numbers_stay(text):
    assert mask_personal_codes(text) == text


def test_one_json_object_a_line_with_the_fields(capture):
    logger, stream = capture
    token = request_id_var.set("abc123")
    try:
        logger.info("approved %s invoices", 3)
    finally:
        request_id_var.reset(token)
    (entry,) = _lines(stream)
    assert entry["message"] == "approved 3 invoices"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "atbalsts.tests.ops"
    assert entry["request_id"] == "abc123"
    assert entry["user_id"] is None
    assert entry["time"].endswith("+00:00")


def test_arguments_and_tracebacks_are_masked(capture):
    logger, stream = capture
    logger.warning("no client %s", "010185-12345")
    try:
        raise ValueError("duplicate personal code 32123456789")
    except ValueError:
        logger.exception("import failed for %s", "01018512345")
    text = stream.getvalue()
    assert "12345" not in text.replace("******-*****", "")
    first, second = _lines(stream)
    assert first["message"] == "no client ******-*****"
    assert "ValueError: duplicate personal code ******-*****" in second["exception"]


def test_the_plain_formatter_masks_too():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "code %s", ("010185-12345",), None)
    assert "010185-12345" not in PlainFormatter("%(message)s").format(record)


def test_user_id_of_a_signed_in_request_never_queries(
    capture, make_user, django_assert_num_queries
):
    logger, stream = capture
    user = make_user()
    request = RequestFactory().get("/")
    request.user = user
    token = current_request_var.set(request)
    try:
        with django_assert_num_queries(0):
            logger.info("hello")
    finally:
        current_request_var.reset(token)
    assert _lines(stream)[0]["user_id"] == user.pk


def test_a_lazy_user_not_yet_loaded_is_not_loaded_by_logging(capture):
    from django.utils.functional import SimpleLazyObject

    logger, stream = capture
    request = RequestFactory().get("/")
    loaded = []
    request.user = SimpleLazyObject(lambda: loaded.append(1))
    token = current_request_var.set(request)
    try:
        logger.info("hello")
    finally:
        current_request_var.reset(token)
    assert loaded == []
    assert _lines(stream)[0]["user_id"] is None


def _logs_inside(request):
    from django.http import HttpResponse

    request.user.pk  # noqa: B018 - the view loads the user, as every signed-in page does
    logging.getLogger("atbalsts.tests.ops").info("inside the view")
    return HttpResponse("ok")


urlpatterns = [path("ops-log-test", _logs_inside)]


@pytest.mark.urls("atbalsts.operations.tests.test_logging")
def test_a_request_logs_its_request_id_and_user_id(client, capture, make_user):
    _logger, stream = capture
    user = make_user()
    client.force_login(user)
    response = client.get("/ops-log-test")
    (entry,) = [e for e in _lines(stream) if e["message"] == "inside the view"]
    assert entry["request_id"] == response["X-Request-Id"]
    assert entry["user_id"] == user.pk


@pytest.mark.urls("atbalsts.operations.tests.test_logging")
def test_the_access_line_has_no_query_string(client, caplog, make_user):
    client.force_login(make_user())
    with caplog.at_level(logging.INFO, logger="atbalsts.access"):
        client.get("/ops-log-test?q=010185-12345")
    (record,) = [r for r in caplog.records if r.name == "atbalsts.access"]
    assert record.getMessage().startswith("GET /ops-log-test 200 ")
    assert "010185" not in record.getMessage()
