"""Domain errors with stable codes; the UI and the API turn them into messages in one place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused an action. `code` is stable; `message` is translated."""

    code = "domain_error"
    default_message: str | Promise = _("Darbību nevar izpildīt.")

    def __init__(self, message: str | Promise | None = None, *, field: str | None = None) -> None:
        self.message = message if message is not None else self.default_message
        self.field = field
        super().__init__(str(self.message))

    @property
    def field_errors(self) -> dict[str, list[str]]:
        key = self.field or "__all__"
        return {key: [str(self.message)]}


class ValidationFailed(DomainError):
    """Input broke one or more field rules; `errors` maps field names to messages."""

    code = "validation_failed"
    default_message = _("Dati nav derīgi.")

    def __init__(self, errors: Mapping[str, Sequence[str | Promise]]) -> None:
        self.errors = {field: [str(m) for m in messages] for field, messages in errors.items()}
        first_field, first_messages = next(iter(self.errors.items()))
        super().__init__(first_messages[0], field=first_field)

    @property
    def field_errors(self) -> dict[str, list[str]]:
        return self.errors


class NotPermitted(DomainError):
    """The actor may not do this to this object (they may see it)."""

    code = "not_permitted"
    default_message = _("Jums nav tiesību veikt šo darbību.")


class Conflict(DomainError):
    """Someone else changed the record first."""

    code = "conflict"
    default_message = _("Ierakstu pa to laiku ir mainījis kāds cits. Atveriet to no jauna.")
