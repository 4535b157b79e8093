"""Reads of cancellations: the list the user may see, and how many sessions were cancelled per
provider and per client, by who cancelled and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet

from atbalsts.core.collation import latvian_key

from .models import Cancellation, CancelledBy, CancelReason
from .policies import visible_cancellations

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer


def cancellation_list(
    *,
    user: Viewer,
    provider_id: int | None = None,
    client_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Cancellation]:
    qs = Cancellation.objects.select_related("client", "provider", "service_type", "letter")
    qs = visible_cancellations(user, qs)
    if provider_id is not None:
        qs = qs.filter(provider_id=provider_id)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    return qs.order_by("-date", "-id")


@dataclass
class CancellationCount:
    """How many sessions of one provider (or client) were cancelled, by whom and why."""

    pk: int
    name: str
    total: int = 0
    by_whom: dict[str, int] = field(default_factory=dict)  # CancelledBy value → count
    by_reason: dict[str, int] = field(default_factory=dict)  # CancelReason value → count

    def whom(self) -> list[tuple[str, int]]:
        return [(str(label), self.by_whom.get(value, 0)) for value, label in CancelledBy.choices]

    def reasons(self) -> list[tuple[str, int]]:
        return [(str(label), self.by_reason.get(value, 0)) for value, label in CancelReason.choices]


def _counts(qs: QuerySet[Cancellation], key: str, names: dict[int, str]) -> list[CancellationCount]:
    found: dict[int, CancellationCount] = {}
    rows: Any = qs.values(key, "cancelled_by", "reason").annotate(n=Count("id")).order_by()
    for row in rows:
        pk = row[key]
        entry = found.setdefault(pk, CancellationCount(pk=pk, name=names.get(pk, "")))
        entry.total += row["n"]
        entry.by_whom[row["cancelled_by"]] = entry.by_whom.get(row["cancelled_by"], 0) + row["n"]
        entry.by_reason[row["reason"]] = entry.by_reason.get(row["reason"], 0) + row["n"]
    return sorted(found.values(), key=lambda c: (latvian_key(c.name), c.pk))


def cancellation_counts_by_provider(
    *, user: Viewer, start: dt.date | None = None, end: dt.date | None = None
) -> list[CancellationCount]:
    qs = cancellation_list(user=user, start=start, end=end)
    names = dict(qs.values_list("provider_id", "provider__name").distinct().order_by())
    return _counts(qs, "provider_id", names)


def cancellation_counts_by_client(
    *,
    user: Viewer,
    provider_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[CancellationCount]:
    qs = cancellation_list(user=user, provider_id=provider_id, start=start, end=end)
    names = {
        pk: f"{last} {first}"
        for pk, last, first in qs.values_list(
            "client_id", "client__last_name", "client__first_name"
        )
        .distinct()
        .order_by()
    }
    return _counts(qs, "client_id", names)


def remote_quality_decisions(*, user: Viewer, client: Any) -> QuerySet[Any]:
    """The social worker's decisions on remote delivery for a client, newest first (for the
    municipality's staff who see the client's sessions)."""
    from atbalsts.core.policies import Action

    from .models import RemoteQualityDecision
    from .policies import delivery_policy

    qs = RemoteQualityDecision.objects.filter(client=client).select_related(
        "service_type", "decided_by"
    )
    if delivery_policy.is_provider_staff(user) or not delivery_policy.can(
        user, Action.VIEW, client
    ):
        return qs.none()
    return qs.order_by("-decided_on", "-id")
