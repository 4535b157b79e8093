"""The tables of a catalogue file, its two datasets, and what an import reports back."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from atbalsts.core.errors import DomainError

from ..services.rules import PRICE_FIELDS, PROVIDER_FIELDS

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000

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
    "municipal_prices": ("municipality", *PRICE_FIELDS),
    # a provider is found by its municipality and number, so those two lead
    "providers": (
        "municipality",
        "registration_number",
        *(name for name in PROVIDER_FIELDS if name != "registration_number"),
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
