"""Pauses of plan lines (a hospital stay, a holiday): which days of a line are paused, for the
session checks, the calendar, the letters and the forecast.

Monthly quantities in a paused month are reduced, not flagged: a line's quantity per month is
spread over the month's working days, and the paused working days take their share away
(`unpaused_share`). The calendar plans that many sessions, and the forecast counts that share
of the month. The letter's quantity stays what was agreed; what it guarantees is never raised
by a pause, so a session recorded outside the pause is still checked against it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from atbalsts.core.dates import month_end, month_start

from ..models import GuaranteeLetter
from ..pause_models import PlanLinePause


def _key(line_key: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(line_key))
    except ValueError:
        return None


def line_pause_on(*, plan_id: int, line_key: Any, day: dt.date) -> PlanLinePause | None:
    """The pause of the plan line (by its key) that covers `day`, if any."""
    key = _key(line_key)
    if key is None:
        return None
    return (
        PlanLinePause.objects.filter(plan_id=plan_id, line_key=key, start__lte=day, end__gte=day)
        .order_by("start", "id")
        .first()
    )


def plan_pauses(*, plan_id: int) -> list[PlanLinePause]:
    """Every pause of a plan's lines, earliest first (for a plan the caller may see)."""
    return list(
        PlanLinePause.objects.filter(plan_id=plan_id)
        .select_related("service_type", "created_by")
        .order_by("start", "id")
    )


def letter_pauses(letter: GuaranteeLetter) -> dict[str, list[PlanLinePause]]:
    """The pauses of a letter's lines that overlap its period, by line key (for the letter's
    page and its PDF)."""
    keys = [k for k in (_key(line.get("key")) for line in letter.lines) if k is not None]
    found: dict[str, list[PlanLinePause]] = {}
    pauses = PlanLinePause.objects.filter(
        plan_id=letter.version.plan_id,
        line_key__in=keys,
        start__lte=letter.period_end,
        end__gte=letter.period_start,
    ).order_by("start", "id")
    for pause in pauses:
        found.setdefault(str(pause.line_key), []).append(pause)
    return found


def paused_days(pauses: Iterable[PlanLinePause], first: dt.date, last: dt.date) -> set[dt.date]:
    """The days from `first` to `last` that some pause covers."""
    days: set[dt.date] = set()
    for pause in pauses:
        start, end = max(first, pause.start), min(last, pause.end)
        days.update(start + dt.timedelta(days=i) for i in range((end - start).days + 1))
    return days


def unpaused_share(pauses: Iterable[PlanLinePause], month: dt.date) -> Decimal:
    """The share of a month's quantity a paused line keeps: its unpaused working days over
    all the month's working days (1 without a pause, 0 for a month paused whole)."""
    first, last = month_start(month), month_end(month)
    working = [
        first + dt.timedelta(days=i)
        for i in range((last - first).days + 1)
        if (first + dt.timedelta(days=i)).weekday() < 5
    ]
    paused = paused_days(pauses, first, last)
    kept = sum(1 for day in working if day not in paused)
    return Decimal(kept) / Decimal(len(working)) if working else Decimal("1")


def paused_days_by_line(
    client_ids: Iterable[int], first: dt.date, last: dt.date
) -> dict[tuple[int, str], set[dt.date]]:
    """The paused days from `first` to `last` by (client id, line key), for the calendar."""
    found: dict[tuple[int, str], set[dt.date]] = {}
    pauses = PlanLinePause.objects.filter(
        plan__client_id__in=set(client_ids), start__lte=last, end__gte=first
    ).select_related("plan")
    for pause in pauses:
        key = (pause.plan.client_id, str(pause.line_key))
        found.setdefault(key, set()).update(paused_days([pause], first, last))
    return found


def paused_money_shares(
    versions: Iterable[Any],
) -> dict[tuple[int, str], dict[dt.date, Decimal]]:
    """For the budget forecast: per (client id, funding source), the share of each month's
    planned money that falls on paused working days of the versions' lines (only months with
    a pause). `versions` are plan versions with their lines already read."""
    from .budget import line_monthly_amounts

    versions = list(versions)
    pauses: dict[tuple[int, str], list[PlanLinePause]] = {}
    for pause in PlanLinePause.objects.filter(plan_id__in={v.plan_id for v in versions}):
        pauses.setdefault((pause.plan_id, str(pause.line_key)), []).append(pause)
    if not pauses:
        return {}
    planned: dict[tuple[int, str], dict[dt.date, list[Decimal]]] = {}
    for version in versions:
        for line in version.lines.all():
            line_pauses = pauses.get((version.plan_id, str(line.key)), [])
            key = (version.plan.client_id, line.funding_source)
            for month, amount in line_monthly_amounts(line):
                totals = planned.setdefault(key, {}).setdefault(month, [Decimal(0), Decimal(0)])
                totals[0] += amount
                if line_pauses:
                    totals[1] += amount * (1 - unpaused_share(line_pauses, month))
    return {
        key: {m: paused / total for m, (total, paused) in months.items() if total and paused}
        for key, months in planned.items()
    }
