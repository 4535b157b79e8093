"""Writes of billing: a provider submits a monthly invoice from the recorded sessions, or a
social worker enters a paper one; every line is reconciled against the sessions, the
guarantee letter and the budget; the social worker confirms the content, the accountant (a
different person) approves payment, records it as paid, or rejects; and the accounting export.

Approval locks the affected clients' budget periods in a fixed order and re-checks the
remaining budget inside the lock, so two approvals racing for the last euros cannot both pass;
it adds the approved money to MonthlySpend and the report roll-ups (billing.ledger) in the
same transaction.

- inputs: the typed parts of an invoice and their limits
- invoices: submitting and entering (paper) invoices
- reconcile: the differences of each line against letter, sessions and budget
- workflow: recheck, confirm, approve, reject, pay
- history: an imported invoice's historic approval and payment, as facts (bundle import)
- exports: the accounting export (credit notes as negative documents)
- programme: co-financing splits of a funding source and the programme's envelopes
- credit_notes: corrections of approved or paid invoices, approved by another person
"""

from atbalsts.core.tabular import XLSX_TYPE

from ..credit_left import lines_left
from .credit_notes import credit_note_approve, credit_note_propose, credit_note_reject
from .exports import EXPORT_COLUMNS, export_rows, invoice_export
from .history import invoice_record_historic_approval
from .inputs import MAX_QUANTITY, NUMBER_MAX, REASON_MAX, REFERENCE_MAX, parse_month
from .invoices import invoice_enter_paper, invoice_submit
from .programme import co_financing_set, envelope_set
from .workflow import (
    invoice_approve,
    invoice_confirm,
    invoice_pay,
    invoice_recheck,
    invoice_reject,
)

__all__ = [
    "EXPORT_COLUMNS",
    "MAX_QUANTITY",
    "NUMBER_MAX",
    "REASON_MAX",
    "REFERENCE_MAX",
    "XLSX_TYPE",
    "co_financing_set",
    "credit_note_approve",
    "credit_note_propose",
    "credit_note_reject",
    "envelope_set",
    "export_rows",
    "invoice_approve",
    "invoice_confirm",
    "invoice_enter_paper",
    "invoice_export",
    "invoice_pay",
    "invoice_recheck",
    "invoice_record_historic_approval",
    "invoice_reject",
    "invoice_submit",
    "lines_left",
    "parse_month",
]
