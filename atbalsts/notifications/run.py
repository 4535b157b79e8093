"""The daily run: every reminder rule, then the mails; and when the next run is due.

`run_reminders(today)` is idempotent: each reminder has a `dedupe_key`, so running it twice
on a day (the schedule and `manage.py reminders_run`) creates nothing the second time."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import NotificationKind
from .reminders import assessment, billing, budgets, catalog, contracts, delivery, plans
from .reminders.appointments import appointment_reminders_send
from .reminders.common import Reminder
from .reminders.programme import credit_notes_to_decide, envelopes
from .services import mail_send, notifications_write

logger = logging.getLogger(__name__)

Rule = Callable[[dt.date], list[Reminder]]

RULES: tuple[Rule, ...] = (
    assessment.reassessments,
    plans.plans_ending,
    plans.letters_ending,
    catalog.registrations,
    contracts.contracts,
    billing.invoices_to_confirm,
    billing.invoices_to_approve,
    delivery.sessions_awaiting,
    budgets.budgets,
    envelopes,
    credit_notes_to_decide,
)


@dataclass
class RunResult:
    counts: dict[str, int]  # new notifications per kind
    failed: list[str] = field(default_factory=list)  # rules that raised (logged)
    mail: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, object]:
        return {"counts": self.counts, "failed": self.failed, "mail": self.mail}


def run_reminders(today: dt.date) -> RunResult:
    """Run every rule for `today`; each rule's notifications are written in one transaction,
    and a rule that fails is logged and leaves the others to run."""
    result = RunResult(counts=dict.fromkeys(NotificationKind.values, 0))
    for rule in RULES:
        try:
            created = notifications_write(rule(today))
        except Exception:
            logger.exception("reminder rule %s failed", rule.__name__)
            result.failed.append(rule.__name__)
            continue
        for kind, n in created.items():
            result.counts[kind] = result.counts.get(kind, 0) + n
    return result


def run_daily(today: dt.date, *, mail: bool = True) -> RunResult:
    result = run_reminders(today)
    if mail:
        result.mail = mail_send(today=today).as_dict()
        # The person's own reminders (opt-in, about tomorrow): mailed, not notifications.
        try:
            result.mail["appointments"] = appointment_reminders_send(today).sent
        except Exception:
            logger.exception("appointment reminders failed")
            result.failed.append("appointment_reminders")
    return result


def daily_at() -> dt.time:
    """The time of day of the scheduled run, NOTIFICATIONS_DAILY_AT ("06:00"), Riga time."""
    text = str(getattr(settings, "NOTIFICATIONS_DAILY_AT", "06:00"))
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        return dt.time(6, 0)


def next_run_after(now: dt.datetime) -> dt.datetime:
    """The next scheduled run after `now`: today's run time if still ahead, else tomorrow's."""
    zone = ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(zone)
    candidate = dt.datetime.combine(local.date(), daily_at(), tzinfo=zone)
    if candidate <= local:
        candidate = dt.datetime.combine(
            local.date() + dt.timedelta(days=1), daily_at(), tzinfo=zone
        )
    return candidate
