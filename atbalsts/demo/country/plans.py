"""The plan lines and guarantee letters, written once the session counts fix each quantity."""

from __future__ import annotations

import json
from decimal import Decimal

from atbalsts.catalog.models import ServiceType
from atbalsts.core.money import round_money
from atbalsts.plans.models import FundingSource, LetterStatus

from .bulk import Table
from .state import Generator


def set_quantities(gen: Generator) -> None:
    """Sessions per line and month: the requested total shared over the line-months in
    proportion to each line's rate, cumulatively rounded so the total is exact. The plan
    line's monthly quantity is the most any of its months gets."""
    lines = gen.country.lines
    whole = sum(line.rate * (line.last_month - line.first_month + 1) for line in lines)
    gen.scale = gen.total_sessions / whole if whole else 0.0
    for line in lines:
        most = int(line.rate * gen.scale) + 1
        line.quantity = line.units * max(most, 1)


def write_lines_and_letters(gen: Generator, tables: dict[str, Table]) -> None:
    """The plan lines, and each letter with the snapshot of its lines and their total."""
    lines_by_id = {line.id: line for line in gen.country.lines}
    for letter in gen.letters:
        snapshot = []
        total = Decimal("0.00")
        for line, extra in letter["provider_lines"]:
            line = lines_by_id[line.id]
            service: ServiceType = extra["unit"]
            months = line.last_month - line.first_month + 1
            line_total = round_money(line.unit_price * line.quantity * months)
            total += line_total
            tables["line"].add_named(
                {
                    "id": line.id,
                    # version id is the letter's
                    "version": letter["version_id"],
                    "key": line.key,
                    "service_type": line.service_type_id,
                    "provider": line.provider_id,
                    "registration_status": "ok",
                    "override_reason": "",
                    "tariff": extra["tariff"],
                    "unit_price": line.unit_price,
                    "price_source": "tariff",
                    "quantity": line.quantity,
                    "start": letter["start"],
                    "months": months,
                    "end": letter["end"],
                    "session_minutes": line.minutes,
                    "funding_source": line.funding_source,
                    "goal": None,
                    "priority": line.time_slot + 1,
                    "recipient": line.recipient_id,
                    "decision_domain": "",
                    "quantity_basis": "month",
                    "agreed_unit_price": None,
                    "agreed_price_reason": "",
                    "total": line_total,
                }
            )
            snapshot.append(
                {
                    "key": str(line.key),
                    "service_type_id": line.service_type_id,
                    "service": service.name_lv,
                    "unit": str(service.get_unit_display()),
                    "quantity": str(line.quantity),
                    "unit_price": str(line.unit_price),
                    "months": months,
                    "start": letter["start"].isoformat(),
                    "end": letter["end"].isoformat(),
                    "session_minutes": line.minutes,
                    "funding_source": line.funding_source,
                    "funding_source_label": str(FundingSource(line.funding_source).label),
                    "recipient": "" if line.recipient_id is None else "dabiskā atbalsta loks",
                    "total": str(line_total),
                }
            )
        worker = letter["issued_by"]
        tables["letter"].add(
            (
                letter["letter_id"],
                gen.now,
                gen.now,
                letter["number"],
                letter["municipality"].pk,
                letter["year"],
                letter["sequence"],
                letter["version_id"],
                letter["provider_id"],
                LetterStatus.ISSUED,
                letter["issued"],
                worker.pk,
                None,
                None,
                letter["start"],
                letter["end"],
                json.dumps(snapshot, ensure_ascii=False),
                json.dumps(
                    {
                        "name": letter["client_name"],
                        "date_of_birth": letter["born"].isoformat(),
                    },
                    ensure_ascii=False,
                ),
                json.dumps(
                    {"name": worker.get_full_name(), "phone": "", "email": ""},
                    ensure_ascii=False,
                ),
                total,
                Decimal("0.00"),
            )
        )
    gen.letters = []
