"""The programme's money: an envelope whose forecast nears or passes its amount (or whose
money is spent) for the heads and accountants of its municipality, read with the envelope
page's own figures (`reporting.selectors.programme.envelope_statuses`); and credit notes
waiting for a decision for those who may decide them (never the person who proposed one,
`billing.selectors.credit_notes_waiting`).

One reminder per envelope and level (nearing, passing, spent: each is news once), one per
credit note."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from atbalsts.billing.selectors import credit_notes_waiting
from atbalsts.reporting.selectors.programme import envelope_statuses

from ..models import NotificationKind
from ..policies import notification_policy
from .common import Reminder

if TYPE_CHECKING:
    from atbalsts.accounts.models import User


def _municipal_money_staff() -> list[User]:
    return [*notification_policy.heads(), *notification_policy.payment_approvers()]


def envelopes(today: dt.date) -> list[Reminder]:
    result: list[Reminder] = []
    link = f"{reverse('programme:programme')}?year={today.year}"
    for user in _municipal_money_staff():
        for status in envelope_statuses(user=user, year=today.year, today=today):
            if not status.level:
                continue
            envelope = status.envelope
            title = _("%(group)s, %(year)s: %(warning)s") % {
                "group": envelope.get_target_group_display(),
                "year": envelope.year,
                "warning": status.warning,
            }
            result.append(
                Reminder(
                    recipient=user,
                    kind=NotificationKind.ENVELOPE_RUNNING_OUT,
                    title=title[:300],
                    link=link,
                    dedupe_key=f"envelope:{envelope.pk}:{status.level}",
                    subject=envelope,
                    due_on=dt.date(envelope.year, 12, 31),
                )
            )
    return result


def credit_notes_to_decide(today: dt.date) -> list[Reminder]:
    result: list[Reminder] = []
    for user in _municipal_money_staff():
        for note in credit_notes_waiting(user=user):
            result.append(
                Reminder(
                    recipient=user,
                    kind=NotificationKind.CREDIT_NOTE_TO_DECIDE,
                    title=_("Kredītrēķins %(number)s rēķinam %(invoice)s gaida lēmumu")
                    % {"number": note.number, "invoice": note.invoice.number},
                    link=note.get_absolute_url(),
                    dedupe_key=f"credit_note:{note.pk}",
                    subject=note,
                )
            )
    return result
