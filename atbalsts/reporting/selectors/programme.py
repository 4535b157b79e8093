"""The programme's money for the ministry: envelopes against what is committed, spent and
forecast; the spend split by co-financing shares; and the municipalities side by side.

Read only, from the ledger's roll-ups (`billing.SpendSummary`), the guarantee letters and the
pilot report's own selectors, so every figure here agrees with the pilot report.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _

from atbalsts.billing.cofinancing import split_by_shares, split_for, splits_in_force
from atbalsts.billing.letter_money import letter_line_monthly
from atbalsts.billing.models import SpendSummary
from atbalsts.billing.policies import billing_policy
from atbalsts.billing.programme_models import CoFinancing, Envelope
from atbalsts.core.collation import latvian_key
from atbalsts.core.dates import month_start
from atbalsts.core.money import format_money, round_money
from atbalsts.people.models import Municipality
from atbalsts.plans.models import FundingSource, GuaranteeLetter, LetterStatus

from ..policies import SMALL_COUNT_LIMIT, is_small_count, report_policy
from .evaluation import outcomes_report
from .first_session import first_session_by_municipality
from .pilot import pilot_report

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

ZERO = Decimal("0.00")
DEFAULT_ENVELOPE_WARN_SHARE = "0.90"
# Fewer persons than this in a municipality: its figures are not shown (the reports' one rule).
SMALL_NUMBER = SMALL_COUNT_LIMIT


def _envelope_warn_share() -> Decimal:
    """The share of an envelope the forecast may reach before a warning."""
    return Decimal(
        str(getattr(settings, "PROGRAMME_ENVELOPE_WARN_SHARE", DEFAULT_ENVELOPE_WARN_SHARE))
    )


# --- envelopes --------------------------------------------------------------------------------


@dataclass
class EnvelopeStatus:
    """An envelope and the year's money against it. The forecast counts the months before
    `today`'s month as spent and the others as committed by the letters (or spent, if more)."""

    envelope: Envelope
    committed: Decimal = ZERO
    spent: Decimal = ZERO
    forecast: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.envelope.amount - self.spent

    @property
    def level(self) -> str:
        """ "" (fine), "near" (the forecast reaches the warning share), "over" (the forecast
        passes the envelope) or "spent" (the spending has reached it)."""
        amount = self.envelope.amount
        if amount <= 0:
            return ""
        if self.spent >= amount:
            return "spent"
        if self.forecast > amount:
            return "over"
        if self.forecast >= round_money(amount * _envelope_warn_share()):
            return "near"
        return ""

    @property
    def warning(self) -> str:
        values = {
            "amount": format_money(self.envelope.amount),
            "forecast": format_money(self.forecast),
            "spent": format_money(self.spent),
        }
        level = self.level
        if level == "spent":
            return _("Piešķīrums %(amount)s ir iztērēts (izlietots %(spent)s).") % values
        if level == "over":
            return (
                _(
                    "Prognoze %(forecast)s pārsniedz piešķīrumu %(amount)s: nauda beigsies "
                    "gada laikā."
                )
                % values
            )
        if level == "near":
            return _("Prognoze %(forecast)s tuvojas piešķīrumam %(amount)s.") % values
        return ""


def envelope_statuses(
    *, user: Viewer, year: int, today: dt.date, municipality_id: int | None = None
) -> list[EnvelopeStatus]:
    """The year's envelopes the user may read (their own municipality's, or all for the
    ministry) with committed, spent and forecast money; three queries."""
    allowed = billing_policy.programme_municipality_ids(user)
    envelopes = Envelope.objects.filter(year=year).select_related("municipality")
    if allowed is not None:
        envelopes = envelopes.filter(municipality_id__in=allowed)
    if municipality_id is not None:
        envelopes = envelopes.filter(municipality_id=municipality_id)
    statuses = {
        (e.municipality_id, e.target_group, e.funding_source): EnvelopeStatus(e) for e in envelopes
    }
    if not statuses:
        return []
    ids = sorted({key[0] for key in statuses})
    spent: dict[tuple[int, str, str], dict[dt.date, Decimal]] = defaultdict(dict)
    for mun, group, source, month, amount in (
        SpendSummary.objects.filter(municipality_id__in=ids, month__year=year)
        .values("municipality_id", "target_group", "funding_source", "month")
        .annotate(total=Sum("amount"))
        .values_list("municipality_id", "target_group", "funding_source", "month", "total")
    ):
        spent[(mun, group, source)][month] = amount
    committed: dict[tuple[int, str, str], dict[dt.date, Decimal]] = defaultdict(
        lambda: defaultdict(Decimal)
    )
    letters = GuaranteeLetter.objects.filter(
        municipality_id__in=ids, status=LetterStatus.ISSUED
    ).values_list("municipality_id", "version__plan__client__target_group", "lines")
    for mun, group, lines in letters:
        for line in lines:
            key = (mun, group, line.get("funding_source", ""))
            if key not in statuses:
                continue
            for month, amount in letter_line_monthly(line):
                if month.year == year:
                    committed[key][month] += amount
    this_month = month_start(today)
    for key, status in statuses.items():
        status.spent = sum(spent[key].values(), ZERO)
        status.committed = sum(committed[key].values(), ZERO)
        months = {month_start(dt.date(year, m, 1)) for m in range(1, 13)}
        status.forecast = sum(
            (
                spent[key].get(m, ZERO)
                if m < this_month
                else max(spent[key].get(m, ZERO), committed[key].get(m, ZERO))
                for m in months
            ),
            ZERO,
        )
    return sorted(
        statuses.values(),
        key=lambda s: (
            latvian_key(s.envelope.municipality.name),
            s.envelope.target_group,
            s.envelope.funding_source,
        ),
    )


# --- co-financing ------------------------------------------------------------------------------


@dataclass
class SourceSplit:
    """The money of one funding source in a period and how its payers share it."""

    funding_source: str
    amount: Decimal = ZERO
    payers: dict[str, Decimal] = field(default_factory=dict)  # payer → money ("" = not split)

    @property
    def label(self) -> str:
        return str(FundingSource(self.funding_source).label)


def spend_split(
    *,
    user: Viewer,
    date_from: dt.date,
    date_to: dt.date,
    municipalities: Sequence[Municipality] | None = None,
    target_group: str | None = None,
) -> list[SourceSplit]:
    """The period's spend per funding source, each municipality's month of a source split once
    by the co-financing in force on the month's first day (`billing.cofinancing`)."""
    report_policy.require_municipalities(user, municipalities)
    rows = report_policy.visible(
        user,
        SpendSummary.objects.filter(month__gte=month_start(date_from), month__lte=date_to),
    )
    if municipalities:
        rows = rows.filter(municipality__in=municipalities)
    if target_group:
        rows = rows.filter(target_group=target_group)
    grouped = (
        rows.values("municipality_id", "funding_source", "month")
        .annotate(total=Sum("amount"))
        .values_list("municipality_id", "funding_source", "month", "total")
    )
    result: dict[str, SourceSplit] = {}
    cache: dict[dt.date, list[CoFinancing]] = {}
    for mun, source, month, amount in grouped:
        if not amount:
            continue
        entry = result.setdefault(source, SourceSplit(source))
        entry.amount += amount
        if month not in cache:  # setdefault would read the shares again for every row
            cache[month] = splits_in_force(month)
        splits = cache[month]
        split = split_for(splits, source, mun, month)
        if split is None:
            entry.payers[""] = entry.payers.get("", ZERO) + amount
            continue
        shares = [(s.payer, s.percent) for s in split.shares.all()]
        for payer, part in split_by_shares(amount, shares):
            entry.payers[payer] = entry.payers.get(payer, ZERO) + part
    order = list(FundingSource.values)
    return sorted(result.values(), key=lambda s: order.index(s.funding_source))


# --- municipalities side by side ---------------------------------------------------------------


@dataclass
class MunicipalityFigures:
    municipality: Municipality
    clients: int | None  # None: the report hid a small count already
    total: Decimal
    client_months: int
    per_person_month: Decimal | None
    average_months: Decimal | None
    services: list[tuple[str, Decimal]]  # the largest services and their share of the money, %
    first_session_days: Decimal | None  # median days from a letter to its first session
    letters_waiting: int
    goals: int
    goals_achieved: int

    @property
    def hidden(self) -> bool:
        """Too few persons to show figures that could point at one of them."""
        return self.clients is None or is_small_count(self.clients)

    @property
    def achieved_share(self) -> Decimal | None:
        if not self.goals:
            return None
        return round_money(Decimal(self.goals_achieved) * 100 / self.goals)


def municipalities_compared(
    *,
    user: Viewer,
    date_from: dt.date,
    date_to: dt.date,
    target_group: str | None = None,
    municipalities: Sequence[Municipality] | None = None,
    top_services: int = 3,
) -> list[MunicipalityFigures]:
    """Per municipality the user may see: the pilot report's figures (spend per person per
    month, months received, the mix of services), the median time from a guarantee letter to
    its first session, and the goals achieved at reviews. Municipalities in Latvian order."""
    report_policy.require_municipalities(user, municipalities)
    chosen = list(municipalities or report_policy.scoped(user, Municipality.objects.all(), "pk"))
    waits = first_session_by_municipality(
        user=user,
        date_from=date_from,
        date_to=date_to,
        municipalities=chosen,
        target_group=target_group,
    )
    result = []
    for municipality in chosen:
        report = pilot_report(
            user=user,
            municipalities=[municipality],
            target_group=target_group,
            date_from=date_from,
            date_to=date_to,
        )
        outcomes = outcomes_report(
            user=user,
            municipalities=[municipality],
            target_group=target_group,
            date_from=date_from,
            date_to=date_to,
        )
        times = waits.get(municipality.pk)
        mix = [
            (s.name, round_money(s.amount * 100 / report.total))
            for s in sorted(report.services, key=lambda s: -s.amount)[:top_services]
            if report.total
        ]
        result.append(
            MunicipalityFigures(
                municipality=municipality,
                clients=report.clients,
                total=report.total,
                client_months=report.client_months or 0,
                per_person_month=report.average_per_person_month,
                average_months=report.average_months,
                services=mix,
                first_session_days=times.median_days if times else None,
                letters_waiting=len(times.waiting) if times else 0,
                goals=outcomes.goals_total or 0,
                goals_achieved=sum(d.achieved or 0 for d in outcomes.domains),
            )
        )
    return result
