"""Reads for reports (docs/domain.md, "Reports"), one module per report.

- `pilot`: the pilot report over the monthly spend ledger's roll-ups (four queries whatever
  the data size);
- `evaluation`: its evaluation — outcomes at review (two queries) and, in `needed`, the budget
  actually needed per band (one query);
- `extract`: the pseudonymised extract for research (streams one query) and its coverage;
- `caseload`: the head of social service's caseload;
- `common`: what they share — Latvian sort order, the months of a period, the ledger in scope.
"""

from .caseload import PLANS_EXPIRING_WITHIN_DAYS, Caseload, WorkerLoad, caseload
from .common import (
    ZERO,
    latvian_sort_key,
    months_in,
    period_masks,
    report_municipalities,
    spend_rows,
)
from .evaluation import (
    DomainOutcomes,
    OutcomesReport,
    outcomes_report,
    pilot_report_evaluated,
)
from .extract import EXTRACT_HEADER, ExtractCoverage, extract_coverage, research_extract
from .needed import BandNeed, budget_needed_by_band
from .pilot import MonthSpend, PilotReport, ServiceSpend, SourceSpend, pilot_report

__all__ = [
    "EXTRACT_HEADER",
    "PLANS_EXPIRING_WITHIN_DAYS",
    "ZERO",
    "BandNeed",
    "Caseload",
    "DomainOutcomes",
    "ExtractCoverage",
    "MonthSpend",
    "OutcomesReport",
    "PilotReport",
    "ServiceSpend",
    "SourceSpend",
    "WorkerLoad",
    "budget_needed_by_band",
    "caseload",
    "extract_coverage",
    "latvian_sort_key",
    "months_in",
    "outcomes_report",
    "period_masks",
    "pilot_report",
    "pilot_report_evaluated",
    "report_municipalities",
    "research_extract",
    "spend_rows",
]
