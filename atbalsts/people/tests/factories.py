"""Clients and their relations, created through the services so that the rules apply."""

import datetime as dt
import itertools
from typing import Any

from atbalsts.people import services
from atbalsts.people.models import CaseAssignment, Client, Municipality, TargetGroup
from atbalsts.people.personal_code import make_old_form

_serial = itertools.count(1)


def personal_code_for(born: dt.date) -> str:
    return make_old_form(born, next(_serial) * 7 % 1000)


def unique_personal_code(born: dt.date) -> str:
    for _ in range(1000):
        code = personal_code_for(born)
        if not Client.objects.filter(personal_code=code).exists():
            return code
    raise RuntimeError("no free personal code")


def make_client(
    *,
    actor: Any,
    municipality: Municipality,
    child: bool = False,
    start_date: dt.date = dt.date(2026, 1, 5),
    keep_case: bool = False,
    **overrides: Any,
) -> Client:
    """A client registered through the service. A social worker who registers a client holds
    their case; tests give cases explicitly, so that case is dropped unless `keep_case`."""
    born = overrides.pop("date_of_birth", None) or (
        dt.date(2016, 4, 12) if child else dt.date(1985, 9, 3)
    )
    data = {
        "target_group": TargetGroup.CHILD_FT if child else TargetGroup.ADULT_GRT,
        "first_name": "Anna",
        "last_name": "Bērziņa",
        "personal_code": unique_personal_code(born),
        "start_date": start_date,
        **overrides,
    }
    client = services.client_create(actor=actor, municipality=municipality, data=data)
    if not keep_case:
        CaseAssignment.objects.filter(client=client).delete()
    return client
