"""Checks the people services share: personal codes, date order, the shape of their input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TypeAlias

from django.utils.translation import gettext_lazy as _

from atbalsts.core.validation import add_error

from ..models import Client, Referral, Representative
from ..personal_code import InvalidPersonalCode, parse_personal_code

# What a page's form, an API payload or an imported row gives a service: field name → value,
# often only some of the fields (a change). The names a service takes are its *_FIELDS; any
# other name is refused with a field error (core.validation.assign_fields).
Fields: TypeAlias = Mapping[str, object]


def check_personal_code(
    instance: Client | Representative | Referral, errors: dict[str, list[str]], *, required: bool
) -> dt.date | None:
    """Normalise the instance's personal code in place; return the birth date it holds."""
    raw = instance.personal_code or ""
    if not raw.strip():
        if required:
            add_error(errors, "personal_code", _("Norādiet personas kodu."))
        return None
    try:
        code = parse_personal_code(raw)
    except InvalidPersonalCode as exc:
        add_error(errors, "personal_code", exc.message)
        return None
    instance.personal_code = code.value
    return code.date_of_birth


def check_date_order(
    start: dt.date | None, end: dt.date | None, errors: dict[str, list[str]], end_field: str
) -> None:
    """An end before the start is an error on `end_field`."""
    if start and end and end < start:
        add_error(errors, end_field, _("Beigu datums nevar būt pirms sākuma datuma."))
