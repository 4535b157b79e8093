"""The base of every API input: a field the schema does not name is refused, not ignored;
an explicit null for optional text is the empty text (it clears the field, as "" does); and
a number is one the database and the money rules can hold, else 400 on its field.

`Offset` is a list's offset: at most OFFSET_MAX (a database counts rows in 64 bits).
"""

from __future__ import annotations

import functools
import types
import typing
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

# Money and quantities are below a trillion (MONEY_MAX_DIGITS is 14 with 2 decimals).
NUMBER_LIMIT = Decimal(10) ** 12
OFFSET_MAX = 1_000_000_000
INT_MAX = 2**63 - 1

Offset = Annotated[int, Field(ge=0, le=OFFSET_MAX)]


@functools.cache
def _optional_text(cls: type[Schema]) -> frozenset[str]:
    """The fields of `cls` typed `str | None`."""
    names = []
    for name, field in cls.model_fields.items():
        annotation = field.annotation
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            args = set(typing.get_args(annotation))
            if args == {str, type(None)}:
                names.append(name)
    return frozenset(names)


def bounded(value: Any) -> Any:
    """A Decimal that is a finite number below NUMBER_LIMIT, an int a database can hold."""
    if isinstance(value, Decimal) and (not value.is_finite() or abs(value) >= NUMBER_LIMIT):
        raise PydanticCustomError("number_out_of_range", _("Skaitlis ir pārāk liels."))
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > INT_MAX:
        raise PydanticCustomError("number_out_of_range", _("Skaitlis ir pārāk liels."))
    return value


class BoundedSchema(Schema):
    """A query's parameters: numbers within what the database and the money rules hold."""

    @field_validator("*", mode="after")
    @classmethod
    def _bounded(cls, value: Any) -> Any:
        return bounded(value)


class StrictSchema(BoundedSchema):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _null_text_is_empty(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name in _optional_text(cls):
            return ""
        return value
