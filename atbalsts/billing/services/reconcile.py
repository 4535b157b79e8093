"""Reconciliation: every invoice line compared with its guarantee letter, the recorded
sessions and the client's individual budget; the differences are stored on the lines."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from atbalsts.core.dates import dmy, month_end, my
from atbalsts.core.money import format_money
from atbalsts.delivery.models import Session
from atbalsts.plans.models import FundingSource, GuaranteeLetter
from atbalsts.plans.selectors import (
    letter_price_agreed,
    letter_quantity_per_period,
    letter_unit_price,
)

from ..models import Invoice, InvoiceLine, InvoiceStatus
from ..selectors import (
    ZERO,
    budget_spent_by_period,
    client_periods,
    period_label,
    period_limit,
    period_of,
)

Difference = dict[str, str]


def letter_line(letter: GuaranteeLetter, line_key: object) -> dict[str, Any] | None:
    """The letter's line with this key (a copy), or None."""
    wanted = str(line_key)
    return next((dict(line) for line in letter.lines if line.get("key") == wanted), None)


def _difference(code: str, message: str) -> Difference:
    return {"code": code, "message": message}


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def _letter_differences(
    invoice: Invoice, line: InvoiceLine, quantities: Mapping[tuple[int, str], Decimal]
) -> list[Difference]:
    letter = line.letter
    found = letter_line(letter, line.line_key)
    if found is None or letter.provider_id != invoice.provider_id:
        return [
            _difference(
                "not_in_letter",
                _("Garantijas vēstulē %(letter)s šī sniedzēja pakalpojumam nav šādas rindas.")
                % {"letter": letter.number},
            )
        ]
    result = []
    if found.get("service_type_id") != line.service_type_id:
        result.append(
            _difference(
                "service_mismatch",
                _("Pakalpojums neatbilst garantijas vēstulē norādītajam (%(service)s).")
                % {"service": found.get("service", "")},
            )
        )
    # The letter's price: the one agreed for the person where it carries one.
    letter_price = letter_unit_price(found)
    if letter_price is None:
        result.append(
            _difference(
                "no_letter_price", _("Garantijas vēstulē šim pakalpojumam nav noteiktas cenas.")
            )
        )
    elif line.unit_price > letter_price:
        text = (
            _(
                "Vienības cena %(price)s ir augstāka par garantijas vēstulē norunāto cenu "
                "%(letter_price)s."
            )
            if letter_price_agreed(found)
            else _(
                "Vienības cena %(price)s ir augstāka par garantijas vēstulē (tarifā) "
                "noteikto %(letter_price)s."
            )
        )
        result.append(
            _difference(
                "price_above_letter",
                text
                % {
                    "price": format_money(line.unit_price),
                    "letter_price": format_money(letter_price),
                },
            )
        )
    start, end = dt.date.fromisoformat(found["start"]), dt.date.fromisoformat(found["end"])
    if month_end(invoice.month) < start or invoice.month > end:
        result.append(
            _difference(
                "outside_period",
                _("Rēķina mēnesis ir ārpus garantijas vēstules perioda (%(start)s–%(end)s).")
                % {"start": dmy(start), "end": dmy(end)},
            )
        )
    if line.pk:
        outside = Session.objects.filter(invoiced__line=line).exclude(
            date__gte=start, date__lte=end
        )
        count = outside.count()
        if count:
            result.append(
                _difference(
                    "sessions_outside_period",
                    _(
                        "%(n)s nodarbība(-s) notikusi(-šas) ārpus garantijas vēstules perioda "
                        "(%(start)s–%(end)s)."
                    )
                    % {"n": count, "start": dmy(start), "end": dmy(end)},
                )
            )
    granted = Decimal(found["quantity"])
    billed = quantities.get((letter.pk, str(line.line_key)), ZERO)
    if letter_quantity_per_period(found):
        # A quantity for the whole period: what every other invoice billed of it counts too.
        billed += _billed_elsewhere(invoice, letter, line.line_key)
        if billed > granted:
            result.append(
                _difference(
                    "over_quantity",
                    _(
                        "Par šo vēstules rindu kopā rēķinos ir %(billed)s vienības, bet visā "
                        "periodā (%(start)s–%(end)s) piešķirtas %(granted)s."
                    )
                    % {
                        "billed": _number(billed),
                        "granted": _number(granted),
                        "start": dmy(start),
                        "end": dmy(end),
                    },
                )
            )
    elif billed > granted:
        result.append(
            _difference(
                "over_quantity",
                _(
                    "Rēķinā par šo vēstules rindu ir %(billed)s vienības, bet mēnesī piešķirtas "
                    "%(granted)s."
                )
                % {"billed": _number(billed), "granted": _number(granted)},
            )
        )
    return result


def _billed_elsewhere(
    invoice: Invoice, letter: GuaranteeLetter, line_key: uuid.UUID | str
) -> Decimal:
    """The quantity of a letter line billed in the provider's other invoices (not rejected)."""
    lines = (
        InvoiceLine.objects.filter(letter=letter, line_key=line_key)
        .exclude(invoice=invoice)
        .exclude(invoice__status=InvoiceStatus.REJECTED)
        .values_list("quantity", flat=True)
    )
    return sum(lines, ZERO)


def _session_differences(line: InvoiceLine) -> list[Difference]:
    if line.sessions == 0:
        return [
            _difference(
                "no_sessions",
                _("Šai rindai nav reģistrētu nodarbību; sniedzējam tās jāreģistrē."),
            )
        ]
    result = []
    if line.quantity != line.recorded_quantity:
        result.append(
            _difference(
                "quantity_mismatch",
                _("Daudzums %(billed)s nesakrīt ar reģistrētajām nodarbībām (%(recorded)s).")
                % {"billed": _number(line.quantity), "recorded": _number(line.recorded_quantity)},
            )
        )
    if line.amount != line.recorded_amount:
        result.append(
            _difference(
                "amount_mismatch",
                _("Summa %(billed)s nesakrīt ar reģistrēto nodarbību summu %(recorded)s.")
                % {
                    "billed": format_money(line.amount),
                    "recorded": format_money(line.recorded_amount),
                },
            )
        )
    return result


def budget_problems(invoice: Invoice, lines: Sequence[InvoiceLine]) -> dict[int, tuple[str, str]]:
    """For individual-budget lines that do not fit: line id → (code, why). Reads MonthlySpend,
    so inside an approval it must run after the clients' budget periods are locked."""
    by_client: dict[int, list[InvoiceLine]] = {}
    for line in lines:
        if line.funding_source == FundingSource.INDIVIDUAL_BUDGET:
            by_client.setdefault(line.client_id, []).append(line)
    problems: dict[int, tuple[str, str]] = {}
    for client_id, client_lines in sorted(by_client.items()):
        periods = client_periods(client_id)
        period = period_of(periods, invoice.month)
        amount = sum((line.amount for line in client_lines), ZERO)
        if period is None:
            code = "no_budget_period"
            text = _(
                "Klientam mēnesim %(month)s nav budžeta perioda, tāpēc no individuālā budžeta "
                "apmaksāt nevar."
            ) % {"month": my(invoice.month)}
        else:
            limit = period_limit(period)
            spent = budget_spent_by_period(client_id, periods).get(period.pk, ZERO)
            if limit is None:
                code = "no_budget"
                text = _("Periodam %(period)s indikatīvais budžets nav aprēķināts.") % {
                    "period": period_label(period)
                }
            elif spent + amount <= limit:
                continue
            else:
                code = "budget_exceeded"
                text = _(
                    "Individuālais budžets periodā %(period)s tiktu pārsniegts par %(over)s: "
                    "budžets %(limit)s, jau apstiprināts %(spent)s, šajā rēķinā %(amount)s "
                    "(atlikums %(remaining)s)."
                ) % {
                    "period": period_label(period),
                    "over": format_money(spent + amount - limit),
                    "limit": format_money(limit),
                    "spent": format_money(spent),
                    "amount": format_money(amount),
                    "remaining": format_money(limit - spent),
                }
        for line in client_lines:
            problems[line.pk] = (code, text)
    return problems


def reconcile(invoice: Invoice) -> int:
    """Compare every line with the sessions, the letter and the budget; store the result on
    the lines and the invoice; return how many differences there are."""
    lines = list(invoice.lines.select_related("letter"))
    quantities: dict[tuple[int, str], Decimal] = {}
    for line in lines:
        key = (line.letter_id, str(line.line_key))
        quantities[key] = quantities.get(key, ZERO) + line.quantity
    budget = budget_problems(invoice, lines)
    count = 0
    for line in lines:
        differences = _letter_differences(invoice, line, quantities) + _session_differences(line)
        if line.pk in budget:
            differences.append(_difference(*budget[line.pk]))
        line.differences = differences
        count += len(differences)
    InvoiceLine.objects.bulk_update(lines, ["differences"])
    invoice.total = sum((line.amount for line in lines), ZERO)
    invoice.difference_count = count
    invoice.save(update_fields=["total", "difference_count", "updated_at"])
    return count
