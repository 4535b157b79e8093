"""The address picker: a search box that asks the register as one types (htmx) and a plain
select of what it found. Without JavaScript the select keeps the current address; an address
typed as free text stays in the form's text field, flagged as not geocoded."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from atbalsts.core.validation import id_or_none

from .models import Address


class AddressPicker(forms.Select):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        select_id = (attrs or {}).get("id") or f"id_{name}"
        search = format_html(
            '<input type="search" id="{id}_q" name="{name}_q" class="address-search" '
            'autocomplete="off" aria-label="{label}" placeholder="{placeholder}" '
            'aria-controls="{id}" hx-get="{url}" hx-trigger="input changed delay:300ms, search" '
            'hx-target="#{id}" hx-include="#{id}" hx-vals=\'{{"field": "{name}"}}\'>',
            id=select_id,
            name=name,
            label=_("Meklēt adresi adrešu reģistrā"),
            placeholder=_("Sāciet rakstīt: iela, māja, pilsēta…"),
            url=reverse("addresses:search"),
        )
        return format_html("{}{}", search, super().render(name, value, attrs, renderer))

    def optgroups(
        self, name: str, value: list[Any], attrs: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        """Only the chosen address is an option (the register holds a million)."""
        ids = [i for i in map(id_or_none, value) if i is not None]
        empty = self.create_option(name, "", _("— nav izvēlēta —"), not ids, 0)
        options: list[tuple[str | None, list[dict[str, Any]], int | None]] = [(None, [empty], 0)]
        for index, address in enumerate(Address.objects.filter(pk__in=ids), start=1):
            options.append(
                (
                    None,
                    [self.create_option(name, str(address.pk), address.text, True, index)],
                    index,
                )
            )
        return options


class AddressField(forms.ModelChoiceField):
    """An existing address of the register, chosen with the picker."""

    widget = AddressPicker

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs["queryset"] = Address.objects.filter(active=True)  # a model form passes all
        kwargs.pop("widget", None)
        super().__init__(widget=AddressPicker, **kwargs)
