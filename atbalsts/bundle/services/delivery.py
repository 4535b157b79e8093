"""The sessions sheet: sessions recorded against the guarantee letters the imported plans
issued, all rows at once through `delivery.services.bulk` (the rules of one session, checked
in one go, written in bulk)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from atbalsts.core.dates import dmy
from atbalsts.core.errors import DomainError
from atbalsts.delivery.services.bulk import BulkEntry, sessions_record_bulk
from atbalsts.people.models import Client
from atbalsts.plans.models import GuaranteeLetter, LetterStatus
from atbalsts.plans.selectors import letter_unit_price

from ..errors import RowError
from .rows import HISTORY_KEYS, Context, Row, RowFailed, checksum, fail, letter_line, service_errors

# The session service's field → the sheet's column, where their names differ.
COLUMNS = {"line_key": "service_type"}
DATA_COLUMNS = (
    "date", "start_time", "duration_minutes", "status", "mode", "signed_by", "signer_note",
    "km", "ticket_amount", "evidence_protocol", "goals_worked_on", "techniques",
)  # fmt: skip
Report = Callable[[Row, list[RowError]], list[RowError]]


def _preload(ctx: Context, rows: Sequence[Row]) -> None:
    """The sheet's clients and their issued letters, read in a few queries (not per row)."""
    codes = sorted({r.values["client_personal_code"] for r in rows} - set(ctx.clients))
    for i in range(0, len(codes), 900):
        for client in Client.objects.filter(personal_code__in=codes[i : i + 900]).select_related(
            "municipality"
        ):
            ctx.clients[client.personal_code] = client
    ids = sorted({c.pk for c in ctx.clients.values()})
    found: dict[tuple[int, int], list[GuaranteeLetter]] = {}
    for i in range(0, len(ids), 900):
        letters = GuaranteeLetter.objects.filter(
            version__plan__client_id__in=ids[i : i + 900], status=LetterStatus.ISSUED
        ).select_related("version__plan__client__municipality")
        for letter in letters.order_by("-issued_at", "-id"):
            found.setdefault((letter.provider_id, letter.version.plan.client_id), []).append(letter)
    for row in rows:
        known = ctx.clients.get(row.values["client_personal_code"])
        provider = ctx.provider_of(row.values["provider_registration_number"])
        if known is not None and provider is not None:
            pair = (provider.pk, known.pk)
            ctx.letters.setdefault(pair, found.get(pair, []))


def _entry(ctx: Context, row: Row) -> tuple[BulkEntry, str, str] | None:
    """The row as the session service takes it, with its history key and checksum; None for
    a row imported before, unchanged (RowFailed if it changed)."""
    values = row.values
    key = HISTORY_KEYS["sessions"](values)
    digest = checksum([values])
    if ctx.known("sessions", key, digest, "date"):
        return None
    client = ctx.client_of(values["client_personal_code"])
    provider = ctx.provider_of(values["provider_registration_number"])
    service_type = ctx.service_type_of(values["service_type"])
    recipient = ctx.member_of(client, values.get("recipient", ""))
    letter, line = letter_line(
        provider,
        client,
        service_type,
        values["date"],
        recipient=values.get("recipient", ""),
        letters=ctx.letters_of(provider, client),
    )
    if letter is None or line is None:
        raise fail(
            "service_type",
            _(
                "Klientam %(day)s nav šī sniedzēja garantijas vēstules pakalpojumam "
                "„%(service)s”: plānam ar šo pakalpojumu jābūt saskaņotam."
            )
            % {"day": dmy(values["date"]), "service": service_type.name_lv},
        )
    price = values.get("unit_price")
    agreed = letter_unit_price(line)
    if price is not None and Decimal(str(price)) != agreed:
        raise fail(
            "unit_price",
            _("Cena %(price)s nesakrīt ar garantijas vēstules cenu %(letter)s.")
            % {"price": price, "letter": agreed if agreed is not None else "—"},
        )
    data: dict[str, Any] = {"line_key": line["key"]}
    if recipient is not None:
        data["recipient"] = recipient
    for column in DATA_COLUMNS:
        if values.get(column) not in (None, ""):
            data[column] = values[column]
    import_key = hashlib.sha256(f"bundle|{ctx.municipality.pk}|{key}".encode()).hexdigest()
    return BulkEntry(letter, data, import_key), key, digest


def sessions(ctx: Context, rows: Sequence[Row], report: Report | None = None) -> list[RowError]:
    """Every row of the sheet with the rules of one session, written together if none is
    refused (the import's transaction rolls back otherwise). `report(row, problems)` gives
    the problems to report of a refused row (the import's cause grouping)."""
    report = report or (lambda _row, problems: problems)
    if rows:
        _preload(ctx, rows)
    problems: list[RowError] = []
    todo: list[tuple[Row, BulkEntry, str, str]] = []
    for row in rows:
        try:
            found = _entry(ctx, row)
        except RowFailed as exc:
            problems += report(row, exc.on(row))
            continue
        except DomainError as exc:
            problems += report(row, service_errors(row, exc, COLUMNS))
            continue
        if found is None:
            ctx.report.count("sessions", "unchanged")
        else:
            todo.append((row, *found))
    outcome = sessions_record_bulk(
        actor=ctx.actor, entries=[entry for _r, entry, _k, _d in todo], write=not problems
    )
    for index, error in sorted(outcome.errors.items()):
        row = todo[index][0]
        problems += report(row, service_errors(row, error, COLUMNS))
    if problems:
        return problems
    for (_row, _bulk, key, digest), session in zip(todo, outcome.sessions, strict=True):
        ctx.remember("sessions", key, digest, session.pk)
        ctx.report.count("sessions", "created")
    return problems
