"""Re-assessments due within 30 days (the case worker) and overdue (the case worker and the
heads). The dates come from `assessment.selectors.reassessments_due`, the start page's panel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from atbalsts.assessment.selectors import ReassessmentItem, reassessments_due
from atbalsts.core.dates import dmy

from ..models import NotificationKind
from ..policies import notification_policy
from .common import Reminder, client_name

if TYPE_CHECKING:
    from atbalsts.accounts.models import User


def reassessments(today: dt.date) -> list[Reminder]:
    result: list[Reminder] = []
    for worker in notification_policy.case_workers():
        due = reassessments_due(user=worker, today=today)
        for item in due.due:
            result.append(
                Reminder(
                    recipient=worker,
                    kind=NotificationKind.REASSESSMENT_DUE,
                    title=_("Atkārtota izvērtēšana jāveic līdz %(date)s: %(client)s")
                    % {"date": dmy(item.due_on), "client": client_name(item.client)},
                    link=reverse("people:client_detail", args=[item.client.pk]),
                    dedupe_key=f"reassessment_due:client:{item.client.pk}:{item.due_on}",
                    subject=item.client,
                    due_on=item.due_on,
                )
            )
        result.extend(_overdue(worker, due.overdue))
    for head in notification_policy.heads():
        result.extend(_overdue(head, reassessments_due(user=head, today=today).overdue))
    return result


def _overdue(user: User, items: Iterable[ReassessmentItem]) -> list[Reminder]:
    return [
        Reminder(
            recipient=user,
            kind=NotificationKind.REASSESSMENT_OVERDUE,
            title=_("Atkārtotā izvērtēšana nokavēta (termiņš %(date)s): %(client)s")
            % {"date": dmy(item.due_on), "client": client_name(item.client)},
            link=reverse("people:client_detail", args=[item.client.pk]),
            dedupe_key=f"reassessment_overdue:client:{item.client.pk}:{item.due_on}",
            subject=item.client,
            due_on=item.due_on,
        )
        for item in items
    ]
