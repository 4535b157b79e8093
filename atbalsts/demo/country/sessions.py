"""Step three: each month's sessions, then the month's invoices and spend (see invoices.py)."""

from __future__ import annotations

import calendar
import time
from decimal import Decimal

from django.db import transaction

from atbalsts.delivery.models import Session, SessionMode, SessionStatus, Signer

from .bulk import Table
from .invoices import InvoicedLines, InvoiceTables, has_invoiced, write_invoices
from .state import NO_SHOW_SHARE, SESSION_TIMES, Generator, Line


def write_delivery(gen: Generator) -> None:
    """Month by month, the active lines' sessions (their share of the requested total, on
    random days and half-days), each month in a transaction of its own."""
    rng = gen.rng
    country = gen.country
    lines = sorted(country.lines, key=lambda line: (line.first_month, line.id))
    session_fields = [
        "id",
        "created_at",
        "updated_at",
        "client",
        "letter",
        "line_key",
        "provider",
        "service_type",
        "recipient",
        "funding_source",
        "date",
        "start_time",
        "duration_minutes",
        "expected_minutes",
        "units",
        "unit_price",
        "ticket_amount",
        "amount",
        "no_show_share",
        "status",
        "mode",
        "evidence_protocol",
        "evidence_file",
        "no_evidence_reason",
        "no_evidence_by",
        "signed_by",
        "signer_note",
        "duration_difference_reason",
        "duration_accepted_by",
        "over_quantity",
        "is_invoiceable",
        "invoice_locked",
        "goals_worked_on",
        "techniques",
        "conclusion",
        "confidential",
        "recorded_by",
        "import_key",
    ]
    sessions = Table(Session, session_fields)
    tables = InvoiceTables.open()
    confidential = {pk for pk, s in gen.services.items() if s.confidential}
    done = 0
    cumulative = 0.0
    previous = 0
    active: list[Line] = []
    upcoming = iter(lines)
    pending = next(upcoming, None)
    started = time.monotonic()
    for m, month in enumerate(country.months):
        while pending is not None and pending.first_month <= m:
            active.append(pending)
            pending = next(upcoming, None)
        active = [line for line in active if line.last_month >= m]
        days = calendar.monthrange(month.year, month.month)[1]
        slots = [(d, t) for d in range(1, days + 1) for t in range(2)]
        # (municipality, provider) → invoice lines of the month
        invoiced: InvoicedLines = {}
        with transaction.atomic():
            for line in sorted(active, key=lambda line: line.id):
                cumulative += line.rate * gen.scale
                upto = round(cumulative)
                count = upto - previous
                previous = upto
                if count <= 0:
                    continue
                worker = country.staff[line.municipality_id].workers[0].pk
                billed = has_invoiced(gen, m, line.municipality_id, line.provider_id)
                ids: list[int] = []
                units = Decimal("0.00")
                amount = Decimal("0.00")
                for day, half in sorted(rng.sample(slots, min(count, len(slots)))):
                    draw = rng.random()
                    if draw < 0.92:
                        status, value, invoiceable = SessionStatus.HELD, line.held_amount, True
                    elif draw < 0.95:
                        status, value, invoiceable = (
                            SessionStatus.NO_SHOW_NO_NOTICE,
                            line.no_show_amount,
                            True,
                        )
                    elif draw < 0.98:
                        status, value, invoiceable = (
                            SessionStatus.NO_SHOW_NOTICE,
                            Decimal("0.00"),
                            False,
                        )
                    else:
                        status, value, invoiceable = (
                            SessionStatus.CANCELLED,
                            Decimal("0.00"),
                            False,
                        )
                    session_id = sessions.new_id()
                    when = month.replace(day=day)
                    sessions.add(
                        (
                            session_id,
                            gen.now,
                            gen.now,
                            line.client_id,
                            line.letter_id,
                            line.key,
                            line.provider_id,
                            line.service_type_id,
                            line.recipient_id,
                            line.funding_source,
                            when,
                            SESSION_TIMES[(line.time_slot + 2 * half) % len(SESSION_TIMES)],
                            line.minutes,
                            line.minutes,
                            line.units,
                            line.unit_price,
                            None,
                            value,
                            NO_SHOW_SHARE if status == SessionStatus.NO_SHOW_NO_NOTICE else None,
                            status,
                            SessionMode.IN_PERSON,
                            "",
                            "",
                            "",
                            None,
                            # only a session that took place is signed (no-shows have none)
                            ""
                            if status != SessionStatus.HELD
                            else Signer.CLIENT
                            if line.target_group == "adult_grt"
                            else Signer.REPRESENTATIVE,
                            "",
                            "",
                            None,
                            False,
                            invoiceable,
                            invoiceable and billed,
                            "",
                            "",
                            "",
                            line.service_type_id in confidential,
                            worker,
                            None,
                        )
                    )
                    if invoiceable:
                        ids.append(session_id)
                        units += line.units
                        amount += value
                if ids:
                    invoiced.setdefault((line.municipality_id, line.provider_id), []).append(
                        (line, ids, units, amount)
                    )
            write_invoices(gen, m, month, invoiced, tables)
            sessions.flush()
            tables.flush()
        done = sessions.written
        gen.progress("nodarbības", done, gen.total_sessions)
    gen.elapsed = time.monotonic() - started
