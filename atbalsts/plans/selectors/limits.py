"""Limits a plan is checked against, from settings: a child's weekly load and the largest
believable monthly quantity of a line."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

DEFAULT_CHILD_MAX_WEEKLY_SESSIONS = 6
DEFAULT_CHILD_MAX_WEEKLY_HOURS = 6
DEFAULT_MAX_MONTHLY_QUANTITY = 500


def child_max_weekly_sessions() -> Decimal:
    return Decimal(
        str(getattr(settings, "PLAN_CHILD_MAX_WEEKLY_SESSIONS", DEFAULT_CHILD_MAX_WEEKLY_SESSIONS))
    )


def child_max_weekly_hours() -> Decimal:
    return Decimal(
        str(getattr(settings, "PLAN_CHILD_MAX_WEEKLY_HOURS", DEFAULT_CHILD_MAX_WEEKLY_HOURS))
    )


def max_monthly_quantity() -> Decimal:
    return Decimal(
        str(getattr(settings, "PLAN_MAX_MONTHLY_QUANTITY", DEFAULT_MAX_MONTHLY_QUANTITY))
    )
