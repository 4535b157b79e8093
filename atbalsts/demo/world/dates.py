"""The living demo's dates follow today: its budget periods are always running, with history."""

from __future__ import annotations

import datetime as dt

from atbalsts.assessment.dates import add_months
from atbalsts.people.models import Client, TargetGroup

# The demo clients' budget periods begin on the first day of the month this many months
# before today's month, and last CHILD_MONTHS / ADULT_MONTHS: today is always inside the
# current period (a child's has at least two months to go, an adult's at least six).
CHILD_HISTORY = 3
ADULT_HISTORY = 6
CHILD_MONTHS = 6
ADULT_MONTHS = 12
TARIFFS_FROM = dt.date(2025, 1, 1)  # or earlier, if the periods begin before it
# Public holidays with a fixed date: nobody comes to a session then.
HOLIDAYS = {(1, 1), (5, 1), (5, 4), (6, 23), (6, 24), (11, 18), (12, 24), (12, 25), (12, 26)}


def not_after(day: dt.date, today: dt.date) -> dt.date:
    """`day`, or today if it would lie in the future (a service refuses future dates)."""
    return min(day, today)


def period_start(target_group: str, today: dt.date) -> dt.date:
    """The first day of the demo budget period of a client of `target_group`."""
    child = target_group == TargetGroup.CHILD_FT
    return add_months(today.replace(day=1), -(CHILD_HISTORY if child else ADULT_HISTORY))


def tariffs_from(today: dt.date) -> dt.date:
    """When the demo tariffs (and the no-show rule) begin: before every demo period."""
    earliest = min(period_start(group, today) for group in TargetGroup.values)
    return min(TARIFFS_FROM, earliest.replace(month=1))


def months_of(client: Client) -> int:
    """How long the client's demo budget period lasts."""
    return CHILD_MONTHS if client.target_group == TargetGroup.CHILD_FT else ADULT_MONTHS
