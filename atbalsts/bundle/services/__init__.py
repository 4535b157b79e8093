"""Importing a bundle: every sheet checked first, then written through the domains' services."""

# If any row fails — in the checks or in a service — nothing is written and the report lists
# every problem (sheet, row, column). Importing the same bundle again changes nothing:
# - register rows (providers and their registrations, locations, tariffs; clients;
#   representatives; support-circle members) are matched on their natural keys and updated
#   through the services when they differ — a service writes (and audits) only what actually
#   changed;
# - history rows are remembered by their natural keys with a checksum of what was imported:
#   assessments by (client, day); budget periods with their budgets by (client, start); plans
#   with their goals and lines by (client, plan_ref); sessions by (provider, client, date,
#   start time, service); invoices with their lines by (provider, municipality, month).
#   The same rows again are skipped; changed ones are refused — history is corrected in the
#   system, where every version and every step of the workflow is kept.

from .rows import BundleReport
from .run import Progress, bundle_checksum, bundle_import

__all__ = ["BundleReport", "Progress", "bundle_checksum", "bundle_import"]
