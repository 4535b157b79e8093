"""Generates the demo municipality's services and money from plausible rules: providers with
registrations, locations and tariffs; and for about half of Balvi's clients a completed needs
assessment, an indicative budget, an active support plan with guarantee letters, the sessions
held since the plan began, and the providers' monthly invoices (older months paid, the latest
one waiting for the accountant).

Everything goes through the services, so every rule of the domain applies. Each step first
looks for what it would make, so running it again changes nothing. Dates follow today
(`timezone.localdate()`): the budget periods began a few whole months ago and are still
running today, so there is history (sessions, paid invoices) and the provider staff can record
today's sessions; the generated sessions stop at the end of last month.

dates.py fixes the dates from today; catalog.py makes the providers, clients.py each case's
assessment and plan, history.py the sessions and invoices since, and loader.py all of it.
"""

from .catalog import (
    NAMES,
    SPECS,
    STAFF,
    Offer,
    ProviderSpec,
    company_number,
    ensure_providers,
    ensure_staff,
    lv_iban,
    nice_price,
)
from .clients import Need
from .dates import (
    ADULT_HISTORY,
    ADULT_MONTHS,
    CHILD_HISTORY,
    CHILD_MONTHS,
    HOLIDAYS,
    TARIFFS_FROM,
    period_start,
    tariffs_from,
)
from .history import Log, ensure_cases, ensure_invoices
from .loader import NO_SHOW_SHARE, build

__all__ = [
    "ADULT_HISTORY",
    "ADULT_MONTHS",
    "CHILD_HISTORY",
    "CHILD_MONTHS",
    "HOLIDAYS",
    "NAMES",
    "NO_SHOW_SHARE",
    "SPECS",
    "STAFF",
    "TARIFFS_FROM",
    "Log",
    "Need",
    "Offer",
    "ProviderSpec",
    "build",
    "company_number",
    "ensure_cases",
    "ensure_invoices",
    "ensure_providers",
    "ensure_staff",
    "lv_iban",
    "nice_price",
    "period_start",
    "tariffs_from",
]
