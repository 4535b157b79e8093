"""The API's OpenAPI document, with the error answers every operation can give.

Every error is the same JSON, `{code, message, errors}` (atbalsts/api/api.py maps the domain's
errors to it), so the document names one schema, `Error`, and adds to each operation the
statuses it can answer with besides its own: 400 (bad input: query, path or body), 401 (no or
a dead token), 403 (not allowed, or a read-only token's write) and 404 (an object the user does
not see, or none).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI, Schema
from ninja.openapi.schema import OpenAPISchema

ERRORS = {
    "400": "Nederīgi dati: `errors` nosauc laukus (`validation_failed`, `malformed_request`, "
    "vai domēna kļūdas kods).",
    "401": "Nav autentifikācijas vai atslēga vairs nav derīga (`not_authenticated`).",
    "403": "Nav tiesību (`not_permitted`), vai ar lasīšanas atslēgu mēģināts mainīt datus.",
    "404": "Nav atrasts vai lietotājam nav redzams (`not_found`).",
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}


class Error(Schema):
    """Every error answer: a stable code, a Latvian message, and messages by field."""

    code: str
    message: str
    errors: dict[str, list[str]]


def with_errors(schema: OpenAPISchema) -> OpenAPISchema:
    """`schema` with `Error` among its components and the error statuses on every operation
    (an operation's own description of a status wins)."""
    components: dict[str, Any] = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = Error.model_json_schema()
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
    return schema


class DocumentedAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document names the error answers of every operation."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        return with_errors(
            super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        )
