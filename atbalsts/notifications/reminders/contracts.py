"""Provider contracts that ended in the last 30 days or end in the next 30: the heads of the
contracting municipality renew them before letters fall under no contract (like the
registrations' rule, `catalog.selectors.contracts_expiring`)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from atbalsts.catalog.selectors import contracts_expiring
from atbalsts.core.dates import dmy

from ..models import NotificationKind
from ..policies import notification_policy
from .common import Reminder


def contracts(today: dt.date) -> list[Reminder]:
    result: list[Reminder] = []
    for head in notification_policy.heads():
        for contract in contracts_expiring(user=head, today=today):
            valid_to = contract.valid_to
            if valid_to is None:  # the selector lists only contracts with an end
                continue
            template = (
                _("Līgums %(number)s ar sniedzēju %(provider)s beidzās %(date)s")
                if valid_to < today
                else _("Līgums %(number)s ar sniedzēju %(provider)s beidzas %(date)s")
            )
            result.append(
                Reminder(
                    recipient=head,
                    kind=NotificationKind.CONTRACT_EXPIRING,
                    title=template
                    % {
                        "provider": contract.provider.name,
                        "number": contract.number,
                        "date": dmy(valid_to),
                    },
                    link=reverse("catalog:provider_detail", args=[contract.provider_id]),
                    dedupe_key=f"contract_expiring:contract:{contract.pk}:{valid_to}",
                    subject=contract,
                    due_on=valid_to,
                )
            )
    return result
