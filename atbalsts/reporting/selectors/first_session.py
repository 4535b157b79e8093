"""How long a person waits from a guarantee letter to its first session: measured per letter
(issued on → the first session held under it), summed up per municipality. Letters still
waiting are counted apart with how long they have waited so far."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Min
from django.utils import timezone

from atbalsts.delivery.models import Session, SessionStatus
from atbalsts.people.models import Municipality
from atbalsts.plans.models import GuaranteeLetter

from ..policies import is_small_count, report_policy

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer


@dataclass
class FirstSessionTimes:
    """Days from each letter's issue to its first session, and the letters still waiting."""

    days: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)  # days waited so far, per letter
    hidden: bool = False  # 1–2 letters, for a reader small counts are hidden from

    @property
    def letters(self) -> int:
        return len(self.days) + len(self.waiting)

    @property
    def started(self) -> int:
        return len(self.days)

    @property
    def median_days(self) -> Decimal | None:
        if not self.days:
            return None
        return Decimal(str(statistics.median(self.days))).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def average_days(self) -> Decimal | None:
        if not self.days:
            return None
        return (Decimal(sum(self.days)) / len(self.days)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def longest_waiting(self) -> int | None:
        return max(self.waiting) if self.waiting else None


def first_session_by_municipality(
    *,
    user: Viewer,
    date_from: dt.date,
    date_to: dt.date,
    municipalities: Sequence[Municipality] | None = None,
    target_group: str | None = None,
    today: dt.date | None = None,
) -> dict[int, FirstSessionTimes]:
    """Letters first issued to a person for a provider in the period (a letter replacing an
    earlier one is no new wait), by municipality id: days to the first session held under
    them or, for letters without one yet, days waited until `today`. Aggregates only."""
    report_policy.require_municipalities(user, municipalities)
    today = today or timezone.localdate()
    letters = report_policy.visible(
        user,
        GuaranteeLetter.objects.filter(
            issued_at__date__gte=date_from, issued_at__date__lte=date_to, replaces__isnull=True
        ),
    )
    if municipalities:
        letters = letters.filter(municipality__in=municipalities)
    if target_group:
        letters = letters.filter(version__plan__client__target_group=target_group)
    rows = list(letters.values_list("pk", "municipality_id", "issued_at"))
    first = dict(
        # a subquery, not a list of ids: a national period holds tens of thousands of letters
        Session.objects.filter(letter_id__in=letters.values("pk"), status=SessionStatus.HELD)
        .values("letter_id")
        .annotate(first=Min("date"))
        .values_list("letter_id", "first")
    )
    result: dict[int, FirstSessionTimes] = {}
    for pk, municipality_id, issued_at in rows:
        issued = timezone.localdate(issued_at)
        times = result.setdefault(municipality_id, FirstSessionTimes())
        day = first.get(pk)
        if day is not None:
            times.days.append(max((day - issued).days, 0))
        else:
            times.waiting.append(max((today - issued).days, 0))
    return result


def first_session_times(
    *,
    user: Viewer,
    date_from: dt.date,
    date_to: dt.date,
    municipalities: Sequence[Municipality] | None = None,
    target_group: str | None = None,
    today: dt.date | None = None,
) -> FirstSessionTimes:
    """`first_session_by_municipality` over all the municipalities asked for together."""
    total = FirstSessionTimes()
    for times in first_session_by_municipality(
        user=user,
        date_from=date_from,
        date_to=date_to,
        municipalities=municipalities,
        target_group=target_group,
        today=today,
    ).values():
        total.days.extend(times.days)
        total.waiting.extend(times.waiting)
    if report_policy.hides_small_counts(user) and is_small_count(total.letters):
        return FirstSessionTimes(hidden=True)  # one or two people's waits are theirs alone
    return total
