"""Small helpers services use to collect field errors before raising ValidationFailed."""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed
from .money import parse_money


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


# --- field parsers ---------------------------------------------------------------------------
# Services take payloads from forms, the API and imports; these read one field each, add a
# Latvian error on `name` to `errors` when the value is wrong, and return None (or "") then.

DATE_FORMAT_MESSAGE = _("Datumam jābūt formā GGGG-MM-DD.")


def text_field(
    value: Any,
    name: str,
    errors: dict[str, list[str]],
    *,
    limit: int,
    required: bool = False,
    coerce: bool = False,
) -> str:
    """Stripped text of at most `limit` characters. A non-text value is refused, or written as
    text with `coerce` (a number cell of a spreadsheet); a NUL character is always refused."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        if not coerce:
            add_error(errors, name, _("Jābūt tekstam."))
            return ""
        value = str(value)
    text: str = value.strip()
    if "\x00" in text:
        add_error(errors, name, _("Teksts satur neatļautu rakstzīmi."))
        return ""
    if required and not text:
        add_error(errors, name, _("Obligāts lauks."))
    elif len(text) > limit:
        add_error(errors, name, _("Ne vairāk kā %(n)s zīmes.") % {"n": limit})
    return text


def date_field(
    value: Any, name: str, errors: dict[str, list[str]], *, required: bool = True
) -> dt.date | None:
    """A date given as itself or as GGGG-MM-DD text; a datetime is refused."""
    if value in (None, ""):
        if required:
            add_error(errors, name, _("Obligāts lauks."))
        return None
    if isinstance(value, dt.datetime):
        add_error(errors, name, DATE_FORMAT_MESSAGE)
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    add_error(errors, name, DATE_FORMAT_MESSAGE)
    return None


def int_field(
    value: Any,
    name: str,
    errors: dict[str, list[str]],
    *,
    low: int,
    high: int,
    required: bool = False,
    message: str | None = None,
) -> int | None:
    """A whole number from `low` to `high`, given as a number or as text. `message` replaces
    the default messages for a field that explains its range in one sentence."""
    if value in (None, ""):
        if required:
            add_error(errors, name, _("Obligāts lauks."))
        return None
    number: int | None = None
    if not isinstance(value, bool) and isinstance(value, int | str):
        try:
            number = int(str(value).strip())
        except ValueError:
            number = None
    if number is None:
        add_error(errors, name, message or _("Jābūt veselam skaitlim."))
        return None
    if not low <= number <= high:
        add_error(
            errors,
            name,
            message or _("Jābūt no %(low)s līdz %(high)s.") % {"low": low, "high": high},
        )
        return None
    return number


def choice_field(
    value: Any,
    name: str,
    errors: dict[str, list[str]],
    choices: type[models.TextChoices],
    *,
    default: str = "",
    required: bool = False,
    list_values: bool = False,
) -> str:
    """One of the choices' values; empty gives `default` (an error if `required`).
    `list_values` names the allowed values in the error (for API and import callers)."""
    if value in (None, ""):
        if required:
            add_error(errors, name, _("Obligāts lauks."))
        return default
    if value not in choices.values:
        if list_values:
            add_error(
                errors,
                name,
                _("Nederīga vērtība; atļautās: %(values)s.")
                % {"values": ", ".join(choices.values)},
            )
        else:
            add_error(errors, name, _("Nederīga vērtība."))
        return default
    return str(value)


def decimal_field(
    value: Any,
    name: str,
    errors: dict[str, list[str]],
    *,
    high: Decimal,
    positive: bool = False,
    money: bool = True,
    required: bool = False,
    message: str | None = None,
) -> Decimal | None:
    """A number with at most two decimals from 0 (above 0 if `positive`) to `high`, given as
    a Decimal, an int or text (a money text may be written 1 234,50). A float is read by its
    shortest repr, as a spreadsheet cell shows it. `message` replaces the default messages."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            add_error(errors, name, _("Obligāts lauks."))
        return None
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        if isinstance(value, Decimal | int):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        elif money:
            number = parse_money(str(value))
        else:
            number = Decimal(str(value).strip().replace(",", "."))
    except (ValueError, InvalidOperation):
        add_error(errors, name, message or _("Jābūt skaitlim, piemēram, 12,50."))
        return None
    # NaN is not ordered: ask whether it is finite before comparing it.
    finite = number.is_finite()
    if not finite or not (number > 0 if positive else number >= 0) or number > high:
        add_error(errors, name, message or _("Jābūt skaitlim no 0 līdz %(max)s.") % {"max": high})
        return None
    if number != number.quantize(Decimal("0.01")):
        add_error(errors, name, message or _("Ne vairāk kā divas zīmes aiz komata."))
        return None
    return number


MAX_ID = 2**63 - 1  # a primary key: PostgreSQL's bigint


def id_or_none(value: object) -> int | None:
    """A record's id from a query parameter or a posted choice, or None: only ASCII digits
    (`"²".isdigit()` is true but `int("²")` fails) and no larger than a primary key can be
    (PostgreSQL refuses a bigger number in a query)."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdecimal()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def time_field(
    value: Any, name: str, errors: dict[str, list[str]], *, required: bool = False
) -> dt.time | None:
    """A time of day to the minute (09:30), given as a time or as text; no time zone."""
    if value in (None, ""):
        if required:
            add_error(errors, name, _("Obligāts lauks."))
        return None
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, str):
        try:
            parsed = dt.time.fromisoformat(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is None:
            return parsed.replace(second=0, microsecond=0)
    add_error(errors, name, _("Laikam jābūt formā SS:MM, piemēram, 09:30."))
    return None
