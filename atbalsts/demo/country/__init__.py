"""A synthetic country for the national-scale benchmark (docs/performance.md): every
municipality with its social service staff, providers and tariffs, clients with an active
support plan and guarantee letters, years of sessions, and the providers' monthly invoices,
approved, with the monthly spend ledger they add up to.

The services are bypassed for speed (rows are written in bulk: COPY on PostgreSQL, batched
inserts elsewhere; see bulk.py), so no audit events are written; but every row is one the
services would accept: valid personal codes, tariffs valid for the whole plan, sessions inside
their letter's period and under the planned quantity, session amounts = units × unit price
(× the no-show share) rounded once to the cent, invoice lines = the sum of their sessions, and
`billing.MonthlySpend` = the sum of the approved invoice lines. Lines are paid from the
municipal, state and DI project budgets: the country has no needs assessments, so no
individual budget periods to charge.

Everything follows from `seed`: the same arguments give the same country, row for row. The
steps (providers.py, people.py with plans.py, sessions.py with invoices.py) draw from one
random stream in that order, so none of them may be reordered.
"""

from .bulk import Table, bulk_load, reset_sequences
from .generate import WRITTEN, Summary, generate, is_generated
from .people import POPULATION
from .state import (
    CIRCLE_CODES,
    HOUR_MINUTES,
    NO_SHOW_SHARE,
    PAID_SHARE,
    SESSION_TIMES,
    SOURCE_WEIGHTS,
    SOURCES,
    YEARS,
    Country,
    Generator,
    Line,
    Progress,
    Staff,
)

__all__ = [
    "CIRCLE_CODES",
    "HOUR_MINUTES",
    "NO_SHOW_SHARE",
    "PAID_SHARE",
    "POPULATION",
    "SESSION_TIMES",
    "SOURCES",
    "SOURCE_WEIGHTS",
    "WRITTEN",
    "YEARS",
    "Country",
    "Generator",
    "Line",
    "Progress",
    "Staff",
    "Summary",
    "Table",
    "bulk_load",
    "generate",
    "is_generated",
    "reset_sequences",
]
