"""Individual budgets running out before the period ends or going largely unused, for the
case worker: the forecast of the client's budget ledger (`billing.selectors.budget_ledger`),
read with the same two tests as the ledger's own warnings (`Ledger.warnings`): the money runs
out early at the current pace, or at least `underuse_share()` of the budget stays unused.

One reminder per client, budget period and kind: the pace changes month by month, the fact
that the period's budget needs a look does not."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from atbalsts.billing.policies import BillingAction, billing_policy
from atbalsts.billing.selectors import budget_ledger, underuse_share
from atbalsts.core.money import round_money
from atbalsts.people.selectors import my_active_cases

from ..models import NotificationKind
from ..policies import notification_policy
from .common import Reminder, client_name


def budgets(today: dt.date) -> list[Reminder]:
    result: list[Reminder] = []
    share = underuse_share()
    for worker in notification_policy.case_workers():
        for client in my_active_cases(user=worker).order_by("pk"):
            if not billing_policy.can(worker, BillingAction.VIEW_LEDGER, client):
                continue
            ledger = budget_ledger(user=worker, client=client, today=today)
            for entry in ledger.periods:
                row = entry.budget_row
                if not entry.is_current or entry.period is None or row is None:
                    continue
                forecast = row.forecast
                if forecast is None or not row.budget:
                    continue
                if forecast.runs_out_early:
                    kind = NotificationKind.BUDGET_RUNNING_OUT
                    template = _(
                        "Individuālais budžets periodā %(period)s beigsies pirms perioda "
                        "beigām: %(client)s"
                    )
                elif forecast.unused >= round_money(row.budget * share):
                    kind = NotificationKind.BUDGET_UNUSED
                    template = _(
                        "Liela individuālā budžeta daļa periodā %(period)s paliks "
                        "neizmantota: %(client)s"
                    )
                else:
                    continue
                result.append(
                    Reminder(
                        recipient=worker,
                        kind=kind,
                        title=template % {"period": entry.label, "client": client_name(client)},
                        link=reverse("people:client_detail", args=[client.pk]),
                        dedupe_key=f"{kind.value}:period:{entry.period.pk}",
                        subject=entry.period,
                        due_on=entry.period.end,
                    )
                )
    return result
