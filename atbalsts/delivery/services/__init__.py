"""Writes of delivery: recording and correcting sessions (with every rule of the attendance
sheet), a social worker's confirmations, the no-show rule, emergency situations and the
import of a month's sessions. Each checks permission, enforces the rules and audits in the
same transaction."""

from ..errors import SessionInvoiced
from ..evidence import MAX_EVIDENCE_BYTES
from .card import conclusion_view_record, evidence_download_record
from .checks import MAX_KM, MAX_SESSION_MINUTES, MAX_TICKET
from .emergencies import emergency_declare, emergency_end
from .grid import entry_key, sessions_record_many
from .groups import GROUP_FIELDS, MEMBER_FIELDS, group_session_record
from .imports import COLUMN_LABELS, IMPORT_COLUMNS, import_key_for, sessions_import
from .no_shows import no_show_rule_create
from .sessions import (
    SESSION_FIELDS,
    session_accept_duration,
    session_accept_no_evidence,
    session_record,
    session_update,
    sessions_mark_invoiced,
)

__all__ = [
    "COLUMN_LABELS",
    "GROUP_FIELDS",
    "IMPORT_COLUMNS",
    "MAX_EVIDENCE_BYTES",
    "MAX_KM",
    "MAX_SESSION_MINUTES",
    "MAX_TICKET",
    "MEMBER_FIELDS",
    "SESSION_FIELDS",
    "SessionInvoiced",
    "conclusion_view_record",
    "emergency_declare",
    "emergency_end",
    "entry_key",
    "evidence_download_record",
    "group_session_record",
    "import_key_for",
    "no_show_rule_create",
    "session_accept_duration",
    "session_accept_no_evidence",
    "session_record",
    "session_update",
    "sessions_import",
    "sessions_mark_invoiced",
    "sessions_record_many",
]
