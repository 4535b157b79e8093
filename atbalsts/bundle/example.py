"""The small example bundle of docs/examples/import-bundle/, and writers that turn sheets of
rows into the forms a bundle comes in: CSV files, one .zip of them, or one XLSX."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from atbalsts.core.tabular import SheetOut, write_csv, write_xlsx

Sheets = dict[str, list[list[Any]]]  # table → [header, row, row, …]

PROVIDER = "40003000017"

EXAMPLE: Sheets = {
    "providers": [
        ["municipality", "registration_number", "kind", "name", "contact_person", "phone",
         "email", "address", "iban", "active"],
        ["balvi", PROVIDER, "legal", "Biedrība „Ziemeļlatgales atbalsts”", "Inese Kalniņa",
         "+371 26000001", "info@example.lv", "Brīvības iela 1, Balvi", "LV87HABA0551012345678",
         "yes"],
    ],
    "registrations": [
        ["provider_municipality", "provider_registration_number", "register", "number",
         "service_types", "valid_from", "valid_to"],
        ["balvi", PROVIDER, "social_service_providers", "SPS-2019-0101",
         "support-person-for-decision-making;speech-therapy-session", "01.01.2019", ""],
    ],
    "locations": [
        ["provider_municipality", "provider_registration_number", "kind", "municipality",
         "address"],
        ["balvi", PROVIDER, "premises", "balvi", "Brīvības iela 1, Balvi"],
    ],
    "tariffs": [
        ["provider_municipality", "provider_registration_number", "service_type", "unit_price",
         "session_minutes", "valid_from", "valid_to"],
        ["balvi", PROVIDER, "support-person-for-decision-making", "12,50", "60", "01.01.2025",
         ""],
        ["balvi", PROVIDER, "speech-therapy-session", "25.00", "45", "2025-01-01", ""],
    ],
    "clients": [
        ["personal_code", "first_name", "last_name", "target_group", "start_date",
         "disability_group", "legal_capacity", "address", "phone"],
        ["140388-11237", "Jānis", "Ozols", "adult_grt", "01.01.2026", "II", "full",
         "Raiņa iela 5, Balvi", "+371 26000002"],
        ["020617-24563", "Līga", "Kalna", "child_ft", "01.01.2026", "child", "minor",
         "Ezera iela 3, Balvi", ""],
    ],
    "representatives": [
        ["client_personal_code", "kind", "first_name", "last_name", "personal_code",
         "valid_from", "authority", "phone"],
        ["020617-24563", "parent", "Ilze", "Kalna", "201186-17902", "02.06.2017",
         "vecāka aizgādība", "+371 26000003"],
    ],
    "plans": [
        ["client_personal_code", "plan_ref", "start", "end", "status", "signed_on",
         "sign_method", "signer", "notes"],
        ["140388-11237", "P-2026-1", "01.01.2026", "31.12.2026", "active", "15.12.2025",
         "paper", "", "Pārņemts no izklājlapas"],
        ["020617-24563", "P-2026-2", "01.01.2026", "30.06.2026", "active", "15.12.2025",
         "paper", "Ilze Kalna", ""],
    ],
    "goals": [
        ["client_personal_code", "plan_ref", "goal_ref", "term", "domain", "text",
         "decision_domain", "progress_measure"],
        ["140388-11237", "P-2026-1", "M1", "long", "employment", "Uzzināt savas darba iespējas",
         "daily_life", "Apmeklētas vismaz 3 darba vietas"],
        ["020617-24563", "P-2026-2", "M1", "short", "functioning", "Skaidrāk runāt", "",
         "Logopēda novērtējums"],
    ],
    "plan_lines": [
        ["client_personal_code", "plan_ref", "service_type", "provider_registration_number",
         "quantity", "start", "months", "funding_source", "goal_ref", "priority"],
        ["140388-11237", "P-2026-1", "support-person-for-decision-making", PROVIDER, "8",
         "01.01.2026", "12", "municipal", "M1", "1"],
        ["020617-24563", "P-2026-2", "speech-therapy-session", PROVIDER, "4", "01.01.2026", "6",
         "municipal", "M1", "1"],
    ],
    "sessions": [
        ["client_personal_code", "provider_registration_number", "service_type", "date",
         "start_time", "duration_minutes", "status", "mode", "signed_by", "unit_price"],
        ["140388-11237", PROVIDER, "support-person-for-decision-making", "06.01.2026", "10:00",
         "60", "held", "in_person", "client", "12,50"],
        ["140388-11237", PROVIDER, "support-person-for-decision-making", "13.01.2026", "10:00",
         "60", "held", "in_person", "client", "12,50"],
        ["020617-24563", PROVIDER, "speech-therapy-session", "2026-01-07", "15:00", "45",
         "held", "in_person", "representative", "25.00"],
        ["020617-24563", PROVIDER, "speech-therapy-session", "2026-01-14", "15:00", "45",
         "held", "in_person", "representative", "25.00"],
    ],
    "invoices": [
        ["provider_registration_number", "month", "number", "status", "submitted_on",
         "confirmed_on", "approved_by", "approved_on"],
        [PROVIDER, "01.2026", "ZA-2026/01", "approved", "05.02.2026", "09.02.2026",
         "Rita Skaitle", "11.02.2026"],
    ],
    "invoice_lines": [
        ["provider_registration_number", "month", "client_personal_code", "service_type",
         "quantity", "unit_price", "amount"],
        [PROVIDER, "01.2026", "140388-11237", "support-person-for-decision-making", "2",
         "12,50", "25,00"],
        [PROVIDER, "01.2026", "020617-24563", "speech-therapy-session", "2", "25.00", "50.00"],
    ],
}  # fmt: skip


def _history_example() -> Sheets:
    """The example as a pilot's history (docs/examples/import-bundle-history/): the adult's
    budget as it was granted, above what today's rule gives, with an overrun approved then;
    the adult's support person at a price agreed for him (above the tariff, approved by the
    head); the child's speech therapy as 20 sessions over the half year, used as needed."""
    sheets = {name: [list(row) for row in rows] for name, rows in EXAMPLE.items()}
    adult, child = "140388-11237", "020617-24563"
    scores = (
        "home_living=2; community_living=2; lifelong_learning=1; employment=3; "
        "health_safety=1; social_activities=2; protection_advocacy=1; behavioural_needs=0; "
        "medical_needs=1"
    )
    sheets["assessments"] = [
        ["client_personal_code", "assessed_on", "scores", "goals", "completed_on"],
        [adult, "01.12.2025", scores, "Uzzināt savas darba iespējas | Dzīvot patstāvīgi",
         "03.12.2025"],
    ]  # fmt: skip
    sheets["budgets"] = [
        ["client_personal_code", "start", "months", "assessed_on", "granted_amount",
         "decided_by", "decided_on", "decision", "overrun_amount", "overrun_approved_by",
         "overrun_approved_on", "overrun_reason"],
        [adult, "01.01.2026", "12", "01.12.2025", "7 000,00", "Anna Vadītāja", "20.12.2025",
         "Sociālā dienesta lēmums Nr. 2025/41", "600,00", "Anna Vadītāja", "10.01.2026",
         "Papildu atbalsta stundas darba meklēšanai"],
    ]  # fmt: skip
    sheets["plan_lines"] = [
        [*EXAMPLE["plan_lines"][0], "quantity_basis", "agreed_unit_price", "agreed_price_reason",
         "price_approved_by", "price_approved_on"],
        [adult, "P-2026-1", "support-person-for-decision-making", PROVIDER, "44", "01.01.2026",
         "12", "individual_budget", "M1", "1", "month", "14,00",
         "90 minūšu tikšanās, kā norunāts personas vēstulē", "Anna Vadītāja", "14.12.2025"],
        [child, "P-2026-2", "speech-therapy-session", PROVIDER, "20", "01.01.2026", "6",
         "municipal", "M1", "1", "period", "", "", "", ""],
    ]  # fmt: skip
    for row in sheets["sessions"][1:3]:
        row[-1] = "14,00"
    sheets["invoice_lines"][1][-2:] = ["14,00", "28,00"]
    return sheets


HISTORY_EXAMPLE = _history_example()

# The example's cells are this module's constants, written as an importer expects them: they
# are not neutralised against formulas, so a phone number stays +371 in the committed files.


def csv_files(sheets: Sheets) -> list[tuple[str, bytes]]:
    """One CSV per table, UTF-8 with a BOM (so Excel shows Latvian letters), ';'-separated
    like a Latvian Excel writes it."""
    return [
        (f"{table}.csv", write_csv(None, rows, delimiter=";", neutralise=False))
        for table, rows in sheets.items()
    ]


def zip_bundle(sheets: Sheets) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in csv_files(sheets):
            archive.writestr(name, content)
    return out.getvalue()


def xlsx_bundle(sheets: Sheets) -> bytes:
    return write_xlsx(
        [SheetOut(table, None, rows) for table, rows in sheets.items()], neutralise=False
    )
