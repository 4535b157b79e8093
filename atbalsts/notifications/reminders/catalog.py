"""Provider registrations that lapsed in the last 30 days or lapse in the next 30: the heads
who keep the providers check the register (the start page's panel,
`catalog.selectors.registrations_lapsing`)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from atbalsts.catalog.selectors import registrations_lapsing
from atbalsts.core.dates import dmy

from ..models import NotificationKind
from ..policies import notification_policy
from .common import Reminder


def registrations(today: dt.date) -> list[Reminder]:
    result: list[Reminder] = []
    for head in notification_policy.heads():
        for registration in registrations_lapsing(user=head, today=today):
            valid_to = registration.valid_to
            if valid_to is None:  # the selector lists only registrations with an end
                continue
            template = (
                _("Sniedzēja %(provider)s reģistrācija %(number)s beidzās %(date)s")
                if valid_to < today
                else _("Sniedzēja %(provider)s reģistrācija %(number)s beidzas %(date)s")
            )
            result.append(
                Reminder(
                    recipient=head,
                    kind=NotificationKind.REGISTRATION_LAPSING,
                    title=template
                    % {
                        "provider": registration.provider.name,
                        "number": registration.number,
                        "date": dmy(valid_to),
                    },
                    link=reverse("catalog:provider_detail", args=[registration.provider_id]),
                    dedupe_key=f"registration_lapsing:registration:{registration.pk}:{valid_to}",
                    subject=registration,
                    due_on=valid_to,
                )
            )
    return result
