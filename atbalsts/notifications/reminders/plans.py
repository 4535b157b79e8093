"""Support plans in force and guarantee letters ending within 60 and again within 30 days:
the client's case worker is reminded to review, extend or write the next version."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from atbalsts.core.dates import dmy
from atbalsts.plans.models import GuaranteeLetter, LetterStatus, PlanStatus, PlanVersion
from atbalsts.plans.policies import plan_policy

from ..models import NotificationKind
from ..policies import notification_policy
from .common import ENDING_DAYS, Reminder, client_name, ending_threshold, holds_case


def plans_ending(today: dt.date) -> list[Reminder]:
    horizon = today + dt.timedelta(days=max(ENDING_DAYS))
    result: list[Reminder] = []
    for worker in notification_policy.case_workers():
        versions = (
            plan_policy.visible_versions(
                worker,
                PlanVersion.objects.filter(
                    status=PlanStatus.ACTIVE, end__gte=today, end__lte=horizon
                ),
            )
            .filter(holds_case(worker, today, "plan__client__"))
            .select_related("plan__client")
            .distinct()
            .order_by("end", "pk")
        )
        for version in versions:
            threshold = ending_threshold(version.end, today)
            if threshold is None:
                continue
            client = version.plan.client
            result.append(
                Reminder(
                    recipient=worker,
                    kind=NotificationKind.PLAN_ENDING,
                    title=_("Atbalsta plāns beidzas %(date)s: %(client)s")
                    % {"date": dmy(version.end), "client": client_name(client)},
                    link=reverse("plans:version_detail", args=[version.pk]),
                    dedupe_key=f"plan_ending:version:{version.pk}:{version.end}:{threshold}",
                    subject=version,
                    due_on=version.end,
                )
            )
    return result


def letters_ending(today: dt.date) -> list[Reminder]:
    horizon = today + dt.timedelta(days=max(ENDING_DAYS))
    result: list[Reminder] = []
    for worker in notification_policy.case_workers():
        letters = (
            plan_policy.visible_letters(
                worker,
                GuaranteeLetter.objects.filter(
                    status=LetterStatus.ISSUED, period_end__gte=today, period_end__lte=horizon
                ),
            )
            .filter(holds_case(worker, today, "version__plan__client__"))
            .select_related("version__plan__client", "provider")
            .distinct()
            .order_by("period_end", "pk")
        )
        for letter in letters:
            threshold = ending_threshold(letter.period_end, today)
            if threshold is None:
                continue
            client = letter.version.plan.client
            result.append(
                Reminder(
                    recipient=worker,
                    kind=NotificationKind.LETTER_ENDING,
                    title=_(
                        "Garantijas vēstule %(number)s (%(provider)s) beidzas %(date)s: %(client)s"
                    )
                    % {
                        "number": letter.number,
                        "provider": letter.provider.name,
                        "date": dmy(letter.period_end),
                        "client": client_name(client),
                    },
                    link=reverse("plans:letter_detail", args=[letter.pk]),
                    dedupe_key=(
                        f"letter_ending:letter:{letter.pk}:{letter.period_end}:{threshold}"
                    ),
                    subject=letter,
                    due_on=letter.period_end,
                )
            )
    return result
