"""The invoice sheets: paper invoices and their lines, taken as far as a row says."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from atbalsts.billing import services as billing_services
from atbalsts.billing.models import Invoice
from atbalsts.core.errors import DomainError

from ..errors import RowError
from ..format import InvoiceState
from .rows import HISTORY_KEYS, Context, Row, RowFailed, checksum, fail, letter_line, service_errors


def invoice(ctx: Context, row: Row, lines: list[Row]) -> list[RowError]:
    values = row.values
    key = HISTORY_KEYS["invoices"](values)
    digest = checksum([r.values for r in (row, *lines)])
    try:
        if ctx.known("invoices", key, digest, "month"):
            ctx.report.count("invoices", "unchanged")
            ctx.report.count("invoice_lines", "unchanged", len(lines))
            return []
    except RowFailed as exc:
        return exc.on(row)
    provider = ctx.provider_of(values["provider_registration_number"])
    if provider is None:  # pragma: no cover - refused by the reference checks
        raise fail("provider_registration_number", _("Nezināms sniedzējs."))
    problems: list[RowError] = []
    items: list[dict[str, Any]] = []
    for line in lines:
        client = ctx.client_of(line.values["client_personal_code"])
        service_type = ctx.service_type_of(line.values["service_type"])
        letter, found = letter_line(
            provider,
            client,
            service_type,
            values["month"],
            month=True,
            recipient=line.values.get("recipient", ""),
            letters=ctx.letters_of(provider, client),
        )
        if letter is None or found is None:
            problems.append(
                RowError(
                    line.sheet,
                    line.number,
                    "service_type",
                    str(
                        _(
                            "Klientam šajā mēnesī nav šī sniedzēja garantijas vēstules "
                            "pakalpojumam „%(service)s”."
                        )
                        % {"service": service_type.name_lv}
                    ),
                )
            )
            continue
        item = {
            "letter": letter,
            "line_key": found["key"],
            "quantity": line.values["quantity"],
            "unit_price": line.values["unit_price"],
        }
        if line.values.get("amount") is not None:
            item["amount"] = line.values["amount"]
        items.append(item)
    if problems:
        return problems
    state = values.get("status") or InvoiceState.SUBMITTED
    try:
        entered = billing_services.invoice_enter_paper(
            actor=ctx.actor,
            municipality=ctx.municipality,
            provider=provider,
            month=values["month"],
            number=values["number"],
            lines=items,
            on=values.get("submitted_on"),
        )
    except DomainError as exc:
        return _invoice_errors(row, lines, exc)
    ctx.report.count("invoices", "created")
    ctx.report.count("invoice_lines", "created", len(lines))
    problems = _advance(ctx, entered, row, state)
    if not problems:
        ctx.remember("invoices", key, digest, entered.pk)
    return problems


def _advance(ctx: Context, invoice: Invoice, row: Row, state: str) -> list[RowError]:
    """Take the invoice as far as the row says. The importer confirms the content; an
    approval and a payment are history: recorded as the row names them (who approved, on
    which day; when it was paid), by the importer, never as an approval by another user."""
    steps = [InvoiceState.CONFIRMED, InvoiceState.APPROVED, InvoiceState.PAID]
    wanted = steps[: steps.index(InvoiceState(state)) + 1] if state in steps else []
    values = row.values
    try:
        if InvoiceState.CONFIRMED in wanted:
            invoice = billing_services.invoice_confirm(
                actor=ctx.actor, invoice=invoice, on=values.get("confirmed_on")
            )
        if InvoiceState.APPROVED in wanted:
            billing_services.invoice_record_historic_approval(
                actor=ctx.actor,
                invoice=invoice,
                approved_by=values.get("approved_by", ""),
                approved_on=values.get("approved_on"),
                paid=InvoiceState.PAID in wanted,
                paid_on=values.get("paid_on"),
                payment_reference=values.get("payment_reference", ""),
            )
    except DomainError as exc:
        return service_errors(row, exc, {"__all__": "status"})
    return []


def _invoice_errors(row: Row, lines: list[Row], exc: DomainError) -> list[RowError]:
    """The billing service names line fields `lines.<i>.<field>`: put them on the line rows."""
    result = []
    for name, messages in exc.field_errors.items():
        parts = name.split(".")
        if (
            parts[0] == "lines"
            and len(parts) == 3
            and parts[1].isdigit()
            and int(parts[1]) < len(lines)
        ):
            target = lines[int(parts[1])]
            column = (
                parts[2] if parts[2] in ("quantity", "unit_price", "amount") else "service_type"
            )
            result += [RowError(target.sheet, target.number, column, m) for m in messages]
        else:
            column = name if name in ("month", "number", "submitted_on") else "—"
            result += [RowError(row.sheet, row.number, column, m) for m in messages]
    return result
