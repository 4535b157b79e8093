"""The pseudonymised extract for research: the ledger by client and month, under pseudonyms.

Only clients whose consent to pseudonymised evaluation is in force are in it; the coverage
says how many of a report's clients that is. The extract streams one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from atbalsts.assessment.models import IndicativeBudget
from atbalsts.billing.models import ClientMonths
from atbalsts.core.dates import iso_month, month_start
from atbalsts.people.models import Consent, ConsentPurpose, Municipality
from atbalsts.people.pseudonyms import client_pseudonym

from ..policies import SMALL_COUNT_LIMIT, is_small_count, report_policy
from .common import _ids, _in_period, _rollup, _sum, period_masks, spend_rows

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

EXTRACT_HEADER = (
    "pseudonym",
    "month",
    "municipality",
    "target_group",
    "birth_year",
    "disability_group",
    "band",
    "service_type",
    "funding_source",
    "spent_eur",
)


def _consenting(day: dt.date) -> QuerySet[Any]:
    """Clients whose consent to the use of their data in pseudonymised evaluation is in force
    on `day` (given by then and not revoked by then)."""
    return (
        Consent.objects.filter(purpose=ConsentPurpose.PSEUDONYMISED_EVALUATION, given_on__lte=day)
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
        .values("client_id")
    )


@dataclass(frozen=True)
class ExtractCoverage:
    # None: 1–2 persons, hidden from this reader (reporting.policies, small counts)
    clients: int | None  # clients with approved spend in the period
    consenting: int | None  # of them, those whose data the extract may hold

    @property
    def left_out(self) -> int | None:
        if self.clients is None or self.consenting is None:
            return None
        return self.clients - self.consenting


def extract_coverage(
    *,
    user: Viewer,
    municipalities: Sequence[Municipality] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
    day: dt.date,
) -> ExtractCoverage:
    """How many of the report's clients the research extract will hold: one query over the
    client roll-up, whatever the data size."""
    report_policy.require_municipalities(user, municipalities)
    masks = period_masks(date_from, date_to)
    if not masks:
        return ExtractCoverage(0, 0)
    counts = (
        _rollup(user, ClientMonths, municipalities, target_group)
        .filter(year__in=masks)
        .annotate(in_period=_in_period(masks))
        .exclude(in_period=0)
        .aggregate(
            clients=Count("client_id", distinct=True),
            consenting=Count("client_id", distinct=True, filter=Q(client_id__in=_consenting(day))),
        )
    )
    clients, consenting = counts["clients"] or 0, counts["consenting"] or 0
    if report_policy.hides_small_counts(user):
        return ExtractCoverage(
            None if is_small_count(clients) else clients,
            None if is_small_count(consenting) else consenting,
        )
    return ExtractCoverage(clients, consenting)


def research_extract(
    *,
    user: Viewer,
    municipalities: Sequence[Municipality | int] | None,
    target_group: str | None,
    date_from: dt.date,
    date_to: dt.date,
    day: dt.date | None = None,
) -> Iterator[tuple[str, ...]]:
    """One row per client × month × service × funding source with the money spent, and the
    client only as a stable pseudonym (HMAC under a key the municipality keeps): no name,
    personal code, address nor free text. Only clients whose consent to pseudonymised
    evaluation is in force today (`day`) are in it. Streams the ledger with `iterator()`, so
    memory does not grow with the rows; the bands are read first (one row per budget)."""
    rows = spend_rows(
        user=user,
        municipalities=municipalities,
        target_group=target_group,
        date_from=date_from,
        date_to=date_to,
    ).filter(client_id__in=_consenting(day or timezone.localdate()))
    budgets = report_policy.scoped(
        user,
        IndicativeBudget.objects.filter(
            is_current=True, period__start__lte=date_to, period__end__gte=month_start(date_from)
        ),
        "period__client__municipality_id",
    )
    ids = _ids(municipalities)
    if ids:
        budgets = budgets.filter(period__client__municipality_id__in=ids)
    periods: dict[int, list[tuple[dt.date, dt.date, str]]] = {}
    for client_id, start, end, code in budgets.order_by("period__start").values_list(
        "period__client_id", "period__start", "period__end", "band_code"
    ):
        periods.setdefault(client_id, []).append((month_start(start), end, code))

    # For a reader from whom small counts are hidden: the clients whom fewer than 3 clients of
    # the extract share their municipality, target group, birth year and disability group
    # with get those two columns blank (one more query, a row per such combination).
    rare_cells: set[tuple[Any, ...]] = set()
    if report_policy.hides_small_counts(user):
        birth = ExtractYear("client__date_of_birth")
        cells = (
            rows.values("municipality_id", "target_group", "client__disability_group")
            .annotate(born=birth)
            .annotate(clients=Count("client_id", distinct=True))
            .filter(clients__lt=SMALL_COUNT_LIMIT)
            .values_list("municipality_id", "target_group", "client__disability_group", "born")
        )
        rare_cells = set(cells)

    def band(client_id: int, month: dt.date) -> str:
        found = ""
        for start, end, code in periods.get(client_id, ()):
            if start <= month <= end:
                found = code
        return found

    def generate() -> Iterator[tuple[str, ...]]:
        yield EXTRACT_HEADER
        for r in (
            rows.values(
                "client_id",
                "month",
                "service_type__code",
                "funding_source",
                "target_group",
                "municipality__code",
                "municipality_id",
                "client__date_of_birth",
                "client__disability_group",
            )
            .annotate(amount=Sum("amount"))
            .order_by("client_id", "month", "service_type__code", "funding_source")
            .iterator(chunk_size=2000)
        ):
            born = r["client__date_of_birth"].year
            hidden = (
                bool(rare_cells)
                and (
                    r["municipality_id"],
                    r["target_group"],
                    r["client__disability_group"],
                    born,
                )
                in rare_cells
            )
            yield (
                client_pseudonym(r["client_id"]),
                iso_month(r["month"]),
                r["municipality__code"],
                r["target_group"],
                "" if hidden else str(born),
                "" if hidden else r["client__disability_group"],
                band(r["client_id"], r["month"]),
                r["service_type__code"],
                r["funding_source"],
                f"{_sum(r['amount']):.2f}",
            )

    return generate()
