"""Bridges between Django forms and domain errors, and shared widgets."""

from typing import Any

from django import forms

from .errors import DomainError


class DateInput(forms.DateInput):
    """A native date picker; the value travels as ISO, the browser shows it in the user's locale."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def apply_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Show a domain error on the form: on its field if the form has it, else at the top."""
    for field, messages in error.field_errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class StyledFormMixin:
    """Marks required fields so the template can show them, and sets sensible limits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field.widget, forms.DateInput) and not isinstance(
                field.widget, DateInput
            ):
                field.widget = DateInput()
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 4)
