"""Sessions waiting for the social worker's decision (a differing duration or missing
evidence): the case worker of the session's client, from the start page's selector
`delivery.selectors.sessions_awaiting_decision`. The title names the date and the client,
never the session's content.

Appointment reminders for the person themselves (who has no account) are mailed by
`appointments.py`, only to the address of the choice recorded on the client's page. See
docs/user-guide/pazinojumi.md.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from atbalsts.core.dates import dmy
from atbalsts.delivery.selectors import sessions_awaiting_decision

from ..models import NotificationKind
from ..policies import notification_policy
from .common import Reminder, client_name, holds_case


def sessions_awaiting(today: dt.date) -> list[Reminder]:
    result: list[Reminder] = []
    for worker in notification_policy.case_workers():
        sessions = (
            sessions_awaiting_decision(user=worker)
            .filter(holds_case(worker, today, "client__"), date__lte=today)
            .distinct()
        )
        for session in sessions:
            result.append(
                Reminder(
                    recipient=worker,
                    kind=NotificationKind.SESSION_AWAITING,
                    title=_("Nodarbība %(date)s gaida jūsu lēmumu: %(client)s")
                    % {"date": dmy(session.date), "client": client_name(session.client)},
                    link=reverse("delivery:session_detail", args=[session.pk]),
                    dedupe_key=f"session_awaiting:session:{session.pk}",
                    subject=session,
                    due_on=None,
                )
            )
    return result
