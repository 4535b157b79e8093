"""A group session in the living demo (issue 11): the demo provider (`sniedzejs`) held one
session of a service for the people whose letters share it, on a weekday of last month, at
13:00, each session priced by the person's own letter; whoever the rules refuse for that day
(a pause, a cancellation, a duplicate) makes the next weekday the one tried."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

from atbalsts.catalog.models import ServiceType
from atbalsts.core.dates import dmy, month_start
from atbalsts.core.errors import DomainError
from atbalsts.delivery.grid import GRID_UNITS
from atbalsts.delivery.models import Session
from atbalsts.delivery.selectors import my_clients
from atbalsts.delivery.services import group_session_record

GROUP_SIZE = 3  # at most: a small group
START_TIME = "13:00"


def ensure(*, users: dict[str, Any], today: dt.date, log: Callable[[str], None]) -> None:
    staff = users.get("sniedzejs")
    if staff is None or Session.objects.filter(group_key__isnull=False).exists():
        return
    entries = my_clients(user=staff, today=today)
    units = dict(ServiceType.objects.values_list("pk", "unit"))
    shared = Counter(
        int(line["service_type_id"])
        for entry in entries
        for letter in entry.letters[:1]
        for line in letter.lines
        if units.get(int(line["service_type_id"])) in GRID_UNITS and not line.get("recipient")
    )
    service = next((pk for pk, n in shared.most_common() if n >= 2), None)
    if service is None:
        return
    members = [
        (letter, {"line_key": line["key"], "status": "held", "signed_by": "client"})
        for entry in entries
        for letter in entry.letters[:1]
        for line in letter.lines
        if int(line["service_type_id"]) == service and not line.get("recipient")
    ][:GROUP_SIZE]
    last_month = month_start(month_start(today) - dt.timedelta(days=1))
    for offset in range(28):
        day = last_month + dt.timedelta(days=offset)
        if day.weekday() >= 5 or day >= today:
            continue
        try:
            made = group_session_record(
                actor=staff,
                data={
                    "date": day,
                    "start_time": START_TIME,
                    "techniques": "Saskarsmes spēles un sarunas grupā",
                },
                members=members,
            )
        except DomainError:
            continue
        log(f"Grupas nodarbība: {len(made)} personas, {dmy(day)}")
        return
