"""A refused import's errors grouped by cause, for the import pages."""

from collections.abc import Iterable, Mapping
from typing import Any

from django import template

from ..errors import error_groups

register = template.Library()


@register.filter
def by_cause(errors: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    return error_groups(errors or [])
