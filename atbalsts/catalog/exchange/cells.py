"""Reading one cell of a catalogue file: text, yes/no, dates, prices, whole numbers, codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.utils.translation import gettext_lazy as _

from atbalsts.core.dates import parse_day
from atbalsts.core.money import CENT, parse_money
from atbalsts.core.validation import int_field
from atbalsts.people.models import Municipality

from ..models import Provider, ServiceType

_TRUE = {"yes", "jā", "ja", "true", "1", "x", "y"}
_FALSE = {"no", "nē", "ne", "false", "0", ""}
# A whole-number cell is checked for its range by the service it goes to, with its message.
_ANY_INT = 10**18

T = TypeVar("T")


class CellError(Exception):
    def __init__(self, message: object) -> None:
        self.message = str(message)
        super().__init__(self.message)


class RowFailed(Exception):
    """Cells of a row that could not be read: {column: message}."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(str(self.errors))


def text(value: Any) -> str:
    """A cell as text. A spreadsheet holds a code typed as digits as a number (40003000001.0):
    it is read back as the digits that were typed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CellError(_("Jābūt „yes” vai „no”."))


def date(value: Any) -> dt.date | None:
    """A date cell, or a date written GGGG-MM-DD or DD.MM.GGGG; empty is None."""
    if value is None or text(value) == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_day(text(value))
    except ValueError:
        raise CellError(_("Datumam jābūt formā GGGG-MM-DD vai DD.MM.GGGG.")) from None


def money(value: Any) -> Decimal | None:
    if value is None or text(value) == "":
        return None
    # A spreadsheet may hand over a number cell as a float: its shortest repr is what the user
    # typed (12.5), which parse_money then reads exactly; no arithmetic happens in float.
    written = repr(value) if isinstance(value, float) else text(value)
    try:
        return parse_money(written).quantize(CENT)
    except ValueError:
        raise CellError(
            _("Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata.")
        ) from None


def integer(value: Any) -> int | None:
    errors: dict[str, list[str]] = {}
    number = int_field(
        text(value),
        "value",
        errors,
        low=-_ANY_INT,
        high=_ANY_INT,
        message=str(_("Jābūt veselam skaitlim.")),
    )
    if errors:
        raise CellError(errors["value"][0])
    return number


def cell(
    record: Mapping[str, Any], column: str, parse: Callable[[Any], T], errors: dict[str, str]
) -> T | None:
    """The column's cell read by `parse`; None (and the message in `errors`) if it cannot be."""
    try:
        return parse(record.get(column))
    except CellError as exc:
        errors[column] = exc.message
        return None


def present(header: list[str], columns: Iterable[str]) -> list[str]:
    """The columns the file has: a column left out keeps what the record holds."""
    return [c for c in columns if c in header]


class Lookups:
    """Cached look-ups of the things import rows refer to by code (municipality, service type,
    provider); each raises CellError with a Latvian message for an unknown code.

    One instance serves one import: share it across the rows passed to `import_row`.
    """

    def __init__(self) -> None:
        self.municipalities = {m.code: m for m in Municipality.objects.all()}

    def municipality(self, value: Any, *, required: bool = True) -> Municipality | None:
        code = text(value)
        if not code:
            if required:
                raise CellError(_("Norādiet pašvaldības kodu."))
            return None
        try:
            return self.municipalities[code]
        except KeyError:
            raise CellError(_("Nezināma pašvaldība „%(code)s”.") % {"code": code}) from None

    def optional_municipality(self, value: Any) -> Municipality | None:
        return self.municipality(value, required=False)

    def service_type(self, value: Any) -> ServiceType:
        code = text(value)
        found = ServiceType.objects.filter(code=code).first()
        if found is None:
            raise CellError(_("Nezināms pakalpojuma kods „%(code)s”.") % {"code": code})
        return found

    def provider(self, record: Mapping[str, Any]) -> Provider:
        municipality = self.municipality(record.get("provider_municipality"))
        number = text(record.get("provider_registration_number"))
        found = Provider.objects.filter(
            municipality=municipality, registration_number=number
        ).first()
        if found is None:
            raise CellError(
                _("Nezināms sniedzējs „%(number)s” (%(municipality)s).")
                % {"number": number, "municipality": municipality}
            )
        return found


def outcome(before: Any, after: Any) -> str:
    """ "updated" if the service saved the record, else "unchanged"."""
    return "updated" if after.updated_at != before.updated_at else "unchanged"
