"""The upload form of the bundle import page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from atbalsts.core.actors import Actor
from atbalsts.core.forms import StyledFormMixin
from atbalsts.people.models import Municipality


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One XLSX, one .zip, or several CSV files chosen together."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        if isinstance(data, list | tuple):  # nothing chosen: "required", like a single file
            data = None
        return [single(data, initial)]


class BundleForm(StyledFormMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Pašvaldība"), queryset=Municipality.objects.all(), to_field_name="code"
    )
    bundle = MultipleFileField(label=_("Faili (.xlsx, .zip vai vairāki .csv)"))

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.municipality_id:
            self.fields.pop("municipality")
