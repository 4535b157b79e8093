"""Checks before anything is written: headers, cells, keys and references across sheets."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from atbalsts.catalog.models import Provider, ServiceType
from atbalsts.people.models import Client, Municipality
from atbalsts.people.personal_code import InvalidPersonalCode, parse_personal_code

from ..errors import RowError
from ..format import CLIENT_KEY, SHEETS, CellError
from ..reader import Sheet
from .catalog import CATALOG_SHEETS
from .rows import Row

# The sheets whose rows belong to a client named by its personal code.
CLIENT_SHEETS = tuple(
    name for name, columns in SHEETS.items() if any(c.name == CLIENT_KEY.name for c in columns)
)


def check_header(sheet: Sheet) -> list[RowError]:
    columns = SHEETS[sheet.name]
    known = {c.name for c in columns}
    problems = [
        RowError(sheet.name, 1, c.name, str(_("Trūkst obligātās kolonnas.")))
        for c in columns
        if c.required and c.name not in sheet.header
    ]
    problems += [
        RowError(sheet.name, 1, name, str(_("Nezināma kolonna.")))
        for name in sheet.header
        if name and name not in known
    ]
    return problems


def parse_row(sheet: Sheet, number: int, raw: dict[str, Any]) -> tuple[Row, list[RowError]]:
    values: dict[str, Any] = {}
    problems: list[RowError] = []
    for column in SHEETS[sheet.name]:
        if column.name not in sheet.header:
            continue
        try:
            value = column.parse(raw.get(column.name))
        except CellError as exc:
            problems.append(RowError(sheet.name, number, column.name, exc.message))
            continue
        if column.required and value in (None, "", []):
            problems.append(RowError(sheet.name, number, column.name, str(_("Obligāts lauks."))))
            continue
        values[column.name] = value
    return Row(sheet.name, number, raw, values), problems


def person_code(value: str) -> str:
    try:
        return parse_personal_code(value).value
    except InvalidPersonalCode as exc:
        raise CellError(exc.message) from None


class Index:
    """What the rows refer to: the bundle's own rows and what the database already holds."""

    def __init__(self, municipality: Municipality, rows: dict[str, list[Row]]) -> None:
        self.municipality = municipality
        self.providers = {r.values.get("registration_number") for r in rows.get("providers", [])}
        # filled by check_references once the personal codes are normalised
        self.clients: set[Any] = set()
        self.plans: set[tuple[Any, ...]] = set()
        self.goals: set[tuple[Any, ...]] = set()
        # what the system holds, asked once per code or number (`has_client`, `has_provider`)
        self._stored_clients: dict[str, bool] = {}
        self._stored_providers: dict[str, bool] = {}
        # A service is named by its catalogue code or its Latvian name (as spreadsheets do).
        self.service_codes: dict[str, str] = {}
        for code, name in ServiceType.objects.values_list("code", "name_lv"):
            self.service_codes[code] = code
            self.service_codes.setdefault(_name_key(name), code)

    def service_code(self, value: str) -> str | None:
        """The catalogue code a cell names, by its code or its Latvian name; None if neither."""
        return self.service_codes.get(value) or self.service_codes.get(_name_key(value))

    def has_client(self, code: str) -> bool:
        """In the bundle or the system; the system asked once per code, not once per row."""
        if code in self.clients:
            return True
        if code not in self._stored_clients:
            self._stored_clients[code] = Client.objects.filter(
                municipality=self.municipality, personal_code=code
            ).exists()
        return self._stored_clients[code]

    def has_provider(self, number: str) -> bool:
        if number in self.providers:
            return True
        if number not in self._stored_providers:
            self._stored_providers[number] = Provider.objects.filter(
                registration_number=number
            ).exists()
        return self._stored_providers[number]


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _service_codes(rows: dict[str, list[Row]], index: Index) -> None:
    """Catalogue sheets are read by the catalogue exchange from the raw cells: a service named
    by its Latvian name there becomes its code before the exchange reads it."""
    for row in rows.get("tariffs", []):
        raw = row.raw.get("service_type")
        code = index.service_code(str(raw or ""))
        if raw and code:
            row.raw["service_type"] = row.values["service_type"] = code
    for row in rows.get("registrations", []):
        raw = row.raw.get("service_types")
        if raw:
            parts = [p.strip() for p in str(raw).split(";") if p.strip()]
            codes = ";".join(index.service_code(p) or p for p in parts)
            row.raw["service_types"] = row.values["service_types"] = codes


def check_references(rows: dict[str, list[Row]], index: Index) -> list[RowError]:
    """Keys and references across sheets, reported before anything is written."""
    problems: list[RowError] = []

    def bad(row: Row, column: str, message: Any) -> None:
        problems.append(RowError(row.sheet, row.number, column, str(message)))

    _service_codes(rows, index)

    for row in rows.get("clients", []):
        if "personal_code" in row.values:
            try:
                row.values["personal_code"] = person_code(row.values["personal_code"])
            except CellError as exc:
                bad(row, "personal_code", exc.message)
        code = row.values.get("municipality")
        if code and code != index.municipality.code:
            if not Municipality.objects.filter(code=code).exists():
                bad(row, "municipality", _("Nezināma pašvaldība „%(code)s”.") % {"code": code})
            else:
                bad(
                    row,
                    "municipality",
                    _("Šajā importā var ievest tikai pašvaldības „%(name)s” klientus.")
                    % {"name": index.municipality.name},
                )
    index.clients = {r.values.get("personal_code") for r in rows.get("clients", [])}
    for sheet in CATALOG_SHEETS:
        for row in rows.get(sheet, []):
            for column in ("municipality", "provider_municipality", "seat_municipality"):
                code = row.values.get(column)
                if code and not Municipality.objects.filter(code=code).exists():
                    bad(row, column, _("Nezināma pašvaldība „%(code)s”.") % {"code": code})
    for sheet in CLIENT_SHEETS:
        for row in rows.get(sheet, []):
            raw = row.values.get("client_personal_code")
            if not raw:
                continue
            try:
                code = person_code(raw)
            except CellError as exc:
                bad(row, "client_personal_code", exc.message)
                continue
            row.values["client_personal_code"] = code
            if not index.has_client(code):
                bad(
                    row,
                    "client_personal_code",
                    _("Nezināms klients %(code)s: tā nav ne lapā „clients”, ne sistēmā.")
                    % {"code": code},
                )
    index.plans = {
        (r.values.get("client_personal_code"), r.values.get("plan_ref"))
        for r in rows.get("plans", [])
    }
    index.goals = {
        (r.values.get("client_personal_code"), r.values.get("plan_ref"), r.values.get("goal_ref"))
        for r in rows.get("goals", [])
    }
    for sheet in ("goals", "plan_lines"):
        for row in rows.get(sheet, []):
            key = (row.values.get("client_personal_code"), row.values.get("plan_ref"))
            if all(key) and key not in index.plans:
                bad(
                    row,
                    "plan_ref",
                    _("Lapā „plans” nav šī klienta plāna „%(ref)s”.") % {"ref": key[1]},
                )
    for row in [
        *rows.get("plan_lines", []),
        *rows.get("sessions", []),
        *rows.get("invoices", []),
        *rows.get("invoice_lines", []),
    ]:
        number = row.values.get("provider_registration_number")
        if number and not index.has_provider(number):
            bad(
                row,
                "provider_registration_number",
                _("Nezināms sniedzējs „%(number)s”: tā nav ne lapā „providers”, ne sistēmā.")
                % {"number": number},
            )
        service = row.values.get("service_type")
        if service:
            code = index.service_code(service)
            if code is None:
                bad(
                    row,
                    "service_type",
                    _("Nezināms pakalpojuma kods „%(code)s”.") % {"code": service},
                )
            else:
                row.values["service_type"] = code
        goal = row.values.get("goal_ref")
        goal_key = (row.values.get("client_personal_code"), row.values.get("plan_ref"), goal)
        if (
            row.sheet == "plan_lines"
            and goal
            and goal_key[:2] in index.plans
            and goal_key not in index.goals
        ):
            bad(row, "goal_ref", _("Lapā „goals” nav šī plāna mērķa „%(ref)s”.") % {"ref": goal})
    invoices = {
        (r.values.get("provider_registration_number"), r.values.get("month"))
        for r in rows.get("invoices", [])
    }
    for row in rows.get("invoice_lines", []):
        key = (row.values.get("provider_registration_number"), row.values.get("month"))
        if all(key) and key not in invoices:
            bad(row, "month", _("Lapā „invoices” nav šī sniedzēja rēķina par šo mēnesi."))
    problems += _sheet_duplicates(rows)
    problems += duplicates(rows, "clients", ("personal_code",))
    problems += duplicates(
        rows,
        "sessions",
        (
            "provider_registration_number",
            "client_personal_code",
            "date",
            "service_type",
            "start_time",
        ),
    )
    problems += duplicates(rows, "invoices", ("provider_registration_number", "month"))
    problems += duplicates(rows, "plans", ("client_personal_code", "plan_ref"))
    problems += duplicates(rows, "goals", ("client_personal_code", "plan_ref", "goal_ref"))
    problems += duplicates(rows, "assessments", ("client_personal_code", "assessed_on"))
    problems += duplicates(rows, "budgets", ("client_personal_code", "start"))
    problems += duplicates(
        rows,
        "support_circle",
        ("client_personal_code", "last_name", "first_name"),
        optional=("last_name",),
    )
    return problems


def _sheet_duplicates(rows: dict[str, list[Row]]) -> list[RowError]:
    """The sheets whose keys the older checks below did not cover: a repeated key would let
    the last row silently win (two tariffs from the same day) or write a thing twice."""
    provider = ("provider_municipality", "provider_registration_number")
    client = ("client_personal_code",)
    location = ("location_kind", "location_municipality", "location_address")
    problems = duplicates(rows, "providers", ("municipality", "registration_number"))
    problems += duplicates(rows, "registrations", (*provider, "register", "number"))
    problems += duplicates(
        rows,
        "locations",
        (*provider, "kind", "municipality", "address"),
        optional=("municipality", "address"),
    )
    problems += duplicates(
        rows,
        "tariffs",
        (*provider, "service_type", *location, "valid_from"),
        optional=location,
    )
    problems += duplicates(
        rows,
        "representatives",
        (*client, "kind", "last_name", "first_name", "valid_from"),
    )
    problems += duplicates(rows, "consents", (*client, "purpose", "given_on"))
    problems += duplicates(
        rows,
        "plan_lines",
        (
            *client, "plan_ref", "provider_registration_number", "start", "funding_source",
            "recipient", "service_type",
        ),
        optional=("recipient",),
    )  # fmt: skip
    problems += duplicates(
        rows,
        "invoice_lines",
        (
            "provider_registration_number", "month", *client, "recipient", "unit_price",
            "service_type",
        ),
        optional=("recipient",),
    )  # fmt: skip
    return problems


def duplicates(
    rows: dict[str, list[Row]], sheet: str, key: tuple[str, ...], optional: tuple[str, ...] = ()
) -> list[RowError]:
    seen: dict[tuple[Any, ...], int] = {}
    problems = []
    for row in rows.get(sheet, []):
        values = tuple(row.values.get(k) for k in key)
        if not all(v for k, v in zip(key, values, strict=True) if k not in optional):
            continue
        if values in seen:
            problems.append(
                RowError(
                    sheet,
                    row.number,
                    key[-1],
                    str(_("Rinda atkārto %(row)s. rindas atslēgu.") % {"row": seen[values]}),
                )
            )
        else:
            seen[values] = row.number
    return problems
