"""The services that could not be given because sessions were cancelled, for the pilot
report: per service and reason (the provider's illness, the person's or child's illness,
another reason), how many sessions, units and what they would have cost. Aggregates only;
a count of 1–2 sessions is hidden from the reader the reporting policy hides small counts
from (`report_policy.hides_small_counts`: the ministry analyst), as on every other output."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Sum

from atbalsts.catalog.models import ServiceType
from atbalsts.delivery.models import Cancellation, CancelReason
from atbalsts.people.models import Municipality

from ..policies import is_small_count, report_policy
from .common import latvian_sort_key

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer


@dataclass(frozen=True)
class NotGivenRow:
    service: str
    reason: str  # CancelReason value
    reason_label: str
    sessions: int | None  # None: hidden (a small count, for the analyst)
    units: Decimal | None
    amount: Decimal | None


def services_not_given(
    *,
    user: Viewer,
    date_from: dt.date,
    date_to: dt.date,
    municipalities: Sequence[Municipality] | None = None,
    target_group: str | None = None,
) -> list[NotGivenRow]:
    """Cancelled sessions planned in the period, by service and reason."""
    report_policy.require_municipalities(user, municipalities)
    qs = report_policy.scoped(
        user,
        Cancellation.objects.filter(date__gte=date_from, date__lte=date_to),
        "client__municipality_id",
    )
    if municipalities:
        qs = qs.filter(client__municipality__in=municipalities)
    if target_group:
        qs = qs.filter(client__target_group=target_group)
    grouped = (
        qs.values("service_type_id", "reason")
        .annotate(sessions=Count("id"), units=Sum("units"), amount=Sum("amount"))
        .order_by()
    )
    names = dict(ServiceType.objects.values_list("pk", "name_lv"))
    labels = dict(CancelReason.choices)
    order = {value: i for i, value in enumerate(CancelReason.values)}
    hide = report_policy.hides_small_counts(user)
    rows = []
    for row in grouped:
        small = hide and is_small_count(row["sessions"])
        rows.append(
            NotGivenRow(
                service=names.get(row["service_type_id"], ""),
                reason=row["reason"],
                reason_label=str(labels.get(row["reason"], row["reason"])),
                sessions=None if small else row["sessions"],
                units=None if small else row["units"],
                amount=None if small else row["amount"],
            )
        )
    return sorted(rows, key=lambda r: (latvian_sort_key(r.service), order.get(r.reason, 99)))
