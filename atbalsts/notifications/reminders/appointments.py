"""Appointment reminders for the person: an e-mail the day before a planned session, in plain
Latvian, to the address the person (or their representative) asked for on the client's page
(people.AppointmentReminderChoice). Nobody else gets one: no choice, no mail.

A planned session is what the delivery calendar plans from the guarantee letters
(`delivery.selectors.planned_days`: the month's expected sessions spread over its working
days). The mail says only when, where and with whom: the date, the usual start time (of the
last session recorded on that letter line, if any), the place (the provider's premises, the
person's home or remotely) and the provider's name and phone. Never the service, a diagnosis,
a goal or anything from a session: the mail's context is built here from an allow-list
(`CONTEXT_FIELDS`, `ITEM_FIELDS`), never from a record.

Each mail is recorded (people.AppointmentReminderSent, one per choice and day), so a second
run on the same day sends nothing. Sent by the system: no actor.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import override

from atbalsts.catalog.models import LocationKind, ProviderLocation, ServiceType
from atbalsts.core.dates import dmy, hm, month_start
from atbalsts.delivery.models import Session
from atbalsts.delivery.selectors import planned_days
from atbalsts.people.models import AppointmentReminderChoice, AppointmentReminderSent, Client
from atbalsts.plans.models import GuaranteeLetter, LetterStatus

logger = logging.getLogger(__name__)

TEMPLATE = "notifications/email/appointment.txt"
CONTEXT_FIELDS = frozenset({"day", "weekday", "items"})
ITEM_FIELDS = frozenset({"time", "provider", "place", "phone"})
WEEKDAYS = (
    "pirmdiena",
    "otrdiena",
    "trešdiena",
    "ceturtdiena",
    "piektdiena",
    "sestdiena",
    "svētdiena",
)


@dataclass
class AppointmentCounts:
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # already sent for that day

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "failed": self.failed, "skipped": self.skipped}


@dataclass
class Appointment:
    """One provider the person meets on the day (several lines of one provider are one)."""

    provider_id: int
    provider: str
    phone: str
    place: str
    times: list[dt.time] = field(default_factory=list)


def _place(client: Client, provider_id: int) -> str:
    locations = list(
        ProviderLocation.objects.filter(provider_id=provider_id, active=True).order_by("id")
    )
    near = [loc for loc in locations if loc.municipality_id == client.municipality_id]
    for location in near or locations:
        if location.kind == LocationKind.CLIENT_HOME:
            return _("Jūsu mājās")
        if location.kind == LocationKind.REMOTE:
            return _("attālināti (pa tālruni vai internetā)")
        if location.address:
            return location.address
    return ""


def _usual_time(client: Client, line_key: str) -> dt.time | None:
    session = (
        Session.objects.filter(client=client, line_key=line_key, start_time__isnull=False)
        .order_by("-date", "-start_time")
        .first()
    )
    return session.start_time if session is not None else None


def appointments_on(
    client: Client, day: dt.date, units: dict[int, str] | None = None
) -> list[Appointment]:
    """The providers the person has a planned session with on `day` (lines for someone of the
    support circle are theirs, not the person's: left out). `units`: service type → unit."""
    if units is None:
        units = dict(ServiceType.objects.values_list("pk", "unit"))
    letters = GuaranteeLetter.objects.filter(
        version__plan__client=client,
        status=LetterStatus.ISSUED,
        period_start__lte=day,
        period_end__gte=day,
    ).select_related("provider")
    found: dict[int, Appointment] = {}
    for letter in letters.order_by("provider__name", "id"):
        for line in letter.lines:
            if line.get("recipient"):
                continue
            if day not in planned_days(
                line, units.get(line["service_type_id"], ""), month_start(day)
            ):
                continue
            provider = letter.provider
            entry = found.get(provider.pk)
            if entry is None:
                entry = Appointment(
                    provider.pk, provider.name, provider.phone, _place(client, provider.pk)
                )
                found[provider.pk] = entry
            time = _usual_time(client, line["key"])
            if time is not None and time not in entry.times:
                entry.times.append(time)
    return list(found.values())


def mail_context(day: dt.date, appointments: list[Appointment]) -> dict[str, Any]:
    """The only things an appointment mail says (allow-list)."""
    return {
        "day": dmy(day),
        "weekday": WEEKDAYS[day.weekday()],
        "items": [
            {
                "time": ", ".join(hm(t) for t in sorted(a.times)),
                "provider": a.provider,
                "place": a.place,
                "phone": a.phone,
            }
            for a in appointments
        ],
    }


def render_appointment_mail(day: dt.date, appointments: list[Appointment]) -> tuple[str, str]:
    """(subject, text) in Latvian."""
    with override(settings.LANGUAGE_CODE):
        context = mail_context(day, appointments)
        subject = _("Atgādinājums: rīt, %(day)s, Jums ir tikšanās") % {"day": context["day"]}
        return subject, render_to_string(TEMPLATE, context)


def _send_one(
    choice: AppointmentReminderChoice, day: dt.date, appointments: list[Appointment]
) -> bool:
    subject, text = render_appointment_mail(day, appointments)
    try:
        with transaction.atomic():
            AppointmentReminderSent.objects.create(choice=choice, day=day)
            EmailMessage(subject, text, settings.DEFAULT_FROM_EMAIL, [choice.email]).send()
    except IntegrityError:  # another run sent it meanwhile
        return False
    except Exception:  # the mail server refused: not recorded, tried again on the next run
        logger.warning("appointment reminder mail failed; it is tried again on the next run")
        raise
    return True


def appointment_reminders_send(today: dt.date) -> AppointmentCounts:
    """Mail tomorrow's appointments to every person with an active choice, once per day."""
    day = today + dt.timedelta(days=1)
    counts = AppointmentCounts()
    choices = AppointmentReminderChoice.objects.filter(
        opted_out_on__isnull=True, opted_in_on__lte=today
    ).select_related("client")
    units = dict(ServiceType.objects.values_list("pk", "unit"))
    for choice in choices.order_by("id"):
        if not choice.email:
            continue
        if AppointmentReminderSent.objects.filter(choice=choice, day=day).exists():
            counts.skipped += 1
            continue
        appointments = appointments_on(choice.client, day, units)
        if not appointments:
            continue
        try:
            sent = _send_one(choice, day, appointments)
        except Exception:
            counts.failed += 1
            continue
        if sent:
            counts.sent += 1
        else:
            counts.skipped += 1
    return counts
