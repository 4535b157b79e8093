"""Small helpers services use to collect field errors before raising ValidationFailed."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed


def refuse_unknown(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Refuse field names a service does not take, each with its own error."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationFailed({name: [_("Nezināms lauks.")] for name in sorted(unknown)})


def assign_fields(instance: models.Model, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Copy `data` onto the instance (strings stripped); unknown field names are refused."""
    refuse_unknown(data, allowed)
    for name, value in data.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)


def add_error(errors: dict[str, list[str]], field: str, message: Any) -> None:
    """Add one message (a lazy string is made text) to a field's list in `errors`."""
    errors.setdefault(field, []).append(str(message))


def raise_if_errors(errors: Mapping[str, list[str]]) -> None:
    """Raise ValidationFailed with everything collected, if anything was."""
    if errors:
        raise ValidationFailed(errors)


def add_model_field_errors(
    instance: models.Model, errors: dict[str, list[str]], exclude: Iterable[str] = ()
) -> None:
    """Django's own field checks (required, length, choices, e-mail) added to `errors`,
    skipping fields that already have an error."""
    skip = set(exclude) | set(errors)
    try:
        instance.full_clean(exclude=sorted(skip), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                add_error(errors, name, message)
