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

from atbalsts.core.tabular import XLSX_TYPE

from .cells import CellError, Lookups
from .export import can_export_register, export_csv, export_xlsx
from .importing import catalog_import, import_row
from .reading import Sheet, read_file
from .tables import (
    DATASETS,
    MAX_BYTES,
    MAX_ROWS,
    REQUIRED,
    TABLES,
    ImportRejected,
    ImportResult,
    RowError,
)

__all__ = [
    "DATASETS",
    "MAX_BYTES",
    "MAX_ROWS",
    "REQUIRED",
    "TABLES",
    "XLSX_TYPE",
    "CellError",
    "ImportRejected",
    "ImportResult",
    "Lookups",
    "RowError",
    "Sheet",
    "can_export_register",
    "catalog_import",
    "export_csv",
    "export_xlsx",
    "import_row",
    "read_file",
]
