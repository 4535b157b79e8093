""" "Bad input never yields a 500": a number too large for money, an offset past what a
database can count, an explicit null for optional text in a PATCH; and the OpenAPI document
names the error answers of every operation and keeps the invoice lines under their own
schema."""

import json

import pytest

from atbalsts.accounts.services import api_token_create
from atbalsts.catalog.tests.factories import make_service_type
from atbalsts.core.roles import Role
from atbalsts.people.tests.factories import make_client

pytestmark = pytest.mark.django_db

HUGE = "1" + "0" * 400  # a JSON number (no quotes) a money field cannot hold


def _auth(user):
    _token, raw = api_token_create(actor=user, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _send(client, method, url, body, headers):
    call = getattr(client, method)
    return call(url, data=body, content_type="application/json", **headers)


@pytest.mark.parametrize("number", [HUGE, "1e400", "-1e400", "1e-400", "123456789012345.5"])
def test_a_money_number_too_large_is_a_400_naming_the_field(client, head, number):
    service_type = make_service_type(actor=head)
    body = (
        f'{{"service_type": "{service_type.code}", "unit_price": {number}, '
        '"valid_from": "2026-01-01"}'
    )
    response = _send(client, "post", "/api/catalog/municipal-prices", body, _auth(head))
    assert response.status_code in (400, 201), response.content
    if number != "1e-400":
        assert response.status_code == 400
        assert "unit_price" in response.json()["errors"]


def test_a_huge_quantity_on_a_paper_invoice_is_a_400(client, head, social_worker):
    body = (
        '{"provider_id": 1, "month": "2026-01", "number": "R-1", "lines": [{"letter_id": 1, '
        f'"line_key": "x", "quantity": {HUGE}, "unit_price": 1}}]}}'
    )
    response = _send(client, "post", "/api/billing/invoices/paper", body, _auth(social_worker))
    assert response.status_code == 400, response.content


@pytest.mark.parametrize(
    "url",
    [
        "/api/people/clients",
        "/api/catalog/providers",
        "/api/billing/invoices",
        "/api/delivery/sessions",
    ],
)
@pytest.mark.parametrize("offset", [2**63, 2**64 + 1, 10**30])
def test_an_offset_past_any_database_is_a_400(client, admin_user, url, offset):
    response = client.get(url, {"offset": offset}, **_auth(admin_user))
    assert response.status_code == 400, response.content
    assert "offset" in response.json()["errors"]


def test_null_for_optional_text_in_a_patch_clears_it(client, social_worker, balvi):
    person = make_client(actor=social_worker, municipality=balvi, phone="+371 26000001")
    url = f"/api/people/clients/{person.pk}"
    fields = ["address", "phone", "email", "languages", "notes"]
    body = json.dumps(dict.fromkeys(fields))
    response = _send(client, "patch", url, body, _auth(social_worker))
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert [getattr(person, f) for f in fields] == [""] * len(fields)
    # a required one is refused by name, as an empty one is
    response = _send(client, "patch", url, '{"first_name": null}', _auth(social_worker))
    assert response.status_code == 400
    assert "first_name" in response.json()["errors"]


def test_every_patch_takes_null_for_its_optional_text(client, head, admin_user):
    """Each PATCH schema's optional text fields, all null at once: never a 500."""
    from atbalsts.api.api import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        operation = operations.get("patch")
        if operation is None:
            continue
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        properties = components[ref.rsplit("/", 1)[1]]["properties"]
        texts = [
            name
            for name, spec in properties.items()
            if any(o.get("type") == "string" for o in spec.get("anyOf", []))
            and "format" not in str(spec)
            and "enum" not in str(spec)
            and "$ref" not in str(spec)
        ]
        assert texts, path
        url = path.replace("{", "").replace("}", "")
        for part in url.split("/"):
            if part.endswith("_id"):
                url = url.replace(part, "1")
        for user in (head, admin_user):
            response = _send(client, "patch", url, json.dumps(dict.fromkeys(texts)), _auth(user))
            assert response.status_code < 500, (path, response.content)


def test_the_document_names_every_error_answer_and_the_invoice_lines_schema(client, head):
    schema = client.get("/api/openapi.json").json()
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {
        "code",
        "message",
        "errors",
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "403", "404"} <= set(operation["responses"]), (method, path)
    invoice = schema["components"]["schemas"]["InvoiceOut"]
    lines = invoice["properties"]["lines"]["anyOf"][0]["items"]["$ref"]
    assert lines.endswith("/InvoiceLineOut"), lines
    components = schema["components"]["schemas"]
    assert "recorded_amount" in components["InvoiceLineOut"]["properties"]
    assert "recorded_amount" not in components["LineOut"]["properties"]  # the plan lines
    started = schema["paths"]["/api/bundle/import"]["post"]["responses"]
    assert "202" in started and "200" not in started
    assert Role.HEAD  # (the token's user: the document is the same for every user)
