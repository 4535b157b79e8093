"""A child's weekly load (sessions and hours a week in each month of the plan) and the
warnings it gives; they do not stop the plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from atbalsts.catalog.models import ServiceUnit
from atbalsts.core.dates import my
from atbalsts.people.models import TargetGroup

from ..models import PlanLine, PlanVersion
from ..spread import month_starts, months_between, weekly
from .limits import child_max_weekly_hours, child_max_weekly_sessions


@dataclass(frozen=True)
class WeeklyLoad:
    month: dt.date
    sessions: Decimal
    hours: Decimal


def _session_and_hours(line: PlanLine) -> tuple[Decimal, Decimal]:
    unit = line.service_type.unit
    # a quantity for the whole period counts as spread evenly over its months
    quantity = line.quantity / line.months if line.per_period else line.quantity
    if unit == ServiceUnit.HOUR:
        minutes = Decimal(line.session_minutes or 60)
        return quantity * 60 / minutes, quantity
    if unit == ServiceUnit.SESSION:
        hours = quantity * Decimal(line.session_minutes or 0) / 60
        return quantity, hours
    return Decimal(0), Decimal(0)  # kilometres, trips, days, courses are not sessions


def weekly_load(version: PlanVersion) -> list[WeeklyLoad]:
    """Sessions and hours a week in each month of the plan (monthly quantity × 12 / 52)."""
    # Services for the family (a psychologist for the parents) do not load the child.
    lines = list(version.lines.filter(recipient__isnull=True).select_related("service_type"))
    result = []
    for month in month_starts(version.start, months_between(version.start, version.end)):
        sessions = hours = Decimal(0)
        for line in lines:
            if line.start < _next_month(month) and line.end >= month:
                s, h = _session_and_hours(line)
                sessions += s
                hours += h
        result.append(WeeklyLoad(month, weekly(sessions), weekly(hours)))
    return result


def _next_month(day: dt.date) -> dt.date:
    return month_starts(day, 2)[1]


def _one_decimal(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}".replace(".", ",")


def version_warnings(version: PlanVersion) -> list[str]:
    """Warnings that do not stop the plan: a child's weekly sessions or hours over the limit."""
    if version.plan.client.target_group != TargetGroup.CHILD_FT:
        return []
    loads = weekly_load(version)
    if not loads:
        return []
    warnings = []
    max_sessions, max_hours = child_max_weekly_sessions(), child_max_weekly_hours()
    peak_sessions = max(loads, key=lambda x: x.sessions)
    peak_hours = max(loads, key=lambda x: x.hours)
    if peak_sessions.sessions > max_sessions:
        warnings.append(
            _(
                "Bērnam plānotas %(n)s nodarbības nedēļā (%(month)s), vairāk nekā ieteicamās "
                "%(max)s. Pārāk daudz pakalpojumu vienlaikus var bērnu pārslogot."
            )
            % {
                "n": _one_decimal(peak_sessions.sessions),
                "month": my(peak_sessions.month),
                "max": max_sessions,
            }
        )
    if peak_hours.hours > max_hours:
        warnings.append(
            _(
                "Bērnam plānotas %(n)s nodarbību stundas nedēļā (%(month)s), vairāk nekā "
                "ieteicamās %(max)s. Pārāk daudz pakalpojumu vienlaikus var bērnu pārslogot."
            )
            % {
                "n": _one_decimal(peak_hours.hours),
                "month": my(peak_hours.month),
                "max": max_hours,
            }
        )
    return warnings
