"""The base of every API input: a field the schema does not name is refused, not ignored."""

from ninja import Schema
from pydantic import ConfigDict


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")
