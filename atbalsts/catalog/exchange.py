"""Import and export of the catalogue and the provider register as XLSX and CSV.

Two datasets, each a set of tables (XLSX sheets, or one CSV file per table):
- "catalogue": service_types, municipal_prices;
- "register": providers, registrations, locations, tariffs.

Rows are matched on their natural keys (service type code; municipality + service + start
date; municipality + registration number; …): a new key is created, a known one is updated
through the same services as the forms, so every rule applies and every change is audited.
Nothing is ever deleted by an import. If any row is invalid, nothing is written and the
report lists sheet, row, field and message for every problem.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from atbalsts.core.audit import AuditEventType, audit_record
from atbalsts.core.errors import DomainError, NotPermitted, ValidationFailed
from atbalsts.core.money import CENT, parse_money
from atbalsts.core.policies import Action
from atbalsts.people.models import Municipality

from . import services
from .identifiers import InvalidRegistrationNumber, normalise_registration_number
from .models import (
    MunicipalPrice,
    Provider,
    ProviderLocation,
    ProviderRegistration,
    ServiceType,
    Tariff,
)
from .policies import municipal_price_policy, provider_policy, service_type_policy

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_TRUE = {"yes", "jā", "ja", "true", "1", "x", "y"}
_FALSE = {"no", "nē", "ne", "false", "0", ""}


# --- the tables --------------------------------------------------------------------------------

TABLES: dict[str, tuple[str, ...]] = {
    "service_types": (
        "code",
        "name_lv",
        "name_en",
        "category",
        "unit",
        "remote_allowed",
        "target_groups",
        "ib_fundable",
        "confidential",
        "registration_required",
        "default_session_minutes",
        "default_unit_price",
        "di_unit_cost",
        "price_note",
        "retired_at",
    ),
    "municipal_prices": (
        "municipality",
        "service_type",
        "unit_price",
        "di_unit_cost",
        "valid_from",
        "valid_to",
    ),
    "providers": (
        "municipality",
        "registration_number",
        "kind",
        "name",
        "contact_person",
        "phone",
        "email",
        "address",
        "seat_municipality",
        "iban",
        "active",
        "notes",
    ),
    "registrations": (
        "provider_municipality",
        "provider_registration_number",
        "register",
        "number",
        "service_types",
        "valid_from",
        "valid_to",
        "verified_on",
    ),
    "locations": (
        "provider_municipality",
        "provider_registration_number",
        "kind",
        "municipality",
        "address",
        "active",
    ),
    "tariffs": (
        "provider_municipality",
        "provider_registration_number",
        "service_type",
        "location_kind",
        "location_municipality",
        "location_address",
        "unit_price",
        "session_minutes",
        "remote_allowed",
        "valid_from",
        "valid_to",
    ),
}
# Columns a file must have; the others may be left out (then they keep their default).
REQUIRED: dict[str, tuple[str, ...]] = {
    "service_types": ("code", "name_lv", "category", "unit"),
    "municipal_prices": ("municipality", "service_type", "valid_from"),
    "providers": ("municipality", "registration_number", "kind", "name"),
    "registrations": (
        "provider_municipality",
        "provider_registration_number",
        "register",
        "number",
        "service_types",
        "valid_from",
    ),
    "locations": ("provider_municipality", "provider_registration_number", "kind"),
    "tariffs": (
        "provider_municipality",
        "provider_registration_number",
        "service_type",
        "unit_price",
        "valid_from",
    ),
}
DATASETS: dict[str, tuple[str, ...]] = {
    "catalogue": ("service_types", "municipal_prices"),
    "register": ("providers", "registrations", "locations", "tariffs"),
}


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    field: str
    message: str


class ImportRejected(DomainError):
    """The file could not be imported; `rows` says where and why. Nothing was written."""

    code = "import_rejected"
    default_message = _("Imports neizdevās: nekas netika saglabāts. Izlabojiet kļūdas failā.")

    def __init__(self, rows: list[RowError]) -> None:
        self.rows = rows
        super().__init__()

    @property
    def field_errors(self) -> dict[str, list[str]]:
        return {
            "file": [
                str(_("%(sheet)s, %(row)s. rinda, lauks „%(field)s”: %(message)s"))
                % {"sheet": e.sheet, "row": e.row, "field": e.field, "message": e.message}
                for e in self.rows
            ]
        }


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, sheet: str, outcome: str) -> None:
        bucket = getattr(self, outcome)
        bucket[sheet] = bucket.get(sheet, 0) + 1


# --- export ------------------------------------------------------------------------------------


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _text(value: Any) -> Any:
    return "" if value is None else value


def _provider_key(provider: Provider) -> list[Any]:
    return [provider.municipality.code, provider.registration_number]


def _rows(user: Any, table: str) -> Iterator[list[Any]]:
    if table == "service_types":
        for st in service_type_policy.visible(user, ServiceType.objects.order_by("code")):
            yield [
                st.code, st.name_lv, st.name_en, st.category, st.unit, _yes(st.remote_allowed),
                ";".join(st.target_groups), _yes(st.ib_fundable), _yes(st.confidential),
                _yes(st.registration_required), _text(st.default_session_minutes),
                _text(st.default_unit_price), _text(st.di_unit_cost), st.price_note,
                _text(st.retired_at),
            ]  # fmt: skip
    elif table == "municipal_prices":
        prices = municipal_price_policy.visible(
            user, MunicipalPrice.objects.select_related("municipality", "service_type")
        ).order_by("municipality__code", "service_type__code", "valid_from")
        for p in prices:
            yield [
                p.municipality.code, p.service_type.code, _text(p.unit_price),
                _text(p.di_unit_cost), p.valid_from, _text(p.valid_to),
            ]  # fmt: skip
    elif table == "providers":
        for pr in _writable_providers(user).select_related("seat_municipality"):
            yield [
                *_provider_key(pr), pr.kind, pr.name, pr.contact_person, pr.phone, pr.email,
                pr.address, pr.seat_municipality.code if pr.seat_municipality else "", pr.iban,
                _yes(pr.active), pr.notes,
            ]  # fmt: skip
    elif table == "registrations":
        regs = (
            ProviderRegistration.objects.filter(provider__in=_writable_providers(user))
            .select_related("provider__municipality")
            .prefetch_related("service_types")
            .order_by("provider__municipality__code", "provider__registration_number", "number")
        )
        for r in regs:
            codes = ";".join(sorted(st.code for st in r.service_types.all()))
            yield [
                *_provider_key(r.provider), r.register, r.number, codes, r.valid_from,
                _text(r.valid_to), _text(r.verified_on),
            ]  # fmt: skip
    elif table == "locations":
        for loc in _locations(user):
            yield [
                *_provider_key(loc.provider), loc.kind,
                loc.municipality.code if loc.municipality else "", loc.address, _yes(loc.active),
            ]  # fmt: skip
    elif table == "tariffs":
        tariffs = (
            Tariff.objects.filter(provider__in=_writable_providers(user))
            .select_related("provider__municipality", "service_type", "location__municipality")
            .order_by(
                "provider__municipality__code",
                "provider__registration_number",
                "service_type__code",
                "location_id",
                "valid_from",
            )
        )
        for t in tariffs:
            place = t.location
            yield [
                *_provider_key(t.provider), t.service_type.code, place.kind if place else "",
                place.municipality.code if place and place.municipality else "",
                place.address if place else "", t.unit_price, _text(t.session_minutes),
                _yes(t.remote_allowed), t.valid_from, _text(t.valid_to),
            ]  # fmt: skip


def _writable_providers(user: Any) -> QuerySet[Provider]:
    """The register is exported for those who keep it: a head, their municipality's part."""
    return provider_policy.changeable(
        user, Provider.objects.select_related("municipality")
    ).order_by("municipality__code", "registration_number")


def _locations(user: Any) -> QuerySet[ProviderLocation]:
    return (
        ProviderLocation.objects.filter(provider__in=_writable_providers(user))
        .select_related("provider__municipality", "municipality")
        .order_by("provider__municipality__code", "provider__registration_number", "kind", "id")
    )


def export_xlsx(*, actor: Any, dataset: str) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in DATASETS[dataset]:
        sheet = workbook.create_sheet(table)
        sheet.append(list(TABLES[table]))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in _rows(actor, table):
            sheet.append([str(v) if isinstance(v, Decimal) else v for v in row])
    out = io.BytesIO()
    workbook.save(out)
    _audit_export(actor, dataset, "xlsx")
    return out.getvalue()


def export_csv(*, actor: Any, table: str) -> bytes:
    """One table as CSV in UTF-8 with a BOM, so that Excel shows Latvian letters right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TABLES[table])
    for row in _rows(actor, table):
        writer.writerow([v.isoformat() if isinstance(v, dt.date) else _text(v) for v in row])
    _audit_export(actor, table, "csv")
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _audit_export(actor: Any, what: str, fmt: str) -> None:
    audit_record(
        actor=actor,
        event_type=AuditEventType.CATALOG_EXPORTED,
        subject_type="catalog.export",
        municipality_id=getattr(actor, "municipality_id", None),
        extra_data={"what": what, "format": fmt},
    )


def can_export_register(user: Any) -> bool:
    return provider_policy.can(user, Action.CREATE, getattr(user, "municipality", None))


# --- reading files -----------------------------------------------------------------------------

Sheet = tuple[str, list[str], list[tuple[int, dict[str, Any]]]]


def read_file(*, name: str, content: bytes, dataset: str) -> list[Sheet]:
    """The tables in an uploaded file: (table, header, [(row number, {column: value})])."""
    if len(content) > MAX_BYTES:
        raise ImportRejected([RowError(name, 0, "file", str(_("Fails ir lielāks par 10 MB.")))])
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        return _read_xlsx(name, content, dataset)
    if lowered.endswith(".csv") or lowered.endswith(".txt"):
        return [_read_csv(name, content, dataset)]
    raise ImportRejected([RowError(name, 0, "file", str(_("Atbalstītie formāti: .xlsx un .csv.")))])


def _read_xlsx(name: str, content: bytes, dataset: str) -> list[Sheet]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportRejected(
            [RowError(name, 0, "file", str(_("Fails nav derīgs XLSX fails.")))]
        ) from exc
    sheets = []
    for table in DATASETS[dataset]:
        if table not in workbook.sheetnames:
            continue
        rows = workbook[table].iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
        sheets.append((table, header, _records(header, rows)))
    if not sheets:
        raise ImportRejected(
            [
                RowError(
                    name,
                    0,
                    "file",
                    str(_("Failā nav neviena no lapām: %(sheets)s."))
                    % {"sheets": ", ".join(DATASETS[dataset])},
                )
            ]
        )
    return sheets


def _records(header: list[str], rows: Iterable[Iterable[Any]]) -> list[tuple[int, dict[str, Any]]]:
    records: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows, start=2):
        cells = list(values)
        if all(v is None or str(v).strip() == "" for v in cells):
            continue
        if len(records) >= MAX_ROWS:
            break
        records.append(
            (number, {h: cells[i] if i < len(cells) else None for i, h in enumerate(header)})
        )
    return records


def _read_csv(name: str, content: bytes, dataset: str) -> Sheet:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRejected([RowError(name, 0, "file", str(_WRONG_ENCODING))])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([RowError(name, 0, "file", str(_WRONG_ENCODING))]) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    table = _guess_table(name, header, dataset)
    return table, header, _records(header, reader)


_WRONG_ENCODING = _(
    "Fails nav UTF-8 kodējumā (iespējams, Windows-1257 vai UTF-16). Excel: „Saglabāt kā” → "
    "„CSV UTF-8 (atdalīts ar komatiem)”."
)


def _guess_table(name: str, header: list[str], dataset: str) -> str:
    """A CSV holds one table: the one whose required columns it has."""
    candidates = DATASETS[dataset]
    complete = [t for t in candidates if set(REQUIRED[t]) <= set(header)]
    if complete:
        # the table whose columns the header covers best
        return max(complete, key=lambda t: len(set(TABLES[t]) & set(header)))
    nearest = max(candidates, key=lambda t: len(set(TABLES[t]) & set(header)))
    missing = [c for c in REQUIRED[nearest] if c not in header]
    raise ImportRejected(
        [
            RowError(
                name,
                1,
                column,
                str(_("Trūkst kolonnas „%(column)s” (tabula %(table)s)."))
                % {"column": column, "table": nearest},
            )
            for column in missing
        ]
    )


# --- parsing cells ----------------------------------------------------------------------------


class CellError(Exception):
    def __init__(self, message: Any) -> None:
        self.message = str(message)
        super().__init__(self.message)


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _str(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_("Jābūt „yes” vai „no”."))


def _date(value: Any) -> dt.date | None:
    if value is None or _str(value) == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _str(value)
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise CellError(_("Datumam jābūt formā GGGG-MM-DD vai DD.MM.GGGG."))


def _money(value: Any) -> Decimal | None:
    if value is None or _str(value) == "":
        return None
    # A spreadsheet may hand over a number cell as a float: its shortest repr is what the user
    # typed (12.5), which parse_money then reads exactly; no arithmetic happens in float.
    text = repr(value) if isinstance(value, float) else _str(value)
    try:
        return parse_money(text).quantize(CENT)
    except ValueError:
        raise CellError(
            _("Summai jābūt skaitlim ar ne vairāk kā diviem cipariem aiz komata.")
        ) from None


def _int(value: Any) -> int | None:
    text = _str(value)
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise CellError(_("Jābūt veselam skaitlim.")) from None


class Lookups:
    """Cached look-ups of the things import rows refer to by code (municipality, service type,
    provider); each raises CellError with a Latvian message for an unknown code.

    One instance serves one import: share it across the rows passed to `import_row`.
    """

    def __init__(self) -> None:
        self.municipalities = {m.code: m for m in Municipality.objects.all()}

    def municipality(self, value: Any, *, required: bool = True) -> Municipality | None:
        code = _str(value)
        if not code:
            if required:
                raise CellError(_("Norādiet pašvaldības kodu."))
            return None
        try:
            return self.municipalities[code]
        except KeyError:
            raise CellError(_("Nezināma pašvaldība „%(code)s”.") % {"code": code}) from None

    def service_type(self, value: Any) -> ServiceType:
        code = _str(value)
        found = ServiceType.objects.filter(code=code).first()
        if found is None:
            raise CellError(_("Nezināms pakalpojuma kods „%(code)s”.") % {"code": code})
        return found

    def provider(self, record: Mapping[str, Any]) -> Provider:
        municipality = self.municipality(record.get("provider_municipality"))
        number = _str(record.get("provider_registration_number"))
        found = Provider.objects.filter(
            municipality=municipality, registration_number=number
        ).first()
        if found is None:
            raise CellError(
                _("Nezināms sniedzējs „%(number)s” (%(municipality)s).")
                % {"number": number, "municipality": municipality}
            )
        return found


# --- importing ---------------------------------------------------------------------------------


def _cell(
    record: Mapping[str, Any], column: str, parse: Callable[[Any], Any], errors: dict[str, str]
) -> Any:
    try:
        return parse(record.get(column))
    except CellError as exc:
        errors[column] = exc.message
        return None


def _present(header: list[str], columns: Iterable[str]) -> list[str]:
    return [c for c in columns if c in header]


def _import_service_type(
    actor: Any, record: dict[str, Any], lookups: Lookups, header: list[str]
) -> str:
    errors: dict[str, str] = {}
    parsers: dict[str, Callable[[Any], Any]] = {
        "code": _str, "name_lv": _str, "name_en": _str, "category": _str, "unit": _str,
        "remote_allowed": _bool, "ib_fundable": _bool, "confidential": _bool,
        "registration_required": _bool, "default_session_minutes": _int,
        "default_unit_price": _money, "di_unit_cost": _money, "price_note": _str,
    }  # fmt: skip
    data = {c: _cell(record, c, parsers[c], errors) for c in _present(header, parsers)}
    if "target_groups" in header:
        groups = {g.strip() for g in _str(record.get("target_groups")).split(";") if g.strip()}
        unknown = groups - {"adult_grt", "child_ft"}
        if unknown:
            errors["target_groups"] = str(
                _("Nezināma mērķa grupa „%(value)s”; atļautās: adult_grt, child_ft.")
                % {"value": ", ".join(sorted(unknown))}
            )
        data["for_adult_grt"] = "adult_grt" in groups
        data["for_child_ft"] = "child_ft" in groups
    retired_at = _cell(record, "retired_at", _date, errors) if "retired_at" in header else None
    if errors:
        raise _RowFailed(errors)
    existing = ServiceType.objects.filter(code=data.get("code")).first()
    outcome = "created" if existing is None else "unchanged"
    if existing is None:
        existing = services.service_type_create(actor=actor, data=data)
    else:
        before = existing.updated_at
        existing = services.service_type_update(actor=actor, service_type=existing, data=data)
        if existing.updated_at != before:
            outcome = "updated"
    if "retired_at" in header and existing.retired_at != retired_at:
        services.service_type_retire(actor=actor, service_type=existing, retired_at=retired_at)
        outcome = "updated" if outcome == "unchanged" else outcome
    return outcome


def _import_price(actor: Any, record: dict[str, Any], lookups: Lookups, header: list[str]) -> str:
    errors: dict[str, str] = {}
    municipality = _cell(record, "municipality", lookups.municipality, errors)
    service_type = _cell(record, "service_type", lookups.service_type, errors)
    data = {
        "service_type": service_type,
        "unit_price": _cell(record, "unit_price", _money, errors),
        "di_unit_cost": _cell(record, "di_unit_cost", _money, errors),
        "valid_from": _cell(record, "valid_from", _date, errors),
        "valid_to": _cell(record, "valid_to", _date, errors),
    }
    if errors:
        raise _RowFailed(errors)
    existing = MunicipalPrice.objects.filter(
        municipality=municipality, service_type=service_type, valid_from=data["valid_from"]
    ).first()
    if existing is None:
        services.municipal_price_create(actor=actor, municipality=municipality, data=data)
        return "created"
    return _updated(
        existing, services.municipal_price_update(actor=actor, price=existing, data=data)
    )


def _updated(before: Any, after: Any) -> str:
    return "updated" if after.updated_at != before.updated_at else "unchanged"


def _import_provider(
    actor: Any, record: dict[str, Any], lookups: Lookups, header: list[str]
) -> str:
    errors: dict[str, str] = {}
    municipality = _cell(record, "municipality", lookups.municipality, errors)
    parsers: dict[str, Callable[[Any], Any]] = {
        "kind": _str, "name": _str, "registration_number": _str, "contact_person": _str,
        "phone": _str, "email": _str, "address": _str, "iban": _str, "active": _bool,
        "notes": _str,
        "seat_municipality": lambda v: lookups.municipality(v, required=False),
    }  # fmt: skip
    data = {c: _cell(record, c, parsers[c], errors) for c in _present(header, parsers)}
    if errors:
        raise _RowFailed(errors)
    existing = None
    if data.get("registration_number"):
        try:
            number = normalise_registration_number(
                data.get("kind", ""), data["registration_number"]
            )
        except InvalidRegistrationNumber:
            number = data["registration_number"]
        existing = Provider.objects.filter(
            municipality=municipality, registration_number=number
        ).first()
    if existing is None:
        services.provider_create(actor=actor, municipality=municipality, data=data)
        return "created"
    return _updated(existing, services.provider_update(actor=actor, provider=existing, data=data))


def _import_registration(
    actor: Any, record: dict[str, Any], lookups: Lookups, header: list[str]
) -> str:
    errors: dict[str, str] = {}
    provider = _cell(
        record, "provider_registration_number", lambda _v: lookups.provider(record), errors
    )
    codes = [c.strip() for c in _str(record.get("service_types")).split(";") if c.strip()]
    found = {st.code: st for st in ServiceType.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors["service_types"] = str(
            _("Nezināms pakalpojuma kods „%(code)s”.") % {"code": ", ".join(unknown)}
        )
    data = {
        "register": _str(record.get("register")),
        "number": _str(record.get("number")),
        "valid_from": _cell(record, "valid_from", _date, errors),
        "valid_to": _cell(record, "valid_to", _date, errors),
        "service_types": [found[c] for c in codes if c in found],
    }
    if "verified_on" in header:
        data["verified_on"] = _cell(record, "verified_on", _date, errors)
    if errors:
        raise _RowFailed(errors)
    existing = ProviderRegistration.objects.filter(
        provider=provider, register=data["register"], number=data["number"]
    ).first()
    if existing is None:
        services.registration_create(actor=actor, provider=provider, data=data)
        return "created"
    before = services._registration_values(existing)
    updated = services.registration_update(actor=actor, registration=existing, data=data)
    return "unchanged" if services._registration_values(updated) == before else "updated"


def _location_of(
    provider: Provider, kind: str, municipality: Municipality | None, address: str
) -> ProviderLocation | None:
    if kind == "remote":
        municipality, address = None, ""
    return ProviderLocation.objects.filter(
        provider=provider, kind=kind, municipality=municipality, address=address
    ).first()


def _import_location(
    actor: Any, record: dict[str, Any], lookups: Lookups, header: list[str]
) -> str:
    errors: dict[str, str] = {}
    provider = _cell(
        record, "provider_registration_number", lambda _v: lookups.provider(record), errors
    )
    data: dict[str, Any] = {
        "kind": _str(record.get("kind")),
        "municipality": _cell(
            record, "municipality", lambda v: lookups.municipality(v, required=False), errors
        ),
        "address": _str(record.get("address")),
    }
    if "active" in header:
        data["active"] = _cell(record, "active", _bool, errors)
    if errors:
        raise _RowFailed(errors)
    existing = _location_of(provider, data["kind"], data["municipality"], data["address"])
    if existing is None:
        services.location_create(actor=actor, provider=provider, data=data)
        return "created"
    return _updated(existing, services.location_update(actor=actor, location=existing, data=data))


def _import_tariff(actor: Any, record: dict[str, Any], lookups: Lookups, header: list[str]) -> str:
    errors: dict[str, str] = {}
    provider = _cell(
        record, "provider_registration_number", lambda _v: lookups.provider(record), errors
    )
    service_type = _cell(record, "service_type", lookups.service_type, errors)
    location = None
    kind = _str(record.get("location_kind"))
    if kind and provider is not None:
        place = _cell(
            record,
            "location_municipality",
            lambda v: lookups.municipality(v, required=False),
            errors,
        )
        location = _location_of(provider, kind, place, _str(record.get("location_address")))
        if location is None and "location_municipality" not in errors:
            errors["location_kind"] = str(
                _("Sniedzējam nav šādas vietas; pievienojiet to lapā „locations”.")
            )
    data: dict[str, Any] = {
        "service_type": service_type,
        "location": location,
        "unit_price": _cell(record, "unit_price", _money, errors),
        "valid_from": _cell(record, "valid_from", _date, errors),
        "valid_to": _cell(record, "valid_to", _date, errors),
    }
    if "session_minutes" in header:
        data["session_minutes"] = _cell(record, "session_minutes", _int, errors)
    if "remote_allowed" in header:
        data["remote_allowed"] = _cell(record, "remote_allowed", _bool, errors)
    if errors:
        raise _RowFailed(errors)
    existing = Tariff.objects.filter(
        provider=provider,
        service_type=service_type,
        location=location,
        valid_from=data["valid_from"],
    ).first()
    if existing is None:
        services.tariff_create(actor=actor, provider=provider, data=data)
        return "created"
    return _updated(existing, services.tariff_update(actor=actor, tariff=existing, data=data))


class _RowFailed(Exception):
    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(str(self.errors))


_HANDLERS: dict[str, Callable[[Any, dict[str, Any], Lookups, list[str]], str]] = {
    "service_types": _import_service_type,
    "municipal_prices": _import_price,
    "providers": _import_provider,
    "registrations": _import_registration,
    "locations": _import_location,
    "tariffs": _import_tariff,
}
# Service fields whose errors belong to another column of the file.
_COLUMN_OF = {
    "for_adult_grt": "target_groups",
    "for_child_ft": "target_groups",
    "location": "location_kind",
}


def _column(table: str, field_name: str | None) -> str:
    name = _COLUMN_OF.get(field_name or "", field_name or "")
    return name if name in TABLES[table] else (name or "—")


def catalog_import(*, actor: Any, name: str, content: bytes, dataset: str) -> ImportResult:
    """Import a file into the catalogue ("catalogue") or the provider register ("register").

    Raises ImportRejected listing every bad row; then nothing at all has been written.
    """
    if dataset not in DATASETS:
        raise ValidationFailed({"dataset": [_("Nezināma datu kopa.")]})
    sheets = read_file(name=name, content=content, dataset=dataset)
    problems: list[RowError] = []
    for table, header, __ in sheets:
        problems += [
            RowError(table, 1, column, str(_("Trūkst kolonnas „%(column)s”.") % {"column": column}))
            for column in REQUIRED[table]
            if column not in header
        ]
    if problems:
        raise ImportRejected(problems)
    result = ImportResult()
    lookups = Lookups()
    with transaction.atomic():
        for table, header, records in sheets:
            for number, record in records:
                problems += import_row(actor, table, header, number, record, lookups, result)
        if problems:
            raise ImportRejected(problems)  # rolls back every row written above
        audit_record(
            actor=actor,
            event_type=AuditEventType.CATALOG_IMPORTED,
            subject_type="catalog.import",
            municipality_id=getattr(actor, "municipality_id", None),
            extra_data={
                "file": name[:200],
                "dataset": dataset,
                "created": result.created,
                "updated": result.updated,
            },
        )
    return result


def import_row(
    actor: Any,
    table: str,
    header: list[str],
    number: int,
    record: dict[str, Any],
    lookups: Lookups,
    result: ImportResult,
) -> list[RowError]:
    """Import one row of a catalogue `table` (a key of TABLES) in its own savepoint.

    `number` is the row's number in the file, `header` the columns the file has. A row the
    rules refuse is rolled back to its savepoint and comes back as RowErrors naming the file
    column; a written row is counted in `result` and the list is empty. The caller runs all
    rows in one transaction and rolls it back if any row failed.
    """
    try:
        with transaction.atomic():
            outcome = _HANDLERS[table](actor, record, lookups, header)
    except _RowFailed as exc:
        return [RowError(table, number, f, m) for f, m in exc.errors.items()]
    except NotPermitted as exc:
        return [RowError(table, number, _column(table, "municipality"), str(exc.message))]
    except ValidationFailed as exc:
        return [
            RowError(table, number, _column(table, f), m)
            for f, messages in exc.errors.items()
            for m in messages
        ]
    except DomainError as exc:
        return [RowError(table, number, _column(table, exc.field), str(exc.message))]
    result.count(table, outcome)
    return []
